package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows loaded into tables the import itself created go in with COPY's FREEZE: stored frozen and
 * all-visible, so the application's first reads and the next VACUUM need not rewrite every page.
 * Tables the import did not create (the application's own) cannot take FREEZE, and still load.
 *
 * <p>All-visible pages show in an index-only scan: it fetches no heap row for them.
 */
class PgFrozenLoadTest {
  @TempDir Path dir;

  /** The heap fetches an index-only scan of every key of table {@code t} needs. */
  static long heapFetches(Connection c, String t) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("SET enable_seqscan = off");
      s.execute("SET enable_bitmapscan = off");
      StringBuilder plan = new StringBuilder();
      try (ResultSet r =
          s.executeQuery("EXPLAIN (ANALYZE, COSTS OFF) SELECT id FROM " + t + " WHERE id > 0")) {
        while (r.next()) {
          plan.append(r.getString(1)).append('\n');
        }
      }
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("Index Only Scan[\\s\\S]*Heap Fetches: (\\d+)")
              .matcher(plan);
      if (!m.find()) {
        throw new AssertionError("no index-only scan in:\n" + plan);
      }
      return Long.parseLong(m.group(1));
    }
  }

  static void fill(Statement s) throws Exception {
    s.execute("CREATE TABLE a (id int PRIMARY KEY, t text)");
    s.execute("INSERT INTO a SELECT g, 'row ' || g FROM generate_series(1, 3000) g");
    // an interval column has no binary COPY path: this table goes in COPY's text format
    s.execute("CREATE TABLE b (id int PRIMARY KEY, span interval)");
    s.execute("INSERT INTO b SELECT g, g * interval '1 minute' FROM generate_series(1, 2000) g");
  }

  /** A source database holding tables a and b ({@link #fill}), exported: its archive. */
  private Path exported() throws Exception {
    String src = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(src);
        Statement s = c.createStatement()) {
      fill(s);
    }
    Path archive = dir.resolve("f.porter");
    porter("export", "--db", src, "-o", archive).expect(0);
    return archive;
  }

  @Test
  void aPlainImportStoresEveryRowFrozenInBinaryAndInText() throws Exception {
    Path archive = exported();
    String dst = TestPostgres.newDatabase();
    porter("import", archive, "--db", dst).expect(0);
    try (Connection c = TestPostgres.connect(dst)) {
      assertEquals(0, heapFetches(c, "a"));
      assertEquals(0, heapFetches(c, "b"));
      assertEquals("3000", PgKit.rows(c, "SELECT count(*) FROM a").get(0).get(0));
      assertEquals("2000", PgKit.rows(c, "SELECT count(*) FROM b").get(0).get(0));
    }
  }

  @Test
  void tablesTheApplicationCreatedLoadWithoutFreeze() throws Exception {
    Path archive = exported();
    String dst = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(dst);
        Statement s = c.createStatement()) {
      // autovacuum would mark the pages all-visible too; kept off these tables to see the load
      // alone
      s.execute("CREATE TABLE a (id int PRIMARY KEY, t text) WITH (autovacuum_enabled = off)");
      s.execute(
          "CREATE TABLE b (id int PRIMARY KEY, span interval) WITH (autovacuum_enabled = off)");
    }
    porter("import", archive, "--db", dst).expect(0);
    try (Connection c = TestPostgres.connect(dst)) {
      // PostgreSQL refuses FREEZE for a table created before the import's transaction: the rows
      // are there, stored the ordinary way
      assertEquals(3000, heapFetches(c, "a"));
      assertEquals(2000, heapFetches(c, "b"));
    }
  }
}
