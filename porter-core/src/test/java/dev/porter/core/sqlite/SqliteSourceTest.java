package dev.porter.core.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.RowCursor;
import dev.porter.core.dialect.Source;
import dev.porter.core.model.Generated;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.RawText;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableKind;
import dev.porter.core.model.Utf8Text;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the SQLite source reads from real database files. */
class SqliteSourceTest {
  @TempDir Path dir;

  Path db(String... sql) throws SQLException {
    Path file = dir.resolve("s" + System.nanoTime() + ".db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
    return file;
  }

  static Source open(Path file) {
    return new SqliteDialect().openSource(DatabaseRef.sqliteFile(file));
  }

  static TableDef table(Source s, String name) {
    return s.schema().tables().stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static List<Object[]> rows(Source s, TableDef t) {
    List<Object[]> out = new ArrayList<>();
    try (RowCursor c = s.rows(t)) {
      Object[] r;
      while ((r = c.next()) != null) {
        out.add(r);
      }
    }
    return out;
  }

  @Test
  void theRowidTravelsOnlyWhenNoColumnAliasesIt() throws Exception {
    Path file =
        db(
            "CREATE TABLE alias (id INTEGER PRIMARY KEY, v)",
            "CREATE TABLE lower_alias (id integer primary key, v)",
            "CREATE TABLE desc_key (id INTEGER PRIMARY KEY DESC, v)",
            "CREATE TABLE int_key (id INT PRIMARY KEY, v)",
            "CREATE TABLE no_key (a, b)",
            "CREATE TABLE rowid_column (rowid TEXT, v)",
            "CREATE TABLE two_shadowed (rowid TEXT, _rowid_ TEXT)",
            "CREATE TABLE no_rowid (k TEXT PRIMARY KEY, v) WITHOUT ROWID");
    try (Source s = open(file)) {
      assertNull(table(s, "alias").rowidColumn());
      assertNull(table(s, "lower_alias").rowidColumn());
      assertEquals("rowid", table(s, "desc_key").rowidColumn(), "INTEGER PRIMARY KEY DESC");
      assertEquals("rowid", table(s, "int_key").rowidColumn(), "INT PRIMARY KEY");
      assertEquals("rowid", table(s, "no_key").rowidColumn());
      assertEquals("_rowid_", table(s, "rowid_column").rowidColumn());
      assertEquals("oid", table(s, "two_shadowed").rowidColumn());
      assertNull(table(s, "no_rowid").rowidColumn());
      assertTrue(table(s, "no_rowid").withoutRowid());
      assertEquals(
          List.of("_rowid_", "rowid", "v"),
          table(s, "rowid_column").dataColumns().stream().map(c -> c.name()).toList());
    }
  }

  @Test
  void rowsKeepTheRowidAndEveryStorageClass() throws Exception {
    Path file =
        db(
            "CREATE TABLE t (rowid TEXT, v)",
            "INSERT INTO t (_rowid_, rowid, v) VALUES (-3, 'r', 1), (7, 'r', 2.5),"
                + " (9, NULL, 'text'), (10, 'x', x'00ff'), (11, 'y', NULL),"
                + " (12, 'z', CAST(x'61ff' AS TEXT)), (13, 'big', 9223372036854775807)");
    try (Source s = open(file)) {
      List<Object[]> rows = rows(s, table(s, "t"));
      rows.forEach(Restores::asArchived);
      assertEquals(7, rows.size());
      assertTrue(Arrays.equals(new Object[] {-3L, "r", 1L}, rows.get(0)));
      assertTrue(Arrays.equals(new Object[] {7L, "r", 2.5}, rows.get(1)));
      assertTrue(Arrays.equals(new Object[] {9L, null, "text"}, rows.get(2)));
      assertTrue(Arrays.equals(new byte[] {0, (byte) 0xff}, (byte[]) rows.get(3)[2]));
      assertNull(rows.get(4)[2]);
      assertEquals(new RawText(new byte[] {0x61, (byte) 0xff}), rows.get(5)[2]);
      assertEquals(Long.MAX_VALUE, rows.get(6)[2]);
    }
  }

  @Test
  void asciiTextOfAUtf8FileComesAsItsBytesAndAnyOtherTextAsAString() throws Exception {
    String[] data = {
      "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)",
      "INSERT INTO t VALUES (1, 'plain ascii, twenty-three'), (2, ''), (3, 'caf\u00e9'),"
          + " (4, 'seven b'), (5, 'eight by'), (6, 'nul' || char(0))"
    };
    String[] utf16Data = new String[data.length + 1];
    utf16Data[0] = "PRAGMA encoding = 'UTF-16le'";
    System.arraycopy(data, 0, utf16Data, 1, data.length);
    String[] texts = {"plain ascii, twenty-three", "", "caf\u00e9", "seven b", "eight by", "nul\0"};
    try (Source s = open(db(data))) {
      List<Object[]> rows = rows(s, table(s, "t"));
      for (int i = 0; i < texts.length; i++) {
        Object v = rows.get(i)[1];
        if (i == 2) {
          assertEquals(texts[i], v, "text beyond ASCII is decoded");
        } else {
          Utf8Text t = assertInstanceOf(Utf8Text.class, v, texts[i]);
          assertArrayEquals(texts[i].getBytes(StandardCharsets.UTF_8), t.utf8());
          assertEquals(texts[i], t.toString());
        }
      }
    }
    try (Source s = open(db(utf16Data))) {
      List<Object[]> rows = rows(s, table(s, "t"));
      for (int i = 0; i < texts.length; i++) {
        assertEquals(texts[i], rows.get(i)[1], "a UTF-16 file is read through SQLite");
      }
    }
  }

  @Test
  void everyStorageClassReadsTheSameInUtf8AndUtf16Databases() throws Exception {
    String[] data = {
      "CREATE TABLE t (k INTEGER PRIMARY KEY, v)",
      "INSERT INTO t VALUES (1, ''), (2, x''), (3, 'caf\u00e9 \u2603 \ud83d\ude00'),"
          + " (4, -9223372036854775808), (5, -0.0), (6, 1e308), (7, 'nul' || char(0) || 'inside'),"
          + " (8, CAST(x'c328' AS TEXT)), (9, '\ufffd is real'), (10, NULL), (11, 2147483648)"
    };
    Path utf8 = db(data);
    String[] utf16Data = new String[data.length + 1];
    utf16Data[0] = "PRAGMA encoding = 'UTF-16le'";
    System.arraycopy(data, 0, utf16Data, 1, data.length);
    Path utf16 = db(utf16Data);
    Object[] expected = {
      "",
      new byte[0],
      "caf\u00e9 \u2603 \ud83d\ude00",
      Long.MIN_VALUE,
      -0.0,
      1e308,
      "nul\0inside",
      new RawText(new byte[] {(byte) 0xc3, 0x28}),
      "\ufffd is real",
      null,
      2147483648L
    };
    for (Path file : List.of(utf8, utf16)) {
      try (Source s = open(file)) {
        List<Object[]> rows = rows(s, table(s, "t"));
        assertEquals(expected.length, rows.size());
        for (int i = 0; i < expected.length; i++) {
          Object got = Restores.asArchived(rows.get(i))[1];
          String where = file.getFileName() + " row " + (i + 1);
          if (expected[i] instanceof byte[] b) {
            assertTrue(got instanceof byte[] g && Arrays.equals(b, g), where + ": " + got);
          } else if (i == 7 && file == utf16) {
            // a UTF-16 database takes the cast's two bytes as one UTF-16LE code unit
            assertEquals("\u28c3", got, where);
          } else {
            assertEquals(expected[i], got, where);
          }
        }
      }
    }
  }

  @Test
  void columnsTablesAndCounters() throws Exception {
    Path file =
        db(
            "CREATE TABLE st (i INT, r REAL, t TEXT, b BLOB, a ANY) STRICT",
            "CREATE TABLE g (a INT, s INT AS (a * 2) STORED, v INT AS (a + 1) VIRTUAL, n)",
            "CREATE TABLE ai (id INTEGER PRIMARY KEY AUTOINCREMENT, v)",
            "INSERT INTO ai (v) VALUES (1), (2), (3)",
            "DELETE FROM ai WHERE id = 3",
            "CREATE VIRTUAL TABLE f USING fts5(x)",
            "PRAGMA user_version = 42");
    try (Source s = open(file)) {
      assertEquals(
          List.of(
              LogicalType.INTEGER,
              LogicalType.REAL,
              LogicalType.TEXT,
              LogicalType.BLOB,
              LogicalType.ANY),
          table(s, "st").columns().stream().map(c -> c.logicalType()).toList());
      TableDef g = table(s, "g");
      assertEquals(
          List.of(Generated.NO, Generated.STORED, Generated.VIRTUAL, Generated.NO),
          g.columns().stream().map(c -> c.generated()).toList());
      assertEquals(
          List.of("rowid", "a", "n"), g.dataColumns().stream().map(c -> c.name()).toList());
      assertTrue(table(s, "ai").autoincrement());
      assertEquals(3, s.schema().sqlite().sequences().get(0).seq(), "sqlite_sequence, not max(id)");
      assertEquals(TableKind.VIRTUAL, table(s, "f").kind());
      assertEquals(TableKind.SHADOW, table(s, "f_data").kind());
      assertTrue(s.schema().tables().stream().noneMatch(t -> t.name().equals("sqlite_sequence")));
      assertEquals(42, s.schema().sqlite().userVersion());
    }
  }

  @Test
  void exportReadsCommittedRowsThatAreOnlyInTheWalAndWritesNothing() throws Exception {
    Path file = dir.resolve("wal.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode = WAL");
      st.execute("PRAGMA wal_autocheckpoint = 0");
      st.execute("CREATE TABLE t (v)");
      st.execute("INSERT INTO t VALUES (1), (2), (3)");
      byte[] main = sha(file);
      byte[] wal = sha(dir.resolve("wal.db-wal"));
      try (Source s = open(file)) {
        assertEquals(3, rows(s, table(s, "t")).size());
      }
      assertTrue(Arrays.equals(main, sha(file)), "the source file was written to");
      assertTrue(Arrays.equals(wal, sha(dir.resolve("wal.db-wal"))), "its WAL was written to");
    }
  }

  @Test
  void aSecondReaderSharesTheSnapshotBecauseNoWriterCanCommitMeanwhile() throws Exception {
    Path file = db("CREATE TABLE a (v)", "CREATE TABLE b (v)", "INSERT INTO a VALUES (1), (2)");
    try (Source s = open(file)) {
      try (Source second = s.fork()) {
        assertTrue(second != null, "a rollback-journal source forks");
        // a writer cannot commit while the export reads: both readers see what it saw at its start
        try (Connection w = DriverManager.getConnection("jdbc:sqlite:" + file);
            Statement st = w.createStatement()) {
          st.execute("PRAGMA busy_timeout = 0");
          SQLException busy =
              assertThrows(SQLException.class, () -> st.execute("INSERT INTO a VALUES (3)"));
          assertTrue(busy.getMessage().contains("SQLITE_BUSY"), busy.getMessage());
        }
        assertEquals(2, rows(second, table(s, "a")).size());
        assertEquals(2, rows(s, table(s, "a")).size());
        assertEquals(0, rows(second, table(s, "b")).size());
      }
    }
    try (Connection w = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = w.createStatement()) {
      st.execute("INSERT INTO a VALUES (3)"); // after the export, writers go on
    }
  }

  @Test
  void noSecondReaderWhileAWriterWaitsForTheLockAndTheWriterCommitsAfterTheExport()
      throws Exception {
    Path file = db("CREATE TABLE a (v)", "INSERT INTO a VALUES (1)");
    try (Connection w = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement ws = w.createStatement()) {
      ws.execute("PRAGMA busy_timeout = 20000");
      java.util.concurrent.CompletableFuture<Void> writer;
      try (Source s = open(file)) {
        ws.execute("BEGIN IMMEDIATE");
        ws.execute("INSERT INTO a VALUES (2)");
        // COMMIT needs the exclusive lock: it takes the pending lock and waits for the export
        writer =
            java.util.concurrent.CompletableFuture.runAsync(
                () -> {
                  try {
                    ws.execute("COMMIT");
                  } catch (SQLException e) {
                    throw new IllegalStateException(e);
                  }
                });
        waitForPendingLock(file);
        assertTrue(!writer.isDone(), "the writer waits while the export reads");
        assertNull(s.fork(), "a new reader cannot start while a writer holds the pending lock");
        assertEquals(1, rows(s, table(s, "a")).size());
      }
      writer.get(20, java.util.concurrent.TimeUnit.SECONDS); // commits once the export is closed
    }
    try (Source s = open(file)) {
      assertEquals(2, rows(s, table(s, "a")).size());
    }
  }

  /** Waits until a new reader is refused: a writer holds the pending lock. */
  static void waitForPendingLock(Path file) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Connection r = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement st = r.createStatement()) {
        st.execute("PRAGMA busy_timeout = 0");
        st.executeQuery("SELECT count(*) FROM a").close();
      } catch (SQLException e) {
        if (e.getMessage().contains("SQLITE_BUSY")) {
          return;
        }
        throw e;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the writer never asked for the exclusive lock");
  }

  @Test
  void aWalSourceDoesNotForkForItsWritersGoOnCommitting() throws Exception {
    Path file = db("PRAGMA journal_mode = WAL", "CREATE TABLE a (v)", "INSERT INTO a VALUES (1)");
    try (Source s = open(file)) {
      assertNull(s.fork());
      try (Connection w = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement st = w.createStatement()) {
        st.execute("INSERT INTO a VALUES (2)");
      }
      assertEquals(1, rows(s, table(s, "a")).size(), "the export's snapshot stays as it was");
    }
  }

  @Test
  void whatIsNotADatabaseIsAUsageError() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
    PorterException e = assertThrows(PorterException.class, () -> open(text));
    assertEquals(ErrorCategory.USAGE, e.category());
    assertTrue(e.getMessage().contains("not a SQLite database"), e.getMessage());
    e = assertThrows(PorterException.class, () -> open(dir.resolve("missing.db")));
    assertEquals(ErrorCategory.USAGE, e.category());
    assertTrue(!Files.exists(dir.resolve("missing.db")), "opening must not create the file");
  }

  static byte[] sha(Path f) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
  }
}
