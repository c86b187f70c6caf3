package dev.porter.formats;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads an Avro object container file (the spec's "Object Container Files"): the header (magic,
 * metadata, sync marker), then blocks of rows, each checked against the sync marker, decompressed
 * in one piece and handed out through a binary decoder. The counterpart of {@link
 * AvroContainerWriter}, and a reader of any container with the null, deflate or zstandard codec.
 *
 * <p>Avro's own {@code DataFileStream} parses the file's schema with a JSON library whose first use
 * cost an import about 50 ms; here the schema is parsed by {@link RecordJson} and turned into the
 * row decoder's value kinds ({@link RowDatumReader#forSchema}).
 */
final class AvroContainerReader {
  private static final byte[] MAGIC = {'O', 'b', 'j', 1};

  /** Decompressed blocks up to this size are decompressed in one call into an exact buffer. */
  private static final long ONE_SHOT = 64L << 20;

  private final InputStream in;
  private final byte[] sync = new byte[16];

  /** The sync marker after each block, read into the same 16 bytes. */
  private final byte[] syncRead = new byte[16];

  /**
   * The compressed bytes of the block being read, kept from block to block (only the thread that
   * reads blocks uses it): a new array per block was half of what a scale-1 import allocated.
   */
  private byte[] compressed;

  private final String codec;
  private final byte[] schemaJson;
  private final long maxBlock;
  private BinaryDecoder decoder;
  private long rowsLeft;
  private boolean started;
  private long blockRows;

  /** Blocks read ahead by {@link #blockReader}; null when the caller reads them. */
  private java.util.concurrent.BlockingQueue<Object> ahead;

  private volatile Thread blockReader;
  private volatile boolean stopping;
  private boolean ended;

  /** The end of the blocks, as an item of {@link #ahead}. */
  private static final Object END = new Object();

  /** A decompressed block: its rows, and its bytes, the first {@code length} of {@code data}. */
  private record Block(long rows, byte[] data, int length) {}

  /**
   * Decompressed blocks the caller gave back ({@link #release}), for the thread reading ahead to
   * fill again: at scale 10 of the benchmark 1.1 GB of arrays otherwise, each zeroed by the JVM
   * before zstd writes it.
   */
  private final java.util.Queue<byte[]> spare = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** A block larger than this (grown for one very large row) is not kept. */
  private static final int SPARE_MAX = 4 << 20;

  private int blockLength;

