package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.TableEntry;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The writer keeps a few buffers from written blocks for the next ones, never more however many
 * blocks a table has: with each codec, including those whose outputs are not taken again. And its
 * zstd blocks are made as docs/archive-format.md says.
 */
class AvroContainerWriterTest {
  @ParameterizedTest
  @ValueSource(strings = {"zstandard", "deflate", "null"})
  void theBuffersKeptDoNotGrowWithTheTable(String codec) throws Exception {
    TableEntry entry = idAnd("BLOB", LogicalType.BLOB);
    ExecutorService pool = Compressors.pool();
    try (AvroContainerWriter w =
        writer(OutputStream.nullOutputStream(), entry, codec, new BlockSpares(4096), pool)) {
      int most = 0;
      for (long i = 0; i < 20_000; i++) { // about 500 blocks of 4 KB
        w.append(new Object[] {i, new byte[(int) (i % 200)]});
        most = Math.max(most, w.sparesHeld());
      }
      w.finish();
      most = Math.max(most, w.sparesHeld());
      assertTrue(most <= 2 * BlockSpares.MOST, codec + ": " + most + " buffers kept");
    } finally {
      pool.shutdownNow();
    }
  }

  /** The next table starts with what the last one left, rather than with new buffers. */
  @Test
  void aTableTakesTheBuffersTheTableBeforeLeft() throws Exception {
    TableEntry entry =
        new TableEntry(
            1,
            null,
            TestArchives.table("t", TestArchives.column("id", "INTEGER", LogicalType.INTEGER)));
    ExecutorService pool = Compressors.pool();
    BlockSpares spares = new BlockSpares(4096);
    try {
      try (AvroContainerWriter first =
          writer(OutputStream.nullOutputStream(), entry, "zstandard", spares, pool)) {
        for (long i = 0; i < 5_000; i++) {
          first.append(new Object[] {i});
        }
        first.finish();
      }
      int left = spares.held();
      assertTrue(left >= 2, left + " kept");
      try (AvroContainerWriter second =
          writer(OutputStream.nullOutputStream(), entry, "zstandard", spares, pool)) {
        assertTrue(spares.held() == left - 1, "the second table's first buffer is a kept one");
        second.finish();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A zstandard block is one zstd frame that declares its content size and carries no checksum,
   * made at level 3 with hash and chain tables of 2^15 entries (ADR 0040): the same bytes as a zstd
   * context set that way, and not those of level 3's own tables.
   */
  @Test
  void aZstdBlockIsLevel3WithSmallerTables() throws Exception {
    TableEntry entry = idAnd("TEXT", LogicalType.TEXT);
    ExecutorService pool = Compressors.pool();
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    try (AvroContainerWriter w = writer(file, entry, "zstandard", new BlockSpares(1 << 19), pool)) {
      Random random = new Random(7);
      for (long i = 0; i < 6_000; i++) {
        w.append(new Object[] {i * 7919, "customer " + random.nextInt(50_000) + " of row " + i});
      }
      w.finish();
    } finally {
      pool.shutdownNow();
    }
    BinaryDecoder in = DecoderFactory.get().binaryDecoder(file.toByteArray(), null);
    in.skipFixed(4); // magic
    for (long n = in.readMapStart(); n != 0; n = in.mapNext()) {
      for (long i = 0; i < n; i++) {
        in.skipString();
        in.skipBytes();
      }
    }
    in.skipFixed(16); // sync marker
    assertEquals(6_000, in.readLong(), "one block holds every row");
    byte[] block = new byte[(int) in.readLong()];
    in.readFixed(block);

    long size = Zstd.getFrameContentSize(block);
    assertTrue(size > 100_000, "the frame declares its content size: " + size);
    int descriptor = block[4] & 0xff; // after the 4-byte magic number
    assertEquals(0, descriptor & 0x04, "no content checksum");
    byte[] raw = Zstd.decompress(block, (int) size);

    byte[] expected;
    try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
      ctx.setLevel(3).setChecksum(false).setContentSize(true).setHashLog(15).setChainLog(15);
      expected = ctx.compress(raw);
    }
    assertArrayEquals(expected, block);
    byte[] levelThree = Zstd.compress(raw, 3);
    assertFalse(Arrays.equals(levelThree, block), "level 3's own tables would make other bytes");
  }

  /** A table of an integer {@code id} and a column {@code v} of the given type. */
  private static TableEntry idAnd(String type, LogicalType logical) {
    return new TableEntry(
        1,
        null,
        TestArchives.table(
            "t",
            TestArchives.column("id", "INTEGER", LogicalType.INTEGER),
            TestArchives.column("v", type, logical)));
  }

  /** A writer of {@code entry}'s rows at the codec's level as porter writes it. */
  private static AvroContainerWriter writer(
      OutputStream out, TableEntry entry, String codec, BlockSpares spares, ExecutorService pool)
      throws Exception {
    Schema schema = AvroSchemas.forTable(entry);
    return new AvroContainerWriter(
        out,
        schema,
        new RowDatumWriter(entry, schema),
        Map.of(),
        codec,
        codec.equals("deflate") ? 6 : 3,
        spares,
        pool);
  }
}
