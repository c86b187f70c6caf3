package dev.porter.core.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.dialect.TargetOptions;
import dev.porter.core.model.ArchiveHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain restore whose checks start beside its index builds (ADR 0028): the staging file passes
 * through WAL mode, and what is swapped in is the same database a restore without that would give,
 * in the source's journal mode, with no WAL or shared-memory file left beside it.
 */
class ChecksBesideIndexBuildsTest {
  @TempDir Path dir;

  /**
   * Indexed tables, one without an index, AUTOINCREMENT, views, a trigger between indexes, a
   * foreign key.
   */
  private Path source(String name, boolean wal) throws SQLException {
    Path db = dir.resolve(name);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      if (wal) {
        s.execute("PRAGMA journal_mode = WAL");
      }
      s.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT)");
      s.execute(
          "CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT,"
              + " customer_id INTEGER REFERENCES customer(id), total REAL, note TEXT)");
      s.execute("CREATE TABLE tag (label TEXT, weight INTEGER)");
      s.execute("CREATE INDEX orders_customer ON orders (customer_id)");
      s.execute("CREATE INDEX customer_city ON customer (city, name)");
      s.execute("CREATE UNIQUE INDEX orders_note ON orders (note)");
      s.execute("CREATE VIEW big AS SELECT * FROM orders WHERE total > 100");
      s.execute(
          "CREATE TRIGGER stamp AFTER INSERT ON tag BEGIN"
              + " UPDATE tag SET weight = 0 WHERE rowid = new.rowid AND weight IS NULL; END");
      // after a trigger and a view in sqlite_master, as in Sakila: the restore keeps that order
      s.execute("CREATE INDEX orders_total ON orders (total)");
      s.execute("CREATE VIEW small AS SELECT * FROM orders WHERE total < 10");
      s.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
              + " INSERT INTO customer SELECT i, 'c' || i, 'city ' || (i % 17) FROM n");
      s.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9000)"
              + " INSERT INTO orders SELECT i * 2, 1 + (i * 7919) % 3000, i * 0.25, 'o' || i FROM n");
      s.execute("DELETE FROM orders WHERE id > 17990"); // the counter stays above the last row
      s.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)"
              + " INSERT INTO tag SELECT 't' || i, i FROM n");
      s.execute("PRAGMA user_version = 7");
    }
    return db;
  }

  /**
   * Restores {@code source} with the checks beside the index builds, and asserts what every such
   * restore leaves: no WAL, shared memory or staging file, and the file format versions of the
   * journal mode (1 for a rollback journal, 2 for WAL).
   */
  private Path restoreBeside(Path source, String name, int formatVersion) throws IOException {
    Path target = dir.resolve(name);
    SqliteTarget t = Restores.restore(source, target, true);
    assertTrue(t.checksBesideIndexBuilds(), "the checks ran beside the index builds");
    assertEquals(List.of(), sidecars(), "no WAL, shared memory or staging file is left");
    assertEquals(formatVersion, header(target, 18), "file format write version");
    assertEquals(formatVersion, header(target, 19), "file format read version");
    return target;
  }

  @Test
  void aRestoreInRollbackModeComesOutAsTheSourceWithNoWalLeft() throws Exception {
    Path source = source("source.db", false);
    Path target = restoreBeside(source, "restored.db", 1);
    assertSameDatabase(source, target);
    assertEquals("delete", single(target, "PRAGMA journal_mode"));
  }

  @Test
  void aRestoreOfAWalSourceComesOutInWalModeWithItsPagesInTheFile() throws Exception {
    Path source = source("source-wal.db", true);
    Path target = restoreBeside(source, "restored-wal.db", 2);
    // every page is in the file itself: a copy of it alone, without any WAL, holds it all
    Path alone = dir.resolve("copy-alone.db");
    Files.copy(target, alone);
    assertSameDatabase(source, alone);
  }

  @Test
  void onOneProcessorTheChecksWaitForTheIndexesAndTheResultIsTheSame() throws Exception {
    Path source = source("one.db", false);
    Path target = dir.resolve("one-restored.db");
    SqliteTarget t = Restores.restore(source, target, false);
    assertFalse(t.checksBesideIndexBuilds(), "one connection: no reason to leave the journal");
    assertEquals(List.of(), sidecars());
    assertSameDatabase(source, target);
  }

  /**
   * Tables whose indexes porter writes as pages but for a UNIQUE constraint's, which SQLite
   * rebuilds: the checks start beside that rebuild, and a table with the constraint and indexes of
   * both kinds comes out with each index whole.
   */
  private Path uniqueSource(String name) throws SQLException {
    Path db = dir.resolve(name);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT, city INTEGER)");
      s.execute(
          "CREATE TABLE item (id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE,"
              + " grp INTEGER, title TEXT)");
      s.execute("CREATE INDEX customer_city ON customer (city)");
      s.execute("CREATE INDEX item_grp ON item (grp)");
      s.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000)"
              + " INSERT INTO customer SELECT i, 'c' || i, (i * 7919) % 97 FROM n");
      s.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)"
              + " INSERT INTO item SELECT i, 'sku-' || ((i * 7919) % 6007), i % 13, 't' || i FROM n");
    }
    return db;
  }

  @Test
  void aUniqueConstraintLeftToSqliteIsRebuiltBesideTheChecks() throws Exception {
    Path source = uniqueSource("unique.db");
    Path target = restoreBeside(source, "unique-restored.db", 1);
    for (String q :
        List.of(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid",
            "SELECT * FROM item ORDER BY id",
            "SELECT sku, id FROM item INDEXED BY sqlite_autoindex_item_1 ORDER BY sku",
            "SELECT grp, id FROM item INDEXED BY item_grp ORDER BY grp, id",
            "SELECT city, id FROM customer INDEXED BY customer_city ORDER BY city, id",
            "PRAGMA integrity_check")) {
      assertEquals(Restores.rows(source, q), Restores.rows(target, q), q);
    }
  }

  @Test
  void aTableWithAUniqueConstraintAndAnIndexSqliteBuildsHasBoth() throws Exception {
    Path source = uniqueSource("both.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source);
        Statement s = c.createStatement()) {
      s.execute("CREATE INDEX item_title ON item (title, grp)"); // two columns: built by SQLite
    }
    Path target = restoreBeside(source, "both-restored.db", 1);
    for (String q :
        List.of(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid",
            "SELECT sku, id FROM item INDEXED BY sqlite_autoindex_item_1 ORDER BY sku",
            "SELECT title, grp, id FROM item INDEXED BY item_title ORDER BY title, grp",
            "PRAGMA integrity_check")) {
      assertEquals(Restores.rows(source, q), Restores.rows(target, q), q);
    }
  }

  @Test
  void aDuplicateFoundByTheRebuildBesideTheChecksIsNamedByItsRow() throws Exception {
    Path source = uniqueSource("dup.db");
    Path target = dir.resolve("dup-restored.db");
    SqliteTarget t = SqliteTarget.open(target, TargetOptions.of(ImportMode.NEW), true);
    try (SqliteSource in = SqliteSource.open(source)) {
      ArchiveHeader header = Restores.header(in.schema());
      Restores.load(
          in,
          t,
          header,
          (table, row) -> {
            if (table.equals("item") && row[0].equals(5000L)) {
              row[1] = "sku-42"; // the key of an earlier row
            }
          });
      PorterException refused = assertThrows(PorterException.class, () -> t.finishLoad(header));
      assertEquals(ErrorCategory.REFUSED, refused.category());
      assertTrue(
          refused.getMessage().startsWith("table item, row 5000 (id=5000, sku=sku-42, grp="),
          refused.getMessage());
      assertTrue(t.checksBesideIndexBuilds(), "the checks had started beside the rebuild");
    } finally {
      t.close();
    }
    assertFalse(Files.exists(target), "nothing was swapped in");
    assertEquals(List.of(), sidecars(), "no staging, WAL or shared-memory file is left");
  }

  /**
   * A table holding other than the rows the archive's trailer counts fails the checks with its name
   * and both counts, on two connections (where the rows are counted among the checks' items) and on
   * one; nothing is swapped in.
   */
  @Test
  void aTableThatHoldsOtherThanTheCountedRowsFailsTheChecks() throws Exception {
    for (boolean parallel : new boolean[] {true, false}) {
      Path source = source("count-" + parallel + ".db", false);
      Path target = dir.resolve("count-restored-" + parallel + ".db");
      SqliteTarget t = SqliteTarget.open(target, TargetOptions.of(ImportMode.NEW), parallel);
      try (SqliteSource in = SqliteSource.open(source)) {
        ArchiveHeader header = Restores.header(in.schema());
        java.util.Map<String, Long> counts = Restores.load(in, t, header, (table, row) -> {});
        t.finishLoad(header);
        assertEquals(8995L, counts.get("orders"));
        counts.put("orders", 8996L); // as a trailer of one more row would count them
        PorterException failed = assertThrows(PorterException.class, () -> t.verify(counts));
        assertEquals(ErrorCategory.VERIFICATION_FAILED, failed.category());
        assertEquals(
            "table orders: the staging database holds 8995 rows, expected 8996;"
                + " the target was not changed",
            failed.getMessage());
      } finally {
        t.close();
      }
      assertFalse(Files.exists(target), "nothing was swapped in");
    }
  }

  private List<String> sidecars() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.contains("restored") || n.contains("staging"))
          .filter(n -> !n.endsWith(".db") && !n.contains("porter-lock") && !n.contains("state"))
          .sorted()
          .toList();
    }
  }

  private static int header(Path db, int offset) throws IOException {
    try (InputStream in = Files.newInputStream(db)) {
      byte[] h = in.readNBytes(100);
      return h[offset] & 0xff;
    }
  }

  private static void assertSameDatabase(Path expected, Path actual) throws SQLException {
    String master =
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name <> 'sqlite_sequence'"
            + " ORDER BY rowid";
    assertEquals(
        Restores.rows(expected, master), Restores.rows(actual, master), "the schema, in its order");
    for (String q :
        List.of(
            "SELECT * FROM customer ORDER BY id",
            "SELECT * FROM orders ORDER BY id",
            "SELECT rowid, * FROM tag ORDER BY rowid",
            "SELECT customer_id, id FROM orders INDEXED BY orders_customer ORDER BY customer_id, id",
            "SELECT city, name FROM customer INDEXED BY customer_city ORDER BY city, name",
            "SELECT name, seq FROM sqlite_sequence",
            "SELECT count(*) FROM big",
            "PRAGMA user_version",
            "PRAGMA integrity_check")) {
      assertEquals(Restores.rows(expected, q), Restores.rows(actual, q), q);
    }
  }

  private static String single(Path db, String sql) throws SQLException {
    List<List<Object>> r = Restores.rows(db, sql);
    return String.valueOf(r.get(0).get(0));
  }
}