  /** Reads the header; {@code in} is left at the first block. */
  AvroContainerReader(InputStream in) throws IOException {
    this.in = in;
    byte[] magic = readFully(4);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IOException("not an Avro container file (bad magic)");
    }
    Map<String, byte[]> meta = readMetadata();
    System.arraycopy(readFully(16), 0, sync, 0, 16);
    byte[] c = meta.get("avro.codec");
    codec = c == null ? "null" : new String(c, StandardCharsets.UTF_8);
    schemaJson = meta.get("avro.schema");
    if (schemaJson == null) {
      throw new IOException("the Avro header has no avro.schema");
    }
    maxBlock = decompressLimit();
  }

  /**
   * Avro's limit on a decompressed block: its system property when set to a number, else the
   * smaller of Avro's default (200 MB) and a quarter of the heap.
   */
  private static long decompressLimit() {
    String limit = System.getProperty(SystemLimitException.MAX_DECOMPRESS_LENGTH_PROPERTY);
    if (limit != null) {
      try {
        return Long.parseLong(limit.trim());
      } catch (NumberFormatException e) {
        // not a number: the default, as if it were not set
      }
    }
    return Math.min(
        SystemLimitException.MAX_DECOMPRESS_LENGTH, Runtime.getRuntime().maxMemory() / 4);
  }

  /** The writer's schema, as JSON text. */
  byte[] schemaJson() {
    return schemaJson;
  }

  /**
   * Moves to the next row: true when one can be read from {@link #decoder()}, false at the end of
   * the file.
   */
  boolean nextRow() throws IOException {
    while (rowsLeft == 0) {
      if (started && !decoder.isEnd()) {
        throw new IOException("an Avro block holds bytes after its last row");
      }
      byte[] raw = nextBlock();
      if (raw == null) {
        return false;
      }
      decoder = DecoderFactory.get().binaryDecoder(raw, 0, blockLength, decoder);
      started = true;
      rowsLeft = blockRows;
    }
    rowsLeft--;
    return true;
  }

  /**
   * Moves to the next block and returns its decompressed rows, {@link #blockRows()} of them in its
   * first {@link #blockLength()} bytes, to be decoded by the caller; null at the end of the file.
   * Not mixed with {@link #nextRow()}: a reader is read one way or the other.
   */
  byte[] nextBlock() throws IOException {
    Block b = ahead != null ? takeBlock() : readBlock();
    if (b == null) {
      return null;
    }
    blockRows = b.rows(); // set here, on the caller's thread: the reader's is ahead
    blockLength = b.length();
    return b.data();
  }

  /** The bytes of the block {@link #nextBlock()} returned last. */
  int blockLength() {
    return blockLength;
  }

  /**
   * Gives back a block {@link #nextBlock()} returned, which the caller no longer reads (nothing it
   * decoded refers to its bytes): the thread reading ahead may fill it again.
   */
  void release(byte[] block) {
    if (ahead != null && block.length <= SPARE_MAX && spare.size() < 2) {
      spare.offer(block);
    }
  }

  /** The next block, read and decompressed on the calling thread; null at the end of the file. */
  private Block readBlock() throws IOException {
    long count = readLong(true);
    if (count == Long.MIN_VALUE) {
      return null; // the end of the file, between blocks
    }
    long size = readLong(false);
    if (count < 0 || size < 0) {
      throw new IOException("negative Avro block count or size");
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new SystemLimitException("an Avro block of " + size + " bytes");
    }
    int n = (int) size;
    // a block stored as it is is the array handed on; a compressed one is read into the array
    // kept for that
    boolean stored = codec.equals("null");
    byte[] data = readFully(n, stored ? null : compressed);
    if (!stored && data.length <= SPARE_MAX) {
      compressed = data;
    }
    if (!Arrays.equals(readFully(16, syncRead), sync)) {
      throw new IOException("Avro sync marker mismatch after a block");
    }
    return decompress(count, data, n);
  }

  /**
   * From now on, {@link #nextBlock()} gives blocks that a thread of their own read (hashed by the
   * stream, if it hashes) and decompressed while the caller decoded the block before: a second
   * stage of the pipeline (ADR 0033). {@link #stop()} ends it; the stream is the caller's again
   * after that, or once {@link #nextBlock()} has returned null or failed.
   */
  void readAhead(String threadName) {
    if (ahead != null || stopping) {
      return;
    }
    ahead = new java.util.concurrent.ArrayBlockingQueue<>(1);
    Thread t = new Thread(this::readBlocks, threadName);
    t.setDaemon(true);
    blockReader = t;
    t.start();
  }

  private void readBlocks() {
    try {
      Block b;
      while (!stopping && (b = readBlock()) != null) {
        ahead.put(b);
      }
      ahead.put(END);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      try {
        ahead.put(t);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Block takeBlock() throws IOException {
    if (ended) {
      return null;
    }
    Object item;
    try {
      item = ahead.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while reading an Avro block");
    }
    if (item instanceof Block b) {
      return b;
    }
    ended = true;
    joinReader();
    if (item == END) {
      return null;
    }
    if (item instanceof IOException e) {
      throw e;
    }
    if (item instanceof RuntimeException e) {
      throw e;
    }
    if (item instanceof Error e) {
      throw e;
    }
    throw new IOException((Throwable) item);
  }

  /**
   * Stops the thread {@link #readAhead} started, or keeps it from starting, and waits for it to
   * end: it reads nothing more from the stream afterwards. Any thread may call it, more than once.
   */
  void stop() {
    stopping = true;
    Thread t = blockReader;
    if (t == null) {
      return;
    }
    while (t.isAlive()) {
      ahead.clear(); // unblocks a put
      try {
        t.join(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    ahead.clear();
    ahead.offer(END); // a caller waiting in nextBlock() ends
  }

  private void joinReader() {
    try {
      blockReader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The rows of the block {@link #nextBlock()} returned last. */
  long blockRows() {
    return blockRows;
  }

  /** The decoder positioned at the current row. */
  BinaryDecoder decoder() {
    return decoder;
  }

  /** The block of {@code length} bytes at the start of {@code data}, decompressed. */
  private Block decompress(long count, byte[] data, int length) throws IOException {
    switch (codec) {
      case "null":
        return new Block(count, data, length);
      case "zstandard":
        {
          long n = Zstd.getFrameContentSize(data, 0, length);
          if (n >= 0 && n <= Math.min(ONE_SHOT, maxBlock)) {
            byte[] out = spare.poll();
            if (out == null || out.length < n) {
              // room for the next blocks, a little larger or smaller, to be decompressed into it
              out = new byte[(int) Math.min(ONE_SHOT, n + (n >> 3))];
            }
            long got = Zstd.decompressByteArray(out, 0, (int) n, data, 0, length);
            if (Zstd.isError(got)) {
              throw new IOException("zstd: " + Zstd.getErrorName(got));
            }
            if (got != n) {
              throw new IOException("zstd: " + got + " bytes, the frame declares " + n);
            }
            return new Block(count, out, (int) n);
          }
          if (n > maxBlock) {
            throw tooLarge(n);
          }
          try (InputStream z =
              new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(data, 0, length))) {
            byte[] all = readAll(z);
            return new Block(count, all, all.length);
          }
        }
      case "deflate":
        {
          Inflater inflater = new Inflater(true); // Avro's deflate: raw, without zlib's wrapper
          try (InputStream z =
              new InflaterInputStream(new ByteArrayInputStream(data, 0, length), inflater)) {
            byte[] all = readAll(z); // a cut stream ends in an EOFException
            return new Block(count, all, all.length);
          } finally {
            inflater.end();
          }
        }
      default:
        throw new IOException("unsupported Avro codec " + codec);
    }
  }

  private byte[] readAll(InputStream z) throws IOException {
    BlockBuffer out = new BlockBuffer(1 << 16);
    byte[] chunk = new byte[1 << 16];
    int k;
    while ((k = z.read(chunk)) > 0) {
      out.write(chunk, 0, k);
      if (out.size() > maxBlock) {
        throw tooLarge(out.size());
      }
    }
    return out.toByteArray();
  }

  private SystemLimitException tooLarge(long bytes) {
    return new SystemLimitException(
        "an Avro block decompresses to more than "
            + maxBlock
            + " bytes ("
            + bytes
            + "), the limit "
            + SystemLimitException.MAX_DECOMPRESS_LENGTH_PROPERTY
            + " sets");
  }

  /** The metadata map: blocks of (key string, value bytes) pairs, ended by a zero count. */
  private Map<String, byte[]> readMetadata() throws IOException {
    Map<String, byte[]> meta = new LinkedHashMap<>();
    while (true) {
      long n = readLong(false);
      if (n == 0) {
        return meta;
      }
      if (n < 0) {
        n = -n;
        readLong(false); // the block's size in bytes, which a reader may skip by
      }
      if (n > 1024) {
        throw new IOException("an Avro header with " + n + " metadata entries");
      }
      for (long i = 0; i < n; i++) {
        String key = new String(readBytes(), StandardCharsets.UTF_8);
        meta.put(key, readBytes());
      }
    }
  }

  private byte[] readBytes() throws IOException {
    long n = readLong(false);
    if (n < 0 || n > 64L << 20) {
      throw new IOException("an Avro header value of " + n + " bytes");
    }
    return readFully((int) n);
  }

  /**
   * An Avro long (zig-zag varint). With {@code eofAllowed}, the end of the stream before its first
   * byte gives {@code Long.MIN_VALUE}.
   */
  private long readLong(boolean eofAllowed) throws IOException {
    long raw = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      int b = in.read();
      if (b < 0) {
        if (eofAllowed && shift == 0) {
          return Long.MIN_VALUE;
        }
        throw new EOFException("the Avro file ends inside a number");
      }
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new IOException("an Avro number longer than ten bytes");
  }

  /**
   * Reads exactly {@code n} bytes, growing the buffer as they arrive (a damaged length cannot make
   * it allocate more than the stream holds, plus 1 MB).
   */
  private byte[] readFully(int n) throws IOException {
    return readFully(n, null);
  }

  /**
   * As {@link #readFully(int)}, into {@code into} where it holds {@code n} bytes; the bytes then
   * start the array, which may be longer.
   */
  private byte[] readFully(int n, byte[] into) throws IOException {
    byte[] buf = into != null && into.length >= n ? into : new byte[Math.min(n, 1 << 20)];
    int have = 0;
    while (have < n) {
      if (have == buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(n, (long) buf.length * 2));
      }
      int k = in.read(buf, have, Math.min(buf.length, n) - have);
      if (k < 0) {
        throw new EOFException(
            "the Avro file ends inside a block (" + have + " of " + n + " bytes)");
      }
      have += k;
    }
    return buf;
  }
}
