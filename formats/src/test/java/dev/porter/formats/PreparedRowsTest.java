package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.archive.RowPreparer;
import dev.porter.core.archive.TableReader;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.TableDef;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows prepared on the decoding thread across many Avro blocks, read on a thread that reads the
 * blocks ahead: every row comes, in order, and a table left early leaves the archive readable.
 */
class PreparedRowsTest {
  @TempDir static Path spool;

  static final TableDef BIG =
      TestArchives.table(
          "big",
          TestArchives.column("id", "INTEGER", LogicalType.INTEGER),
          TestArchives.column("name", "TEXT", LogicalType.TEXT),
          TestArchives.column("image", "BLOB", LogicalType.BLOB));

  static final TableDef AFTER =
      TestArchives.table("after", TestArchives.column("x", "INTEGER", LogicalType.INTEGER));

  static final int ROWS = 6000;
  static byte[] archive;

  @BeforeAll
  static void writeArchive() {
    Random random = new Random(20261205L);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      byte[] image = new byte[200 + random.nextInt(400)]; // random bytes: 2.4 MB in 5+ blocks
      random.nextBytes(image);
      rows.add(new Object[] {(long) i, i % 5 == 0 ? "naïve " + i : "row " + i, image});
    }
    Map<TableDef, List<Object[]>> tables = new LinkedHashMap<>();
    tables.put(BIG, rows);
    tables.put(AFTER, List.of(new Object[] {7L}, new Object[] {8L}));
    archive = TestArchives.write(spool, tables);
  }

  @Test
  void everyRowOfEveryBlockComesInOrder() {
    List<Object[]> expected = TestArchives.readAll(archive).rows().get("big");
    TestArchives.Read read = TestArchives.readAllPrepared(archive, r -> r >= 5000 && r < 5003);
    List<Object[]> got = read.rows().get("big");
    assertEquals(ROWS, expected.size());
    assertEquals(ROWS, got.size());
    for (int r = 0; r < ROWS; r++) {
      assertEquals(expected.get(r)[0], got.get(r)[0], "row " + r);
      assertEquals(expected.get(r)[1], got.get(r)[1], "row " + r);
      assertArrayEquals((byte[]) expected.get(r)[2], (byte[]) got.get(r)[2], "row " + r);
    }
    assertEquals(2, read.rows().get("after").size());
    assertEquals(ROWS, read.trailer().tables().get(0).rows());
  }

  @Test
  void aTableLeftAfterItsFirstBatchLeavesTheRestReadable() {
    try (ArchiveReader r = PorterArchive.read(new ByteArrayInputStream(archive), "test archive")) {
      TableReader big = r.nextTable();
      TestArchives.Objects preparer = new TestArchives.Objects(n -> false);
      assertTrue(big.prepareWith(preparer));
      RowPreparer.Batch first = big.nextBatch();
      assertTrue(first.rows() > 0 && first.rows() < ROWS, first.rows() + " rows");
      TableReader after = r.nextTable();
      assertEquals("after", after.entry().table().name());
      assertEquals(7L, after.next()[0]);
      assertEquals(8L, after.next()[0]);
      assertNull(after.next());
      assertNull(r.nextTable());
      assertEquals(2, r.trailer().tables().size()); // both members' checksums match
    }
  }
}
