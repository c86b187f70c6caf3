package dev.porter.core.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.dialect.RowCursor;
import dev.porter.core.model.RawText;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.Utf8Text;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A SQLite export reads rowid tables from their pages (ADR 0030): every row and value must be what
 * SQLite's own scan returns, on files of several page sizes and B-tree depths, and a damaged page
 * must stop the export with one line naming it.
 */
class TableScanTest {
  @TempDir Path dir;

  private static final long[] EDGES = {
    0,
    1,
    -1,
    127,
    -128,
    128,
    32767,
    -32768,
    32768,
    8388607,
    -8388608,
    8388608,
    2147483647L,
    -2147483648L,
    2147483648L,
    140737488355327L,
    -140737488355328L,
    140737488355328L,
    Long.MAX_VALUE,
    Long.MIN_VALUE
  };

  @ParameterizedTest
  @ValueSource(ints = {512, 4096, 65536})
  void everyValueIsWhatSqliteReads(int pageSize) throws Exception {
    Path db = dir.resolve("mixed-" + pageSize + ".db");
    Random rnd = new Random(pageSize);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      exec(c, "PRAGMA page_size = " + pageSize);
      exec(
          c,
          "CREATE TABLE anything (id INTEGER PRIMARY KEY, a, r REAL, n NUMERIC, i INT, t TEXT, b"
              + " BLOB)");
      exec(c, "CREATE TABLE plain (x, y)"); // rowid carried, not aliased
      exec(c, "CREATE TABLE keyed (code TEXT PRIMARY KEY, qty INTEGER, price DOUBLE)");
      exec(c, "CREATE TABLE desc_key (k INTEGER PRIMARY KEY DESC, v)"); // not a rowid alias
      exec(c, "CREATE TABLE strict_one (id INTEGER PRIMARY KEY, r REAL, a ANY, t TEXT) STRICT");
      exec(c, "CREATE TABLE empty (id INTEGER PRIMARY KEY, v)");
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO anything (a, r, n, i, t, b) VALUES (?, ?, ?, ?, ?, ?)")) {
        for (int row = 0; row < 3000; row++) {
          ps.setObject(1, randomValue(rnd));
          ps.setObject(
              2, rnd.nextInt(4) == 0 ? (Object) (double) rnd.nextInt(1000) : randomValue(rnd));
          ps.setObject(3, randomValue(rnd));
          ps.setObject(4, randomValue(rnd));
          ps.setObject(5, randomValue(rnd));
          ps.setObject(6, randomValue(rnd));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      exec(c, "INSERT INTO anything (a) VALUES (CAST(X'41FF42' AS TEXT))"); // not UTF-8
      exec(c, "INSERT INTO anything (a, b) VALUES ('', X'')");
      exec(c, "INSERT INTO anything (a, r) VALUES (-0.0, -0.0)");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO plain VALUES (?, ?)")) {
        for (long v : EDGES) {
          ps.setLong(1, v);
          ps.setDouble(2, v / 3.0);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      exec(c, "DELETE FROM plain WHERE x = 127"); // a gap in the rowids
      exec(c, "INSERT INTO keyed SELECT 'k' || id, id, id * 1.5 FROM anything WHERE id <= 500");
      exec(c, "INSERT INTO desc_key VALUES (5, 'five'), (-3, 'minus three'), (NULL, 'given')");
      exec(c, "INSERT INTO strict_one (r, a, t) VALUES (2, 2, 'two'), (2.5, x'00', NULL)");
      c.commit();
    }
    compareWithSqlite(db, List.of("anything", "plain", "keyed", "desc_key", "strict_one", "empty"));

    try (SqliteSource s = SqliteSource.open(db, true)) {
      List<Object[]> rows = plainRows(s, "anything");
      assertEquals(3003, rows.size());
      Object[] last = rows.get(rows.size() - 1);
      assertEquals(3003L, last[0], "the INTEGER PRIMARY KEY is the rowid");
      assertEquals(-0.0, (Double) last[2], 0.0);
      Object[] notUtf8 = rows.get(3000);
      assertInstanceOf(RawText.class, notUtf8[1]);
      assertArrayEquals(new byte[] {0x41, (byte) 0xFF, 0x42}, ((RawText) notUtf8[1]).bytes());
      assertEquals("", rows.get(3001)[1]);
      List<Object[]> strict = plainRows(s, "strict_one");
      assertEquals(2.0, strict.get(0)[1], "an integral REAL comes back as a real");
      assertEquals(2L, strict.get(0)[2], "ANY keeps the integer");
      List<Object[]> plain = rows(s, "plain");
      assertEquals(EDGES.length - 1, plain.size());
      assertEquals(Long.MIN_VALUE, plain.get(plain.size() - 1)[1]);
      assertEquals((long) EDGES.length, plain.get(plain.size() - 1)[0], "the rowid comes first");
    }
  }

  /**
   * Databases nobody here wrote ({@code ../shared/realdata}): every table read from its pages gives
   * what SQLite's own scan gives.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "chinook/chinook.db",
        "chinook/chinook_autoinc.db",
        "chinook/Chinook_Sqlite.sqlite",
        "northwind/northwind.db",
        "northwind/northwind-populated.db",
        "sakila/sakila.db"
      })
  void realDatabasesReadAsSqliteReadsThem(String file) {
    Path db = realData().resolve(file);
    assertTrue(Files.isRegularFile(db), db + " is there");
    List<String> tables = new ArrayList<>();
    try (SqliteSource s = SqliteSource.open(db, true)) {
      for (TableDef t : s.schema().tables()) {
        if (t.carriesData()) {
          tables.add(t.name());
        }
      }
    }
    assertFalse(tables.isEmpty());
    compareWithSqlite(db, tables);
  }

  /** ../shared/realdata: required on CI, where it is provided; a test elsewhere is aborted. */
  private static Path realData() {
    String dir = System.getProperty("porter.shared.dir");
    Path realdata = dir == null ? null : Path.of(dir, "realdata");
    if (realdata == null || !Files.isDirectory(realdata)) {
      String why = "../shared/realdata is absent (porter.shared.dir: " + dir + ")";
      if (System.getenv("CI") != null) {
        throw new AssertionError(why);
      }
      org.junit.jupiter.api.Assumptions.abort(why);
    }
    return realdata;
  }

  @Test
  void longValuesFollowTheirOverflowPages() throws Exception {
    Path db = dir.resolve("overflow.db");
    Random rnd = new Random(7);
    List<byte[]> blobs = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      exec(c, "PRAGMA page_size = 1024");
      exec(c, "CREATE TABLE files (id INTEGER PRIMARY KEY, name TEXT, body BLOB, note TEXT)");
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO files (name, body, note) VALUES (?, ?, ?)")) {
        // around each size where the local part of a payload changes, and far beyond it
        int[] sizes = {0, 900, 988, 989, 990, 1000, 1019, 1020, 1021, 2044, 5000, 100_000, 1 << 20};
        for (int size : sizes) {
          byte[] b = new byte[size];
          rnd.nextBytes(b);
          blobs.add(b);
          ps.setString(1, "f" + size);
          ps.setBytes(2, b);
          ps.setString(3, "é".repeat(size / 7));
          ps.executeUpdate();
        }
      }
    }
    compareWithSqlite(db, List.of("files"));
    try (SqliteSource s = SqliteSource.open(db, true)) {
      List<Object[]> rows = rows(s, "files");
      for (int i = 0; i < blobs.size(); i++) {
        assertArrayEquals(blobs.get(i), (byte[]) rows.get(i)[2], "blob " + i);
      }
    }
  }

  @Test
  void rowsWrittenBeforeAColumnWasAddedTakeItsDefault() throws Exception {
    Path db =
        database(
            "added.db",
            "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)",
            "INSERT INTO t (v) VALUES ('a'), ('b')",
            "ALTER TABLE t ADD COLUMN w REAL DEFAULT 2",
            "INSERT INTO t (v, w) VALUES ('c', 3.5)",
            "ALTER TABLE t ADD COLUMN x TEXT DEFAULT 'dflt'",
            "ALTER TABLE t ADD COLUMN y BLOB",
            "INSERT INTO t (v, w, x, y) VALUES ('d', 4, 'given', X'01')");
    compareWithSqlite(db, List.of("t"));
    try (SqliteSource s = SqliteSource.open(db, true)) {
      List<Object[]> rows = plainRows(s, "t");
      assertArrayEquals(new Object[] {1L, "a", 2.0, "dflt", null}, rows.get(0));
      assertArrayEquals(new Object[] {2L, "b", 2.0, "dflt", null}, rows.get(1));
      assertArrayEquals(new Object[] {3L, "c", 3.5, "dflt", null}, rows.get(2));
      assertEquals("given", rows.get(3)[3]);
    }
  }

  @Test
  void tablesWhoseRecordsAreNotTheirColumnsAreReadThroughSqlite() throws Exception {
    Path db =
        database(
            "other.db",
            "CREATE TABLE g (a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL, c)",
            "CREATE TABLE w (k TEXT PRIMARY KEY, v) WITHOUT ROWID",
            "INSERT INTO g (a, c) VALUES (1, 'x')",
            "INSERT INTO w VALUES ('k', 1)");
    try (SqliteSource s = SqliteSource.open(db, true)) {
      assertTrue(s.scansPages());
      for (String name : List.of("g", "w")) {
        try (RowCursor cur = s.rows(table(s, name))) {
          assertFalse(cur instanceof SqliteTableScan, name);
          assertNotNull(cur.next());
        }
      }
    }
    compareWithSqlite(db, List.of("g", "w"));
  }

  @Test
  void aWalFileIsReadThroughSqlite() throws Exception {
    Path db =
        database(
            "wal.db",
            "PRAGMA journal_mode = WAL",
            "CREATE TABLE t (id INTEGER PRIMARY KEY, v)",
            "INSERT INTO t (v) VALUES (1)");
    try (SqliteSource s = SqliteSource.open(db, true)) {
      assertFalse(s.scansPages());
      assertEquals(1, rows(s, "t").size());
    }
  }

  @Test
  void aDamagedPageIsNamed() throws Exception {
    Path db = dir.resolve("damaged.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      exec(c, "PRAGMA page_size = 512");
      exec(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
      exec(
          c,
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
              + " INSERT INTO t (v) SELECT 'row ' || i FROM n");
    }
    long root;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      root = Sqlite.number(c, "SELECT rootpage FROM sqlite_master WHERE name = 't'");
    }
    // the root is an interior page: its first child pointer now names a page past the file's end
    try (FileChannel ch = FileChannel.open(db, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer page = ByteBuffer.allocate(512);
      ch.read(page, (root - 1) * 512);
      assertEquals(0x05, page.get(0));
      int cell = page.getShort(12) & 0xFFFF;
      page.putInt(cell, 999_999);
      page.flip();
      ch.write(page, (root - 1) * 512);
    }
    try (SqliteSource s = SqliteSource.open(db, true)) {
      PorterException e =
          assertThrows(
              PorterException.class,
              () -> {
                try (RowCursor cur = s.rows(table(s, "t"))) {
                  while (cur.next() != null) {
                    // read on to the damage
                  }
                }
              });
      assertEquals(ErrorCategory.UNAVAILABLE, e.category());
      assertTrue(
          e.getMessage().startsWith("cannot read table t of " + db + ": page 999999: no such page"),
          e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
  }

  /**
   * Reading a file's bytes must not drop the locks SQLite's connections hold on it: a descriptor
   * closed beside them releases all of the process's POSIX locks on the file. The write lock that
   * an upgrade's target holds on the live database during its backup export must survive the
   * export.
   */
  @Test
  void anExportLeavesTheLocksOfOtherConnectionsInPlace() throws Exception {
    Path procLocks = Path.of("/proc/locks");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(procLocks), "Linux only");
    Path db =
        database(
            "locked.db",
            "CREATE TABLE t (id INTEGER PRIMARY KEY, v)",
            "INSERT INTO t (v) VALUES (1), (2)");
    long inode = (Long) Files.getAttribute(db, "unix:ino");
    try (Connection guard = Sqlite.connect(db, false)) {
      exec(guard, "BEGIN IMMEDIATE");
      int held = locks(procLocks, inode);
      assertTrue(held > 0, "the guard holds SQLite's write lock");
      assertTrue(Sqlite.isSqliteFile(db));
      try (SqliteSource s = SqliteSource.open(db, true)) {
        assertTrue(s.scansPages());
        assertEquals(2, rows(s, "t").size());
      }
      assertEquals(held, locks(procLocks, inode), "the guard's locks after the export");
      Path copy = dir.resolve("copy.db");
      SqliteFileReads.copy(db, copy);
      assertEquals(held, locks(procLocks, inode), "the guard's locks after a copy");
      byte[] original = SqliteFileReads.head(db, (int) Files.size(db)); // Files.readAllBytes would
      // drop them
      assertArrayEquals(original, Files.readAllBytes(copy));
      exec(guard, "ROLLBACK");
    }
  }

  /** The POSIX locks this process holds on the file with that inode. */
  private static int locks(Path procLocks, long inode) throws IOException {
    String pid = " " + ProcessHandle.current().pid() + " ";
    int n = 0;
    for (String line : Files.readAllLines(procLocks)) {
      if (line.contains("POSIX") && line.contains(pid) && line.contains(":" + inode + " ")) {
        n++;
      }
    }
    return n;
  }

  /** Each table read from its pages gives exactly the rows SQLite's own scan gives. */
  private static void compareWithSqlite(Path db, List<String> tables) {
    try (SqliteSource pages = SqliteSource.open(db, true);
        SqliteSource sqlite = SqliteSource.open(db, false)) {
      assertTrue(pages.scansPages());
      assertFalse(sqlite.scansPages());
      for (String name : tables) {
        List<Object[]> expected = rows(sqlite, name);
        List<Object[]> actual = rows(pages, name);
        assertEquals(expected.size(), actual.size(), name);
        for (int i = 0; i < expected.size(); i++) {
          Object[] got = actual.get(i);
          for (int k = 0; k < got.length; k++) {
            if (got[k] instanceof Utf8Text t) {
              // ASCII text as its bytes, for the archive writer: SQLite's String, and only ASCII
              assertTrue(t.toString().chars().allMatch(ch -> ch < 0x80), name + " row " + i);
              got[k] = t.toString();
            }
          }
          assertTrue(
              Arrays.deepEquals(expected.get(i), actual.get(i)),
              name
                  + " row "
                  + i
                  + ": "
                  + Arrays.deepToString(expected.get(i))
                  + " against "
                  + Arrays.deepToString(actual.get(i)));
          for (int k = 0; k < expected.get(i).length; k++) {
            Object e = expected.get(i)[k];
            Object a = actual.get(i)[k];
            assertEquals(
                e == null ? null : e.getClass(),
                a == null ? null : a.getClass(),
                name + " row " + i + " column " + k);
            if (e instanceof Double d) {
              assertEquals(
                  Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) a), "bits");
            }
            if (e instanceof RawText t) {
              assertArrayEquals(t.bytes(), ((RawText) a).bytes());
            }
          }
        }
      }
    }
  }

  private static List<Object[]> rows(SqliteSource s, String name) {
    List<Object[]> out = new ArrayList<>();
    TableDef t = table(s, name);
    try (RowCursor cur = s.rows(t)) {
      if (s.scansPages()
          && !t.withoutRowid()
          && t.columns().stream().allMatch(c -> c.carriesData())) {
        assertInstanceOf(SqliteTableScan.class, cur, name + " is read from its pages");
      }
      for (Object[] r = cur.next(); r != null; r = cur.next()) {
        out.add(r);
      }
    }
    return out;
  }

  /** The rows with ASCII text as the archive gives it back, a {@code String}. */
  private static List<Object[]> plainRows(SqliteSource s, String name) {
    List<Object[]> out = rows(s, name);
    out.forEach(Restores::asArchived);
    return out;
  }

  private static TableDef table(SqliteSource s, String name) {
    for (TableDef t : s.schema().tables()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new AssertionError("no table " + name);
  }

  private static Object randomValue(Random rnd) {
    switch (rnd.nextInt(9)) {
      case 0:
        return null;
      case 1:
        return EDGES[rnd.nextInt(EDGES.length)];
      case 2:
        return rnd.nextLong() >> rnd.nextInt(64);
      case 3:
        return rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20);
      case 4:
        return (double) rnd.nextInt(100);
      case 5:
        {
          StringBuilder sb = new StringBuilder();
          int n = rnd.nextInt(rnd.nextInt(8) == 0 ? 3000 : 40);
          for (int i = 0; i < n; i++) {
            sb.appendCodePoint(
                rnd.nextInt(4) == 0 ? 0x80 + rnd.nextInt(0x2000) : 0x20 + rnd.nextInt(90));
          }
          return sb.toString();
        }
      case 6:
        {
          byte[] b = new byte[rnd.nextInt(rnd.nextInt(8) == 0 ? 6000 : 30)];
          rnd.nextBytes(b);
          return b;
        }
      case 7:
        return Integer.toString(rnd.nextInt(1000)); // text that NUMERIC and INT columns convert
      default:
        return rnd.nextBoolean() ? 0L : 1L;
    }
  }

  /** A new database file in the test's folder, made by running {@code sql} in order. */
  private Path database(String name, String... sql) throws SQLException {
    Path db = dir.resolve(name);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      for (String statement : sql) {
        exec(c, statement);
      }
    }
    return db;
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
