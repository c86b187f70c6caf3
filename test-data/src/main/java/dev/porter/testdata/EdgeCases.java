package dev.porter.testdata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A hand-made SQLite database with every case a restore can get wrong, one small table per case.
 * Deterministic: two calls with the same size of the big value write the same schema, settings and
 * values (the archive fixture of format 1 relies on it).
 *
 * <p>What it holds:
 *
 * <ul>
 *   <li>{@value #VALUES}: one row per edge value (column {@code label} names it) in an untyped
 *       column, so each keeps its storage class: NULL, INT64 min/max, -0.0, DBL max, the smallest
 *       subnormal, ±infinity, TEXT with NUL, emoji, TEXT that is not UTF-8, empty TEXT, empty BLOB,
 *       and the big value ({@link #BIG_VALUE_BYTES} bytes by default);
 *   <li>{@code affinity}: declared types with affinities, holding values of other storage classes;
 *   <li>tables and columns named with spaces, quotes, brackets, backticks, reserved words, dots,
 *       Unicode; an index on such columns;
 *   <li>{@code kv}: WITHOUT ROWID with a composite key; {@code strict_t}: STRICT; {@code
 *       strict_kv}: STRICT and WITHOUT ROWID;
 *   <li>{@code dup}: duplicate rows without any key, with rowid gaps, a negative and a large rowid;
 *       {@code shadowed}: columns named rowid and oid, so the rowid is only reachable as _rowid_;
 *       {@code desc_pk}: {@code INTEGER PRIMARY KEY DESC}, which is not a rowid alias;
 *   <li>{@code team}/{@code player}: a foreign-key cycle (one side DEFERRABLE); {@code employee}: a
 *       self-reference pointing forward;
 *   <li>{@code item} with an AFTER INSERT trigger writing to {@code audit};
 *   <li>{@code ticket}: AUTOINCREMENT with its highest rows deleted ({@value #TICKET_SEQ} issued,
 *       {@value #TICKET_MAX_ID} left); {@code emptied}: AUTOINCREMENT with every row deleted;
 *   <li>{@code shape}: generated columns, STORED and VIRTUAL, between ordinary ones;
 *   <li>{@code doc}: an FTS5 table; {@code item_names}: a view; partial and expression indexes;
 *   <li>page_size 8192, incremental auto_vacuum, user_version {@value #USER_VERSION},
 *       application_id {@value #APPLICATION_ID}.
 * </ul>
 */
public final class EdgeCases {
  /** The size of the big value in {@link #create(Path)}. */
  public static final int BIG_VALUE_BYTES = 5 << 20;

  /**
   * The size of the big value in the archive fixtures kept in the repository (archives/format-N/
   * edge-cases.porter), which must stay small.
   */
  public static final int FIXTURE_BIG_VALUE_BYTES = 4096;

  public static final String VALUES = "values";
  public static final long USER_VERSION = 20240506;

  /** "PORT" in ASCII. */
  public static final long APPLICATION_ID = 1347375700;

  public static final long TICKET_SEQ = 10;
  public static final long TICKET_MAX_ID = 7;

  /** The FTS5 rows (rowid, title, body) left after the generator deleted rowid 2. */
  public static final List<String[]> DOCS =
      List.of(
          new String[] {"1", "porter manual", "how to export a database"},
          new String[] {"3", "release notes", "porter now restores FTS5 tables"},
          new String[] {"4", "café menu", "crème brûlée and naïve coffee ☕"});

  private EdgeCases() {}

  /** Writes the database with a {@link #BIG_VALUE_BYTES} big value. */
  public static void create(Path file) throws SQLException {
    create(file, BIG_VALUE_BYTES);
  }

  /**
   * Writes the database into {@code file}, which must not exist or be empty.
   *
   * @param bigValueBytes the size of the one big BLOB (pseudo-random, so it does not compress)
   */
  public static void create(Path file, int bigValueBytes) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA page_size = 8192");
        s.execute("PRAGMA auto_vacuum = INCREMENTAL");
        s.execute("PRAGMA foreign_keys = ON");
        s.execute("PRAGMA user_version = " + USER_VERSION);
        s.execute("PRAGMA application_id = " + APPLICATION_ID);
      }
      c.setAutoCommit(false);
      values(c, bigValueBytes);
      affinity(c);
      oddNames(c);
      keysAndRowids(c);
      references(c);
      triggerAndCounters(c);
      generatedStrictFts(c);
      c.commit();
    }
  }

  private static void exec(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  /** One row per edge value, each labelled. */
  private static void values(Connection c, int bigValueBytes) throws SQLException {
    exec(c, "CREATE TABLE \"values\" (id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE, v)");
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {"null", null});
    rows.add(new Object[] {"int64 min", Long.MIN_VALUE});
    rows.add(new Object[] {"int64 max", Long.MAX_VALUE});
    rows.add(new Object[] {"zero", 0L});
    rows.add(new Object[] {"negative zero", -0.0});
    rows.add(new Object[] {"positive zero", 0.0});
    rows.add(new Object[] {"double max", Double.MAX_VALUE});
    rows.add(new Object[] {"double -max", -Double.MAX_VALUE});
    rows.add(new Object[] {"min subnormal", Double.MIN_VALUE});
    rows.add(new Object[] {"-min subnormal", -Double.MIN_VALUE});
    rows.add(new Object[] {"min normal", Double.MIN_NORMAL});
    rows.add(new Object[] {"+infinity", Double.POSITIVE_INFINITY});
    rows.add(new Object[] {"-infinity", Double.NEGATIVE_INFINITY});
    rows.add(new Object[] {"integral real", 3.0});
    rows.add(new Object[] {"text with nul", "a\0b\0"});
    rows.add(new Object[] {"only nul", "\0"});
    rows.add(
        new Object[] {"emoji", "\uD83D\uDE00 \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"});
    rows.add(new Object[] {"replacement char", "real \uFFFD in valid UTF-8"});
    rows.add(new Object[] {"empty text", ""});
    rows.add(new Object[] {"numeric text", "0012"});
    rows.add(new Object[] {"empty blob", new byte[0]});
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    rows.add(new Object[] {"every byte", all});
    byte[] big = new byte[bigValueBytes];
    new SplittableRandom(5).nextBytes(big);
    rows.add(new Object[] {"big blob", big});
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO \"values\" (label, v) VALUES (?, ?)")) {
      for (Object[] r : rows) {
        ps.setString(1, (String) r[0]);
        bind(ps, 2, r[1]);
        ps.executeUpdate();
      }
    }
    // TEXT whose bytes are not UTF-8: only a CAST gets such bytes in as TEXT.
    exec(
        c,
        "INSERT INTO \"values\" (label, v) VALUES ('invalid utf-8', CAST(x'61ff62' AS TEXT))",
        "INSERT INTO \"values\" (label, v) VALUES ('surrogate utf-8', CAST(x'eda080' AS TEXT))",
        "INSERT INTO \"values\" (label, v) VALUES ('cut utf-8', CAST(x'41e282' AS TEXT))");
  }

  static void bind(PreparedStatement ps, int index, Object v) throws SQLException {
    if (v == null) {
      ps.setNull(index, Types.NULL);
    } else if (v instanceof Long l) {
      ps.setLong(index, l);
    } else if (v instanceof Double d) {
      ps.setDouble(index, d);
    } else if (v instanceof String s) {
      ps.setString(index, s);
    } else if (v instanceof byte[] b) {
      ps.setBytes(index, b);
    } else {
      throw new IllegalArgumentException("cannot bind " + v.getClass());
    }
  }

  /** Declared types whose affinity converts some values and not others. */
  private static void affinity(Connection c) throws SQLException {
    exec(
        c,
        "CREATE TABLE affinity (id INTEGER PRIMARY KEY, untyped, num NUMERIC, txt TEXT,"
            + " i INTEGER, r REAL, dec DECIMAL(5,2), flag BOOLEAN, at DATETIME,"
            + " fp \"FLOATING POINT\", s STRING)");
    Object[][] rows = {
      {1L, "12.50", 42L, 1.5, 7L, "3.14159", 1L, "2024-02-29 12:00:00", 2.5, "0042"},
      {"1", "abc", new byte[] {1}, "x", "y", 123456.789, "true", 1709208000000L, "1e3", "1e3"},
      {null, 1e300, -0.0, -0.0, -0.0, Long.MAX_VALUE, 0.0, 0.5, Long.MIN_VALUE, " 12 "},
      {new byte[0], "", "", "", "", "", "", "", "", ""},
      {2.5, new byte[] {3}, null, 2.0, 2.0, "2.0", -1L, "now", 3.0, "x"}
    };
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO affinity (untyped, num, txt, i, r, dec, flag, at, fp, s)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Object[] r : rows) {
        for (int i = 0; i < r.length; i++) {
          bind(ps, i + 1, r[i]);
        }
        ps.executeUpdate();
      }
    }
  }

  /** Tables and columns whose names need quoting in every way SQLite knows. */
  private static void oddNames(Connection c) throws SQLException {
    exec(
        c,
        "CREATE TABLE \"odd \"\"quoted\"\" name\" (\"col with space\" TEXT,"
            + " \"select\" INTEGER, \"[bracketed]\" REAL, \"naïve café ☕\" TEXT, \"a.b\" BLOB,"
            + " \"quote'single\" TEXT, \"new\nline\" TEXT)",
        "CREATE TABLE [order] ([from] TEXT, [to] TEXT, [group] INTEGER)",
        "CREATE TABLE `table` (`where` TEXT PRIMARY KEY, `desc`)",
        "CREATE TABLE \"表 データ 😀\" (\"列\" TEXT, \"値\" INTEGER)",
        "CREATE TABLE \"123 starts with digit\" (\"\"\"\" TEXT)",
        "CREATE INDEX \"idx \"\"odd\"\"\" ON \"odd \"\"quoted\"\" name\"(\"select\" DESC,"
            + " \"col with space\" COLLATE NOCASE)",
        "INSERT INTO \"odd \"\"quoted\"\" name\" VALUES ('a b', 1, 1.25, 'ünï', x'00ff', 'it''s',"
            + " 'line 1\nline 2')",
        "INSERT INTO \"odd \"\"quoted\"\" name\" VALUES (NULL, -1, NULL, '', x'', NULL, NULL)",
        "INSERT INTO [order] VALUES ('here', 'there', 3)",
        "INSERT INTO `table` VALUES ('w', 'd'), ('W', 4)",
        "INSERT INTO \"表 データ 😀\" VALUES ('東京', 1), ('😀', 2)",
        "INSERT INTO \"123 starts with digit\" VALUES ('\"')");
  }

  /** Keys and rowids: WITHOUT ROWID, no key at all, shadowed rowid names, a DESC key. */
  private static void keysAndRowids(Connection c) throws SQLException {
    exec(
        c,
        "CREATE TABLE kv (a INTEGER, b TEXT, v, PRIMARY KEY (a, b)) WITHOUT ROWID",
        "INSERT INTO kv VALUES (2, 'x', 1.5), (1, 'y', NULL), (1, 'x', x'01'), (-5, '', 'text')",
        // duplicate rows and no key: only the rowid tells them apart
        "CREATE TABLE dup (a TEXT, b INTEGER)",
        "INSERT INTO dup (a, b) VALUES ('same', 1), ('same', 1), ('same', 1), ('other', 2),"
            + " ('same', 1)",
        "DELETE FROM dup WHERE rowid = 2",
        "INSERT INTO dup (rowid, a, b) VALUES (-7, 'same', 1), (1000000, 'same', 1)",
        "CREATE TABLE shadowed (rowid TEXT, oid INTEGER, v)",
        "INSERT INTO shadowed VALUES ('r', 1, 'x'), ('r', 1, 'x'), (NULL, NULL, NULL)",
        "DELETE FROM shadowed WHERE _rowid_ = 1",
        "INSERT INTO shadowed VALUES ('r', 1, 'x')",
        // not a rowid alias: the rowid is separate from id
        "CREATE TABLE desc_pk (id INTEGER PRIMARY KEY DESC, v TEXT)",
        "INSERT INTO desc_pk VALUES (10, 'ten'), (5, 'five'), (7, 'seven')",
        "DELETE FROM desc_pk WHERE id = 5",
        "INSERT INTO desc_pk VALUES (5, 'five again')");
  }

  /** A foreign-key cycle and a self-reference that points forward. */
  private static void references(Connection c) throws SQLException {
    exec(
        c,
        "CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            + " captain_id INTEGER REFERENCES player(id) DEFERRABLE INITIALLY DEFERRED)",
        "CREATE TABLE player (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            + " team_id INTEGER REFERENCES team(id) ON DELETE CASCADE)",
        "INSERT INTO team VALUES (1, 'red', 2), (2, 'blue', 3)",
        "INSERT INTO player VALUES (1, 'ann', 1), (2, 'bob', 1), (3, 'cy', 2)",
        "CREATE TABLE employee (id INTEGER PRIMARY KEY, name TEXT,"
            + " boss_id INTEGER REFERENCES employee(id))",
        "INSERT INTO employee VALUES (1, 'dev', NULL), (2, 'lead', NULL), (3, 'ceo', NULL)",
        "UPDATE employee SET boss_id = 2 WHERE id = 1",
        "UPDATE employee SET boss_id = 3 WHERE id = 2");
  }

  /** A trigger that writes an audit row, and AUTOINCREMENT counters above the rows left. */
  private static void triggerAndCounters(Connection c) throws SQLException {
    exec(
        c,
        "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE"
            + " DEFAULT 'unnamed' CHECK (length(name) > 0))",
        "CREATE TABLE audit (id INTEGER PRIMARY KEY, item_id INTEGER, what TEXT)",
        "CREATE TRIGGER item_audit AFTER INSERT ON item BEGIN"
            + " INSERT INTO audit (item_id, what) VALUES (NEW.id, 'inserted ' || NEW.name); END",
        "INSERT INTO item (name) VALUES ('hammer'), ('saw'), ('drill')",
        "CREATE UNIQUE INDEX item_name ON item(name)",
        "CREATE VIEW item_names AS SELECT i.name, count(a.id) AS events FROM item i"
            + " LEFT JOIN audit a ON a.item_id = i.id GROUP BY i.id",
        "CREATE TABLE ticket (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT)",
        "CREATE INDEX ticket_lower ON ticket(lower(title)) WHERE id > 2");
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO ticket (title) VALUES (?)")) {
      for (int i = 1; i <= TICKET_SEQ; i++) {
        ps.setString(1, "Ticket " + i);
        ps.executeUpdate();
      }
    }
    exec(
        c,
        "DELETE FROM ticket WHERE id > " + TICKET_MAX_ID,
        "CREATE TABLE emptied (id INTEGER PRIMARY KEY AUTOINCREMENT, v)",
        "INSERT INTO emptied (v) VALUES (1), (2), (3)",
        "DELETE FROM emptied");
  }

  /** Generated columns, STRICT tables and an FTS5 index. */
  private static void generatedStrictFts(Connection c) throws SQLException {
    exec(
        c,
        "CREATE TABLE shape (w REAL NOT NULL, h REAL NOT NULL,"
            + " area REAL GENERATED ALWAYS AS (w * h) STORED,"
            + " label TEXT AS ('shape ' || w || 'x' || h) VIRTUAL, note TEXT)",
        "INSERT INTO shape (w, h, note) VALUES (2, 3, 'six'), (0.5, 0.25, NULL)",
        "CREATE TABLE strict_t (id INTEGER PRIMARY KEY, i INT, r REAL, t TEXT, b BLOB, a ANY)"
            + " STRICT",
        "INSERT INTO strict_t VALUES (1, 9223372036854775807, 1.5, 'text', x'00', 1),"
            + " (2, NULL, 2, NULL, NULL, 'any text'), (3, -1, NULL, '', x'', 2.5),"
            + " (4, 0, -1e308, 'x', x'ff', x'0102'), (5, 1, 0.0, 'y', NULL, NULL)",
        "CREATE TABLE strict_kv (k TEXT PRIMARY KEY, n INTEGER NOT NULL) STRICT, WITHOUT ROWID",
        "INSERT INTO strict_kv VALUES ('b', 2), ('a', 1), ('', 0)",
        "CREATE VIRTUAL TABLE doc USING fts5(title, body)",
        "INSERT INTO doc (rowid, title, body) VALUES"
            + " (1, 'porter manual', 'how to export a database'),"
            + " (2, 'draft', 'to be deleted porter'),"
            + " (3, 'release notes', 'porter now restores FTS5 tables'),"
            + " (4, 'café menu', 'crème brûlée and naïve coffee ☕')",
        "DELETE FROM doc WHERE rowid = 2");
  }

  /**
   * Writes the database from the command line: {@code EdgeCases FILE [BIG_VALUE_BYTES]} (used to
   * make the format fixtures; see test-data/src/main/resources/.../archives/).
   */
  public static void main(String[] args) throws SQLException, IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: EdgeCases FILE [BIG_VALUE_BYTES]");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    if (Files.exists(file) && Files.size(file) > 0) {
      System.err.println(file + " exists and is not empty");
      System.exit(2);
    }
    create(file, args.length == 2 ? Integer.parseInt(args[1]) : BIG_VALUE_BYTES);
  }
}
