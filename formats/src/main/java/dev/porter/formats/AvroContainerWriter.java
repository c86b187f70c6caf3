package dev.porter.formats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.zip.Deflater;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Writes an Avro object container file (the standard format, read by any Avro reader) whose blocks
 * are compressed on other threads while the next block is encoded: the encoding thread never waits
 * for the compressor unless two blocks are already in flight.
 *
 * <p>A block's buffers are used again once it is written: the encoded block is compressed from the
 * buffer it was encoded into, into an output array kept from an earlier block. Allocating both
 * afresh for every block (and trimming zstd's output to size) was a third of what a SQLite export
 * allocated, and the collector's heap grows with the allocation rate.
 */
final class AvroContainerWriter implements AutoCloseable {
  private static final byte[] MAGIC = {'O', 'b', 'j', 1};
  private static final int MAX_IN_FLIGHT = 2;

  private final OutputStream out;
  private final RowDatumWriter datum;
  private final String codec;
  private final int level;
  private final int blockSize;
  private final ExecutorService compressors;
  private final byte[] sync = new byte[16];
  private final Deque<Future<Block>> inFlight = new ArrayDeque<>();

  /** Buffers and output arrays of written blocks, shared by the archive's tables. */
  private final BlockSpares spares;

  private BlockBuffer buffer;
  private BinaryEncoder encoder;
  private long blockRows;

  /** The rows appended, given as objects or value by value. */
  private long rows;

  private final BinaryEncoder header;

  /**
   * A compressed block ready to be written: {@code length} bytes of {@code data}, compressed from
   * {@code raw} (whose array {@code data} is, without compression).
   */
  private record Block(long rows, BlockBuffer raw, byte[] data, int length) {}

  AvroContainerWriter(
      OutputStream out,
      Schema schema,
      RowDatumWriter datum,
      Map<String, String> meta,
      String codec,
      int level,
      BlockSpares spares,
      ExecutorService compressors)
      throws IOException {
    this.out = out;
    this.spares = spares;
    this.datum = datum;
    this.codec = codec;
    this.level = level;
    this.blockSize = spares.blockSize();
    this.compressors = compressors;
    new SecureRandom().nextBytes(sync);
    header = EncoderFactory.get().directBinaryEncoder(out, null);
    out.write(MAGIC);
    Map<String, String> all = new LinkedHashMap<>(meta);
    all.put("avro.schema", schema.toString());
    all.put("avro.codec", codec);
    header.writeMapStart();
    header.setItemCount(all.size());
    for (Map.Entry<String, String> e : all.entrySet()) {
      header.startItem();
      header.writeString(e.getKey());
      header.writeBytes(e.getValue().getBytes(StandardCharsets.UTF_8));
    }
    header.writeMapEnd();
    header.flush();
    out.write(sync);
    buffer = nextBuffer();
    encoder = EncoderFactory.get().directBinaryEncoder(buffer, null);
  }

  void append(Object[] row) throws IOException {
    datum.write(row, encoder);
    rowAppended();
  }

  /** The encoder of the block being filled; {@link #rowAppended} may replace it. */
  BinaryEncoder encoder() {
    return encoder;
  }

  /** Counts a row encoded through {@link #encoder}, and hands the block on when it is full. */
  void rowAppended() throws IOException {
    blockRows++;
    rows++;
    if (buffer.size() >= blockSize) {
      submitBlock();
    }
  }

  private void submitBlock() throws IOException {
    if (blockRows == 0) {
      return;
    }
    BlockBuffer raw = buffer;
    long rows = blockRows;
    buffer = nextBuffer();
    encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
    blockRows = 0;
    byte[] output = codec.equals("zstandard") ? output(raw.size()) : null;
    inFlight.add(compressors.submit(() -> compress(rows, raw, output)));
    while (inFlight.size() > MAX_IN_FLIGHT || (!inFlight.isEmpty() && inFlight.peek().isDone())) {
      writeBlock(inFlight.poll());
    }
  }

  private void writeBlock(Future<Block> f) throws IOException {
    Block b;
    try {
      b = f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while compressing", e);
    } catch (ExecutionException e) {
      throw new IOException("compression failed: " + e.getCause(), e.getCause());
    }
    header.writeLong(b.rows());
    header.writeLong(b.length());
    header.flush();
    out.write(b.data(), 0, b.length());
    out.write(sync);
    // Kept for the next blocks of any table: only zstd's outputs, the only ones taken again.
    spares.give(b.raw(), codec.equals("zstandard") ? b.data() : null);
  }

  /** The rows appended so far. */
  long rows() {
    return rows;
  }

  /** Buffers and arrays kept for later blocks (for tests: it must not grow with the table). */
  int sparesHeld() {
    return spares.held();
  }

  /** A buffer to encode the next block into: a written block's, or a new one. */
  private BlockBuffer nextBuffer() {
    return spares.buffer();
  }

  /** An output array that holds the compression of {@code size} bytes whatever they are. */
  private byte[] output(int size) {
    return spares.output(
        com.github.luben.zstd.Zstd.compressBound(size),
        com.github.luben.zstd.Zstd.compressBound(spares.bufferSize()));
  }

  /**
   * Each compressing thread's direct buffers, the block's bytes and zstd's output. zstd-jni pins a
   * heap array for the whole of a compression (a JNI critical section), and while one is pinned the
   * collector cannot run: a scale-10 export spent most of its young collections waiting for the
   * compressors ("GCLocker Initiated GC"), and what was allocated meanwhile went to the old
   * generation, which grew from 11 to 59 MB of mostly garbage: peak RSS 172 MB at scale 1, 218 MB
   * at scale 10. Copying a block into a direct buffer and back costs two copies of 0.5 MB.
   */
  private static final ThreadLocal<ByteBuffer[]> DIRECT = new ThreadLocal<>();

  /**
   * zstd of the first {@code size} bytes of {@code input} into {@code output}, through the thread's
   * direct buffers and zstd context ({@link Compressors#zstd}). A block that grew past four block
   * sizes for a very large row is compressed straight from its arrays, as buffers that large are
   * not kept either ({@link #writeBlock}).
   */
  private long zstd(byte[] output, byte[] input, int size) {
    com.github.luben.zstd.ZstdCompressCtx ctx = Compressors.zstd(level);
    if (size > 4L * blockSize) {
      return ctx.compressByteArray(output, 0, output.length, input, 0, size);
    }
    ByteBuffer[] direct = DIRECT.get();
    if (direct == null || direct[0].capacity() < size) {
      int most = Math.max(size, blockSize + (blockSize >> 3));
      direct =
          new ByteBuffer[] {
            ByteBuffer.allocateDirect(most),
            ByteBuffer.allocateDirect((int) com.github.luben.zstd.Zstd.compressBound(most))
          };
      DIRECT.set(direct);
    }
    direct[0].clear().put(input, 0, size);
    long n = ctx.compressDirectByteBuffer(direct[1], 0, direct[1].capacity(), direct[0], 0, size);
    direct[1].get(0, output, 0, (int) n);
    return n;
  }

  /** Compresses a block; runs on a compressing thread. */
  private Block compress(long rows, BlockBuffer raw, byte[] output) {
    return switch (codec) {
      case "zstandard" -> {
        long n;
        try {
          n = zstd(output, raw.array(), raw.size());
        } catch (com.github.luben.zstd.ZstdException e) {
          throw new UncheckedIOException(new IOException("zstd: " + e.getMessage(), e));
        }
        yield new Block(rows, raw, output, (int) n);
      }
      case "deflate" -> {
        Deflater d = new Deflater(level, true);
        try {
          d.setInput(raw.array(), 0, raw.size());
          d.finish();
          ByteArrayOutputStream o = new ByteArrayOutputStream(raw.size() / 2 + 64);
          byte[] chunk = new byte[1 << 16];
          while (!d.finished()) {
            o.write(chunk, 0, d.deflate(chunk));
          }
          byte[] data = o.toByteArray();
          yield new Block(rows, raw, data, data.length);
        } finally {
          d.end();
        }
      }
      case "null" -> new Block(rows, raw, raw.array(), raw.size());
      default -> throw new UncheckedIOException(new IOException("unknown codec " + codec));
    };
  }

  /** Writes the last block and every block still in flight. */
  void finish() throws IOException {
    submitBlock();
    while (!inFlight.isEmpty()) {
      writeBlock(inFlight.poll());
    }
    out.flush();
    spares.give(buffer, null); // empty: the next table's first block may take it
    buffer = null;
  }

  /** Abandons the blocks in flight (the file is being discarded). */
  @Override
  public void close() {
    for (Future<Block> f : inFlight) {
      f.cancel(true);
    }
    inFlight.clear();
  }
}
