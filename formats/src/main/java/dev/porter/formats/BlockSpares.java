package dev.porter.formats;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The encoding buffers and compression outputs of written blocks, kept for the next blocks of any
 * table of one archive (tables may be written on several threads at once). Kept per table, each
 * table started without any: a scale-1 export allocated 26 MB of them for seven tables, and every
 * young collection those bring grows the heap the process touches.
 */
final class BlockSpares {
  /** The most of each kind kept: what two tables' blocks in flight use. */
  static final int MOST = 6;

  private final int blockSize;
  private final Deque<BlockBuffer> buffers = new ArrayDeque<>();
  private final Deque<byte[]> outputs = new ArrayDeque<>();

  /** Spares for blocks of {@code blockSize} bytes (a block ends after the row that reaches it). */
  BlockSpares(int blockSize) {
    this.blockSize = blockSize;
  }

  /** The size a block is handed on at. */
  int blockSize() {
    return blockSize;
  }

  /** A new buffer's size: room for the row that takes a block past its size. */
  int bufferSize() {
    return blockSize + (blockSize >> 3);
  }

  /** A buffer to encode a block into: a written block's, or a new one. */
  synchronized BlockBuffer buffer() {
    BlockBuffer spare = buffers.poll();
    return spare != null ? spare : new BlockBuffer(bufferSize());
  }

  /**
   * An output array of at least {@code bound} bytes: a written block's, or a new one sized for the
   * largest usual block, so that a block a little over the size takes a kept one too.
   */
  synchronized byte[] output(long bound, long usualBound) {
    if (bound > Integer.MAX_VALUE - 8) {
      throw new OutOfMemoryError("an Avro block larger than 2 GB");
    }
    byte[] spare = outputs.poll();
    if (spare != null && spare.length >= bound) {
      return spare;
    }
    if (spare != null) {
      outputs.add(spare); // kept for a block it fits
    }
    return new byte[(int) Math.max(bound, usualBound)];
  }

  /**
   * Takes back a written block's buffer and output (null without compression). A buffer that grew
   * for a very large row is let go rather than kept.
   */
  synchronized void give(BlockBuffer buffer, byte[] output) {
    if (buffer != null && buffer.capacity() <= 4 * blockSize && buffers.size() < MOST) {
      buffer.reset();
      buffers.add(buffer);
    }
    if (output != null
        && output.length <= 4 * blockSize + (blockSize >> 1)
        && outputs.size() < MOST) {
      outputs.add(output);
    }
  }

  /** Buffers and arrays kept (for tests: it must not grow with the tables). */
  synchronized int held() {
    return buffers.size() + outputs.size();
  }
}
