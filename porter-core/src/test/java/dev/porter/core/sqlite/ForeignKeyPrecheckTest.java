package dev.porter.core.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick foreign-key pass that spares the PRAGMA never clears a table in which SQLite's own
 * {@code PRAGMA foreign_key_check} finds a violation, however the child values are typed, and it
 * does clear the plain cases it is there for. The expected answer is always SQLite's.
 */
class ForeignKeyPrecheckTest {
  @TempDir Path dir;

  /** Child tables, each with the values its foreign key column gets. */
  private static final Map<String, String> CHILDREN = new TreeMap<>();

  static {
    CHILDREN.put("c_int_ok", "fk INTEGER REFERENCES p(id)|1|50|100|NULL");
    CHILDREN.put("c_int_missing", "fk INTEGER REFERENCES p(id)|1|101");
    CHILDREN.put("c_int_zero", "fk INTEGER REFERENCES p(id)|0");
    CHILDREN.put("c_int_max", "fk INTEGER REFERENCES p(id)|9223372036854775807");
    CHILDREN.put("c_implicit_ok", "fk INTEGER REFERENCES p|7|8");
    CHILDREN.put("c_text_ok", "fk TEXT REFERENCES p(id)|'5'|'100'");
    CHILDREN.put("c_text_odd", "fk TEXT REFERENCES p(id)|' 5'|'5.0'|'+5'|'5e0'|'05'|'0x5'");
    CHILDREN.put("c_text_bad", "fk TEXT REFERENCES p(id)|'abc'|''");
    CHILDREN.put("c_none_mixed", "fk REFERENCES p(id)|'5'|5.0|5|' 6'");
    CHILDREN.put("c_none_blob", "fk REFERENCES p(id)|x'05'");
    CHILDREN.put("c_none_big_text", "fk REFERENCES p(id)|'101'");
    CHILDREN.put("c_real_ok", "fk REAL REFERENCES p(id)|5.0|6");
    CHILDREN.put("c_real_bad", "fk REAL REFERENCES p(id)|5.5");
    CHILDREN.put("c_numeric_text", "fk NUMERIC REFERENCES p(id)|'7'|'7.0'");
    CHILDREN.put("c_desc", "fk INTEGER REFERENCES pd(id)|1|2");
    CHILDREN.put("c_desc_bad", "fk INTEGER REFERENCES pd(id)|11");
    CHILDREN.put("c_text_parent", "fk TEXT REFERENCES pt(code)|'a'|'A'");
    CHILDREN.put("c_no_parent_table", "fk INTEGER REFERENCES gone(id)|1");
    CHILDREN.put("c_wr_parent", "fk INTEGER REFERENCES pw(id)|1|3");
    CHILDREN.put("c_two_ok", "fk INTEGER REFERENCES p(id), fk2 INTEGER REFERENCES p(id)|1");
  }

  /** The children whose every value has its parent and whose parents allow the quick pass. */
  private static final List<String> PLAIN_AND_CLEAN =
      List.of("c_int_ok", "c_implicit_ok", "c_text_ok", "c_real_ok", "c_two_ok");

  @Test
  void neverClearsWhatThePragmaRefusesAndClearsThePlainCases() throws SQLException {
    check(dir.resolve("fk.db"), false);
  }

  /** The same with an index on every child's column: each distinct value is looked up once. */
  @Test
  void throughAnIndexOfTheChildItNeverClearsWhatThePragmaRefuses() throws SQLException {
    Path db = dir.resolve("fk-indexed.db");
    check(db, true);
    try (Connection c = Sqlite.connect(db, false);
        Statement st = c.createStatement()) {
      assertTrue(SqliteChecks.leadsAnIndex(c, "c_int_ok", "fk"));
      assertTrue(SqliteChecks.leadsAnIndex(c, "c_int_ok", "FK"), "names are case-blind");
      assertFalse(SqliteChecks.leadsAnIndex(c, "c_int_ok", "id"));
      // an index that merges values the check tells apart, or leaves rows out, is not used
      st.execute("CREATE TABLE folded (id INTEGER PRIMARY KEY, fk TEXT REFERENCES p(id))");
      st.execute("CREATE INDEX folded_fk ON folded (fk COLLATE NOCASE)");
      st.execute("CREATE TABLE partial (id INTEGER PRIMARY KEY, fk INTEGER REFERENCES p(id))");
      st.execute("CREATE INDEX partial_fk ON partial (fk) WHERE fk > 10");
      st.execute("CREATE TABLE second (id INTEGER PRIMARY KEY, a, fk INTEGER REFERENCES p(id))");
      st.execute("CREATE INDEX second_a_fk ON second (a, fk)");
      assertFalse(SqliteChecks.leadsAnIndex(c, "folded", "fk"));
      assertFalse(SqliteChecks.leadsAnIndex(c, "partial", "fk"));
      assertFalse(SqliteChecks.leadsAnIndex(c, "second", "fk"));
      st.execute("INSERT INTO partial (fk) VALUES (5), (500)");
      assertFalse(SqliteChecks.keySetClears(c, "partial", 1_000_000, 0), "500 has no parent");
    }
  }

