package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testdata.EdgeCases;
import dev.porter.testdata.SqliteCompare;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hand-made edge-case database comes back identical (SqliteCompare), and every behaviour that
 * SqliteCompare cannot see works after the restore: counters continue, generated columns compute,
 * the trigger fires for new rows only, FTS5 answers and passes its integrity check.
 */
class EdgeCasesRoundTripTest {
  @TempDir static Path dir;

  static Path source;
  static Path restored;

  /** Tests that write get their own copy of the restored database. */
  @TempDir Path work;

  @BeforeAll
  static void roundTrip() throws Exception {
    source = dir.resolve("edge.db");
    Path archive = dir.resolve("edge.porter");
    restored = dir.resolve("restored.db");
    EdgeCases.create(source);
    Cli.ok("export", "--db", source, "--output", archive);
    Cli.ok("import", archive, "--db", restored);
  }

  @Test
  void restoredDatabaseIsIdentical() throws SQLException {
    assertNull(SqliteCompare.difference(source, restored));
  }

  /** The source really holds what the edge cases are about, so the comparison means something. */
  @Test
  void sourceHoldsTheEdgeValues() throws SQLException {
    try (Connection c = open(source)) {
      assertEquals("real", one(c, "SELECT typeof(v) FROM \"values\" WHERE label='negative zero'"));
      assertEquals(
          Long.MIN_VALUE,
          Double.doubleToRawLongBits(
              (Double) value(c, "SELECT v FROM \"values\" WHERE label='negative zero'")),
          "-0.0 keeps its sign bit in an untyped column");
      assertEquals("blob", one(c, "SELECT typeof(v) FROM \"values\" WHERE label='empty blob'"));
      assertEquals("null", one(c, "SELECT typeof(v) FROM \"values\" WHERE label='null'"));
      assertEquals(
          "61FF62", one(c, "SELECT hex(v) FROM \"values\" WHERE label='invalid utf-8'"), "raw");
      assertEquals("text", one(c, "SELECT typeof(v) FROM \"values\" WHERE label='invalid utf-8'"));
      assertEquals(
          "4",
          one(c, "SELECT length(CAST(v AS BLOB)) FROM \"values\" WHERE label='text with nul'"));
      assertEquals(
          "blob,integer,null,real,text",
          one(
              c,
              "SELECT group_concat(t) FROM"
                  + " (SELECT DISTINCT typeof(untyped) t FROM affinity ORDER BY 1)"),
          "one column holding all five storage classes");
    }
  }

  @Test
  void valuesKeepTheirStorageClassAndBits() throws SQLException {
    try (Connection c = open(restored)) {
      assertEquals(
          Long.MIN_VALUE,
          Double.doubleToRawLongBits(
              (Double) value(c, "SELECT v FROM \"values\" WHERE label='negative zero'")));
      assertEquals(Long.MIN_VALUE, value(c, "SELECT v FROM \"values\" WHERE label='int64 min'"));
      assertEquals(Long.MAX_VALUE, value(c, "SELECT v FROM \"values\" WHERE label='int64 max'"));
      assertEquals(Double.MAX_VALUE, value(c, "SELECT v FROM \"values\" WHERE label='double max'"));
      assertEquals(
          Double.MIN_VALUE, value(c, "SELECT v FROM \"values\" WHERE label='min subnormal'"));
      assertEquals(
          Double.NEGATIVE_INFINITY, value(c, "SELECT v FROM \"values\" WHERE label='-infinity'"));
      assertEquals("a\0b\0", value(c, "SELECT v FROM \"values\" WHERE label='text with nul'"));
      assertEquals("blob", one(c, "SELECT typeof(v) FROM \"values\" WHERE label='empty blob'"));
      assertEquals("0", one(c, "SELECT length(v) FROM \"values\" WHERE label='empty blob'"));
      assertEquals("null", one(c, "SELECT typeof(v) FROM \"values\" WHERE label='null'"));
      assertEquals("text", one(c, "SELECT typeof(v) FROM \"values\" WHERE label='invalid utf-8'"));
      assertEquals("61FF62", one(c, "SELECT hex(v) FROM \"values\" WHERE label='invalid utf-8'"));
      assertEquals("EDA080", one(c, "SELECT hex(v) FROM \"values\" WHERE label='surrogate utf-8'"));
      assertEquals("41E282", one(c, "SELECT hex(v) FROM \"values\" WHERE label='cut utf-8'"));
      byte[] big = new byte[EdgeCases.BIG_VALUE_BYTES];
      new SplittableRandom(5).nextBytes(big);
      assertArrayEquals(big, (byte[]) value(c, "SELECT v FROM \"values\" WHERE label='big blob'"));
    }
  }

  @Test
  void rowidsOfTablesWithoutKeyArePreserved() throws SQLException {
    try (Connection c = open(restored)) {
      assertEquals("-7,1,3,4,5,1000000", one(c, "SELECT group_concat(rowid) FROM dup"));
      assertEquals(
          "2,3,4", one(c, "SELECT group_concat(_rowid_) FROM (SELECT _rowid_ FROM shadowed)"));
      assertEquals(
          "1:10,3:7,4:5",
          one(
              c,
              "SELECT group_concat(r || ':' || id) FROM"
                  + " (SELECT rowid AS r, id FROM desc_pk ORDER BY rowid)"));
    }
  }

