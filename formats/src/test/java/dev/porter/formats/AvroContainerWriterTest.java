package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.model.LogicalType;
import dev.porter.core.model.TableEntry;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The writer keeps a few buffers from written blocks for the next ones, never more however many
 * blocks a table has: with each codec, including those whose outputs are not taken again.
 */
class AvroContainerWriterTest {
  @ParameterizedTest
  @ValueSource(strings = {"zstandard", "deflate", "null"})
  void theBuffersKeptDoNotGrowWithTheTable(String codec) throws Exception {
    TableEntry entry =
        new TableEntry(
            1,
            null,
            TestArchives.table(
                "t",
                TestArchives.column("id", "INTEGER", LogicalType.INTEGER),
                TestArchives.column("v", "BLOB", LogicalType.BLOB)));
    Schema schema = AvroSchemas.forTable(entry);
    ExecutorService pool = Compressors.pool();
    try (AvroContainerWriter w =
        new AvroContainerWriter(
            OutputStream.nullOutputStream(),
            schema,
            new RowDatumWriter(entry, schema),
            Map.of(),
            codec,
            codec.equals("deflate") ? 6 : 3,
            new BlockSpares(4096),
            pool)) {
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
  @org.junit.jupiter.api.Test
  void aTableTakesTheBuffersTheTableBeforeLeft() throws Exception {
    TableEntry entry =
        new TableEntry(
            1,
            null,
            TestArchives.table("t", TestArchives.column("id", "INTEGER", LogicalType.INTEGER)));
    Schema schema = AvroSchemas.forTable(entry);
    ExecutorService pool = Compressors.pool();
    BlockSpares spares = new BlockSpares(4096);
    try {
      try (AvroContainerWriter first = writer(entry, schema, spares, pool)) {
        for (long i = 0; i < 5_000; i++) {
          first.append(new Object[] {i});
        }
        first.finish();
      }
      int left = spares.held();
      assertTrue(left >= 2, left + " kept");
      try (AvroContainerWriter second = writer(entry, schema, spares, pool)) {
        assertTrue(spares.held() == left - 1, "the second table's first buffer is a kept one");
        second.finish();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static AvroContainerWriter writer(
      TableEntry entry, Schema schema, BlockSpares spares, ExecutorService pool) throws Exception {
    return new AvroContainerWriter(
        OutputStream.nullOutputStream(),
        schema,
        new RowDatumWriter(entry, schema),
        Map.of(),
        "zstandard",
        3,
        spares,
        pool);
  }
}