  private void check(Path db, boolean indexed) throws SQLException {
    try (Connection c = Sqlite.connect(db, false);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA foreign_keys = OFF");
      st.execute("CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT)");
      st.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)"
              + " INSERT INTO p SELECT i, 'p' || i FROM n");
      st.execute("CREATE TABLE pd (id INTEGER PRIMARY KEY DESC, x)"); // not a rowid alias
      st.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)"
              + " INSERT INTO pd SELECT i, i FROM n");
      st.execute("CREATE TABLE pt (code TEXT PRIMARY KEY COLLATE NOCASE)");
      st.execute("INSERT INTO pt VALUES ('a'), ('b')");
      st.execute("CREATE TABLE pw (id INTEGER PRIMARY KEY, x) WITHOUT ROWID");
      st.execute("INSERT INTO pw VALUES (1, 1), (2, 2)");
      for (Map.Entry<String, String> e : CHILDREN.entrySet()) {
        String[] parts = e.getValue().split("\\|");
        st.execute("CREATE TABLE " + e.getKey() + " (id INTEGER PRIMARY KEY, " + parts[0] + ")");
        boolean two = parts[0].contains("fk2");
        for (int i = 1; i < parts.length; i++) {
          st.execute(
              "INSERT INTO "
                  + e.getKey()
                  + (two ? " (fk, fk2)" : " (fk)")
                  + " VALUES ("
                  + parts[i]
                  + (two ? ", " + parts[i] : "")
                  + ")");
        }
        if (indexed) {
          st.execute("CREATE INDEX " + e.getKey() + "_fk ON " + e.getKey() + " (fk)");
          if (two) {
            st.execute("CREATE INDEX " + e.getKey() + "_fk2 ON " + e.getKey() + " (fk2)");
          }
        }
      }
    }
    try (Connection c = Sqlite.connect(db, true)) {
      int refusedByPragma = 0;
      for (String child : CHILDREN.keySet()) {
        boolean pragmaClean = violations(c, child) == 0;
        refusedByPragma += pragmaClean ? 0 : 1;
        // rowid lookups (no parent qualifies), then key sets (every parent does)
        for (long[] limits : new long[][] {{0, 0}, {1_000_000, 0}, {1_000_000, Long.MAX_VALUE}}) {
          boolean clears = SqliteChecks.keySetClears(c, child, limits[0], limits[1]);
          String how = " (key set up to " + limits[0] + " rows, above " + limits[1] + " bytes)";
          if (!pragmaClean) {
            assertFalse(clears, child + " has violations" + how);
          }
          if (PLAIN_AND_CLEAN.contains(child)) {
            assertTrue(clears, child + " is plain and clean" + how);
          }
        }
      }
      // the fixture does hold violations of many kinds: the checks above were not vacuous
      assertTrue(refusedByPragma >= 8, "tables with violations: " + refusedByPragma);
      assertEquals(0, violations(c, "c_int_ok"));
      assertEquals(1, violations(c, "c_int_missing"));
    }
  }

  /** The size test that picks the key set: pages counted by dbstat, overflow pages included. */
  @Test
  void aParentIsLargerThanTheCacheByItsPagesOverflowIncluded() throws SQLException {
    Path db = dir.resolve("sizes.db");
    try (Connection c = Sqlite.connect(db, false);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA page_size = 4096");
      st.execute("CREATE TABLE wide (id INTEGER PRIMARY KEY, image BLOB)");
      st.execute("CREATE TABLE narrow (id INTEGER PRIMARY KEY, n INTEGER)");
      // 200 rows of 10,000 bytes: about 2 MB, nearly all of it in overflow pages
      st.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)"
              + " INSERT INTO wide SELECT i, randomblob(10000) FROM n");
      st.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)"
              + " INSERT INTO narrow SELECT i, i FROM n");
    }
    try (Connection c = Sqlite.connect(db, true)) {
      assertTrue(SqliteChecks.largerThan(c, "wide", 1L << 20), "2 MB of pages > 1 MiB");
      assertFalse(SqliteChecks.largerThan(c, "wide", 4L << 20), "2 MB of pages < 4 MiB");
      assertFalse(SqliteChecks.largerThan(c, "narrow", 64L << 10), "a page or two < 64 KiB");
      assertTrue(SqliteChecks.largerThan(c, "narrow", 0), "any table has a page");
      long wide;
      try (Statement st = c.createStatement();
          ResultSet r = st.executeQuery("SELECT sum(pgsize) FROM dbstat WHERE name = 'wide'")) {
        wide = r.next() ? r.getLong(1) : -1;
      }
      assertTrue(wide > 2_000_000, "overflow pages included: " + wide);
      assertEquals(wide, SqliteChecks.bytesOf(c, "wide", 64L << 20), "every page of wide");
      assertEquals(1L << 20, SqliteChecks.bytesOf(c, "wide", 1L << 20), "stops at its limit");
      assertEquals(4096, SqliteChecks.bytesOf(c, "narrow", 64L << 20), "one leaf page");
    }
  }

  /** A partial check's cache: the indexes it looks rows up in, up to a limit, and room to read. */
  @Test
  void aPartialCheckCachesItsIndexesUpToALimit() {
    assertEquals(SqliteChecks.STREAM_CACHE_BYTES, new SqliteChecks.TableCheck(100, 0).cacheBytes());
    assertEquals(
        SqliteChecks.STREAM_CACHE_BYTES + (3L << 20),
        new SqliteChecks.TableCheck(100, 3L << 20).cacheBytes());
    assertEquals(
        SqliteChecks.STREAM_CACHE_BYTES + SqliteChecks.LOOKUP_CACHE_BYTES,
        new SqliteChecks.TableCheck(100, 1L << 40).cacheBytes());
  }

  private static int violations(Connection c, String table) throws SQLException {
    int n = 0;
    try (Statement st = c.createStatement();
        ResultSet r = st.executeQuery("PRAGMA foreign_key_check(" + table + ")")) {
      while (r.next()) {
        n++;
      }
    }
    return n;
  }
}