  @Test
  void triggerDidNotFireDuringTheRestoreButFiresAfterIt() throws Exception {
    try (Connection s = open(source);
        Connection c = open(copyOfRestored())) {
      assertEquals("3", one(s, "SELECT count(*) FROM audit"));
      assertEquals("3", one(c, "SELECT count(*) FROM audit"), "the restore added audit rows");
      exec(c, "INSERT INTO item (name) VALUES ('wrench')");
      assertEquals("inserted wrench", one(c, "SELECT what FROM audit ORDER BY id DESC LIMIT 1"));
      assertEquals("4", one(c, "SELECT count(*) FROM audit"));
    }
  }

  @Test
  void autoincrementContinuesAboveDeletedRows() throws Exception {
    try (Connection c = open(copyOfRestored())) {
      assertEquals(
          String.valueOf(EdgeCases.TICKET_MAX_ID), one(c, "SELECT max(id) FROM ticket"), "rows");
      exec(c, "INSERT INTO ticket (title) VALUES ('after restore')");
      assertEquals(
          String.valueOf(EdgeCases.TICKET_SEQ + 1),
          one(c, "SELECT id FROM ticket WHERE title = 'after restore'"));
      exec(c, "INSERT INTO emptied (v) VALUES ('after restore')");
      assertEquals("4", one(c, "SELECT id FROM emptied"), "counter of an emptied table");
    }
  }

  @Test
  void generatedColumnsAreComputedAfterTheRestore() throws Exception {
    try (Connection c = open(copyOfRestored())) {
      assertEquals(
          "6.0|shape 2.0x3.0,0.125|shape 0.5x0.25",
          one(c, "SELECT group_concat(area || '|' || label) FROM shape"));
      exec(c, "INSERT INTO shape (w, h) VALUES (4, 5)");
      assertEquals(
          "20.0|shape 4.0x5.0", one(c, "SELECT area || '|' || label FROM shape WHERE w=4"));
    }
  }

  @Test
  void fts5AnswersAndPassesItsIntegrityCheck() throws Exception {
    try (Connection c = open(copyOfRestored())) {
      assertEquals("1,3", one(c, "SELECT group_concat(rowid) FROM doc WHERE doc MATCH 'porter'"));
      assertEquals("4", one(c, "SELECT group_concat(rowid) FROM doc WHERE doc MATCH 'coffee'"));
      exec(c, "INSERT INTO doc(doc) VALUES('integrity-check')");
      exec(c, "INSERT INTO doc (title, body) VALUES ('new', 'porter after restore')");
      assertEquals("1,3,5", one(c, "SELECT group_concat(rowid) FROM doc WHERE doc MATCH 'porter'"));
      exec(c, "INSERT INTO doc(doc) VALUES('integrity-check')");
    }
  }

  @Test
  void constraintsSettingsAndReferencesHold() throws Exception {
    try (Connection c = open(copyOfRestored())) {
      assertEquals(List.of("ok"), all(c, "PRAGMA integrity_check"));
      assertEquals(List.of(), all(c, "PRAGMA foreign_key_check"));
      assertEquals(String.valueOf(EdgeCases.USER_VERSION), one(c, "PRAGMA user_version"));
      assertEquals(String.valueOf(EdgeCases.APPLICATION_ID), one(c, "PRAGMA application_id"));
      assertEquals("8192", one(c, "PRAGMA page_size"));
      assertEquals("2", one(c, "PRAGMA auto_vacuum"));
      assertEquals("2", one(c, "SELECT captain_id FROM team WHERE name = 'red'"));
      assertEquals("3", one(c, "SELECT boss_id FROM employee WHERE id = 2"));
      assertEquals("hammer:1", one(c, "SELECT name || ':' || events FROM item_names LIMIT 1"));
      exec(c, "PRAGMA foreign_keys = ON");
      assertTrue(
          fails(c, "INSERT INTO player (name, team_id) VALUES ('x', 99)"), "FK still enforced");
      assertTrue(fails(c, "INSERT INTO strict_t (i) VALUES ('not a number')"), "still STRICT");
      assertTrue(fails(c, "INSERT INTO item (name) VALUES ('HAMMER')"), "unique NOCASE index");
    }
  }

  private Path copyOfRestored() throws IOException {
    return Files.copy(restored, work.resolve("copy.db"));
  }

  static Connection open(Path db) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + db);
  }

  static String one(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getString(1) : null;
    }
  }

  static Object value(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      Object v = r.getObject(1);
      if (v instanceof Integer i) {
        return i.longValue();
      }
      if (v instanceof String) {
        return new String(r.getBytes(1), StandardCharsets.UTF_8);
      }
      return v;
    }
  }

  static List<String> all(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static boolean fails(Connection c, String sql) {
    try {
      exec(c, sql);
      return false;
    } catch (SQLException e) {
      return true;
    }
  }
}
