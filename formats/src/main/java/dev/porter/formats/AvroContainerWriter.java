package dev.porter.formats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
  private BlockBuffer buffer = new BlockBuffer(1 << 20);
  private BinaryEncoder encoder;
  private long blockRows;
  private final BinaryEncoder header;

  /** A compressed block ready to be written. */
  private record Block(long rows, byte[] data) {}

  AvroContainerWriter(
      OutputStream out,
      Schema schema,
      RowDatumWriter datum,
      Map<String, String> meta,
      String codec,
      int level,
      int blockSize,
      ExecutorService compressors)
      throws IOException {
    this.out = out;
    this.datum = datum;
    this.codec = codec;
    this.level = level;
    this.blockSize = blockSize;
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
    encoder = EncoderFactory.get().directBinaryEncoder(buffer, null);
  }

  void append(Object[] row) throws IOException {
    datum.write(row, encoder);
    blockRows++;
    if (buffer.size() >= blockSize) {
      submitBlock();
    }
  }

  private void submitBlock() throws IOException {
    if (blockRows == 0) {
      return;
    }
    byte[] raw = buffer.toByteArray();
    long rows = blockRows;
    buffer = new BlockBuffer(Math.max(1 << 16, raw.length + (raw.length >> 3)));
    encoder = EncoderFactory.get().directBinaryEncoder(buffer, null);
    blockRows = 0;
    inFlight.add(compressors.submit(() -> new Block(rows, compress(raw))));
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
    header.writeLong(b.data().length);
    header.flush();
    out.write(b.data());
    out.write(sync);
  }

  private byte[] compress(byte[] raw) {
    return switch (codec) {
      case "zstandard" -> com.github.luben.zstd.Zstd.compress(raw, level);
      case "deflate" -> {
        Deflater d = new Deflater(level, true);
        try {
          d.setInput(raw);
          d.finish();
          ByteArrayOutputStream o = new ByteArrayOutputStream(raw.length / 2 + 64);
          byte[] chunk = new byte[1 << 16];
          while (!d.finished()) {
            o.write(chunk, 0, d.deflate(chunk));
          }
          yield o.toByteArray();
        } finally {
          d.end();
        }
      }
      case "null" -> raw;
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
