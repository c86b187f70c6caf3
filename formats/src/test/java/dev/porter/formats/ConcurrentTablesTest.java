package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.core.archive.ArchiveWriter;
import dev.porter.core.archive.TableWriter;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.SourceInfo;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableEntry;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parallel export spools several tables at once and finishes them in any order; the archive still
 * holds the members in header order, each with its own rows.
 */
class ConcurrentTablesTest {
  @TempDir Path spool;

  @Test
  void tablesFinishedOutOfOrderAreAppendedInHeaderOrder() throws Exception {
    TableDef a = TestArchives.table("a", TestArchives.column("x", "INTEGER", LogicalType.INTEGER));
    TableDef b = TestArchives.table("b", TestArchives.column("y", "TEXT", LogicalType.TEXT));
    TableDef c = TestArchives.table("c", TestArchives.column("z", "INTEGER", LogicalType.INTEGER));
    ArchiveHeader header =
        new ArchiveHeader(
            ArchiveHeader.FORMAT_NAME,
            ArchiveHeader.CURRENT_FORMAT_VERSION,
            "test",
            TestArchives.CREATED.toString(),
            null,
            new SourceInfo("sqlite", "3.0.0", "t.db"),
            List.of(
                new TableEntry(1, null, a), new TableEntry(2, null, b), new TableEntry(3, null, c)),
            null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArchiveWriter w =
        PorterArchive.write(
            out,
            new PorterArchive.WriteOptions(
                spool, "zstandard", 3, false, Clock.fixed(TestArchives.CREATED, ZoneOffset.UTC)))) {
      ArchiveHeader h = w.begin(header);
      TableWriter ta = w.openTable(h.tables().get(0));
      TableWriter tb = w.openTable(h.tables().get(1));
      TableWriter tc = w.openTable(h.tables().get(2));
      // written from three threads, finished c, b, a
      Thread t1 =
          new Thread(
              () -> {
                for (long i = 0; i < 5000; i++) {
                  ta.write(new Object[] {i});
                }
              });
      Thread t2 =
          new Thread(
              () -> {
                for (long i = 0; i < 3000; i++) {
                  tb.write(new Object[] {"row " + i});
                }
              });
      t1.start();
      t2.start();
      for (long i = 0; i < 10; i++) {
        tc.write(new Object[] {i * 7});
      }
      t1.join();
      t2.join();
      assertEquals(10, tc.finish().rows());
      assertEquals(3000, tb.finish().rows());
      // c and b wait in their spools for a; each spool was unlinked when it was opened, so a
      // killed export leaves none of them in the temporary directory
      try (Stream<Path> files = Files.list(spool)) {
        assertEquals(List.of(), files.toList());
      }
      assertEquals(5000, ta.finish().rows());
      w.finish();
    }
    TestArchives.Read read = TestArchives.readAll(out.toByteArray());
    assertEquals(List.of("a", "b", "c"), List.copyOf(read.rows().keySet()));
    assertEquals(List.of(1, 2, 3), read.trailer().tables().stream().map(s -> s.ordinal()).toList());
    assertEquals(4999L, read.rows().get("a").get(4999)[0]);
    assertEquals("row 2999", read.rows().get("b").get(2999)[0]);
    assertEquals(63L, read.rows().get("c").get(9)[0]);
  }
}
