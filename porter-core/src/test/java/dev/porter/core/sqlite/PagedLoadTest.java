package dev.porter.core.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.app.VersionProbe;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.dialect.LoadMode;
import dev.porter.core.dialect.RowSink;
import dev.porter.core.dialect.TargetOptions;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableKind;
import dev.porter.core.model.Utf8Text;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows written as pages (ADR 0027) read back exactly as the same rows inserted by SQLite: every
 * value's storage class and value, rowids, AUTOINCREMENT counters, and a file that passes SQLite's
 * {@code integrity_check}. The expected side is always a second file filled by plain INSERTs of the
 * same rows, one per statement.
 */
class PagedLoadTest {
  @TempDir Path dir;

  /** One table: its name, the columns the rows give, and the rows. */
  private record Load(
      String table, List<String> columns, String rowidColumn, List<Object[]> rows) {}

  private static final long[] EDGE_INTEGERS = {
    0,
    1,
    -1,
    2,
    127,
    128,
    -128,
    -129,
    32767,
    32768,
    -32768,
    -32769,
    (1 << 23) - 1,
    1 << 23,
    -(1 << 23),
    -(1 << 23) - 1,
    Integer.MAX_VALUE,
    1L + Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    Integer.MIN_VALUE - 1L,
    (1L << 47) - 1,
    1L << 47,
    -(1L << 47),
    -(1L << 47) - 1,
    Long.MAX_VALUE,
    Long.MIN_VALUE
  };

  private static final double[] EDGE_REALS = {
    0.5,
    -0.0,
    0.0,
    3.0,
    -7.0,
    1e20,
    9.223372036854775807E18,
    -9.223372036854775808E18,
    Double.MAX_VALUE,
    Double.MIN_VALUE,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    1e-300,
    123456.789,
    Double.NaN
  };

  private static final String[] EDGE_TEXTS = {
    "",
    "plain",
    "é ü ñ",
    "emoji \uD83D\uDE00",
    "lone \uD800 surrogate",
    "nul\u0000inside",
    "12",
    " 12 ",
    "1e5",
    "+.5",
    "1.",
    "0x1A",
    "12abc",
    "Inf",
    "-",
    ".",
    "2024-01-31",
    "2024-01-31 10:00:00"
  };

  private Object value(SplittableRandom r) {
    return switch (r.nextInt(9)) {
      case 0 -> null;
      case 1, 2 -> EDGE_INTEGERS[r.nextInt(EDGE_INTEGERS.length)];
      case 3 -> r.nextLong(-1_000_000, 1_000_000);
      case 4 -> EDGE_REALS[r.nextInt(EDGE_REALS.length)];
      case 5 -> EDGE_TEXTS[r.nextInt(EDGE_TEXTS.length)];
      case 6 -> "x".repeat(r.nextInt(3)) + "text " + r.nextInt(1000) + "é".repeat(r.nextInt(40));
      case 7 -> bytes(r, r.nextInt(4) == 0 ? r.nextInt(20_000) : r.nextInt(200));
      default -> r.nextInt(50) == 0 ? "y".repeat(r.nextInt(70_000)) : (Object) r.nextInt(10);
    };
  }

  /**
   * Copies of the rows with their Strings as Utf8Text: every one, or with {@code asciiOnly} only
   * the ASCII ones, as a plain restore's archive reader hands them out.
   */
  private static List<Object[]> textAsBytes(List<Object[]> rows, boolean asciiOnly) {
    List<Object[]> out = new ArrayList<>();
    for (Object[] row : rows) {
      Object[] b = row.clone();
      for (int i = 0; i < b.length; i++) {
        if (b[i] instanceof String text && (!asciiOnly || text.chars().allMatch(ch -> ch < 0x80))) {
          b[i] = Utf8Text.owning(text.getBytes(StandardCharsets.UTF_8));
        }
      }
      out.add(b);
    }
    return out;
  }

  private static byte[] bytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }

  @Test
  void valuesOfEveryKindReadBackAsInsertedOnes() throws Exception {
    everyKind(512, false);
  }

  @Test
  void valuesOfEveryKindReadBackAsInsertedOnesInTheLargestPages() throws Exception {
    everyKind(65536, false);
  }

  /**
   * The same values with ASCII text handed over as its bytes, as a plain restore's archive reader
   * does (ADR 0031, amended): number-like text in NUMERIC columns, text too large for a page and
   * the INSERT fallback all meet {@link Utf8Text} here, and must store what the strings store.
   */
  @Test
  void valuesOfEveryKindWithAsciiTextAsBytesReadBackAsInsertedOnes() throws Exception {
    everyKind(4096, true);
  }

  private void everyKind(int pageSize, boolean asciiAsBytes) throws Exception {
    String ddl =
        "PRAGMA page_size = "
            + pageSize
            + ";"
            + "CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, r REAL, n NUMERIC(10,2),"
            + " tx TEXT, b BLOB, untyped, d DATETIME, u VARCHAR(9) UNIQUE);";
    SplittableRandom r = new SplittableRandom(20261203);
    List<Object[]> rows = new ArrayList<>();
    long id = -50;
    for (int k = 0; k < 3000; k++) {
      id += 1 + r.nextInt(3);
      Object[] row = new Object[9];
      row[0] = id;
      for (int c = 1; c < 8; c++) {
        row[c] = value(r);
      }
      row[8] = r.nextInt(4) == 0 ? null : "u" + k;
      rows.add(row);
    }
    List<String> cols = List.of("id", "i", "r", "n", "tx", "b", "untyped", "d", "u");
    List<Object[]> given = asciiAsBytes ? textAsBytes(rows, true) : rows;
    if (asciiAsBytes) {
      long asBytes =
          given.stream().flatMap(Arrays::stream).filter(Utf8Text.class::isInstance).count();
      assertTrue(asBytes > 1000, "the rows hold ASCII text to hand over as bytes: " + asBytes);
    }
    SqliteTarget t = load(ddl, List.of(new Load("t", cols, null, given)));
    assertTrue(t.rowsAsPages() > 0, "some rows were written as pages");
    assertEquals(String.valueOf(pageSize), query(target(), "PRAGMA page_size"));
    assertEquals(dump(reference(ddl, List.of(new Load("t", cols, null, rows)))), dump(target()));
  }

  @Test
  void exactValuesAreAllWrittenAsPagesInTreesOfSeveralLevels() throws Exception {
    String ddl =
        "PRAGMA page_size = 512;"
            + "CREATE TABLE big (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER,"
            + " price NUMERIC, image BLOB);"
            + "CREATE TABLE one (id INTEGER PRIMARY KEY, v TEXT);"
            + "CREATE TABLE none (id INTEGER PRIMARY KEY, v TEXT);"
            + "CREATE TABLE norowid (a TEXT, b INTEGER);"
            + "CREATE TABLE auto (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);"
            + "CREATE INDEX big_qty ON big (qty);";
    SplittableRandom r = new SplittableRandom(7);
    List<Object[]> big = new ArrayList<>();
    for (long id = 1; id <= 20_000; id++) {
      big.add(
          new Object[] {
            id * 3,
            "name " + id,
            r.nextInt(5) == 0 ? null : (Object) (long) r.nextInt(100),
            r.nextInt(100) + 0.25,
            r.nextInt(100) == 0 ? bytes(r, 3000) : bytes(r, 8)
          });
    }
    List<Object[]> norowid = new ArrayList<>();
    for (long k = 1; k <= 900; k++) {
      norowid.add(new Object[] {k * k, "a" + k, k});
    }
    List<Object[]> auto = new ArrayList<>();
    for (long k = 5; k <= 400; k += 5) {
      auto.add(new Object[] {k, "v" + k});
    }
    List<Load> loads =
        List.of(
            new Load("big", List.of("id", "name", "qty", "price", "image"), null, big),
            new Load("one", List.of("id", "v"), null, List.<Object[]>of(new Object[] {9L, "x"})),
            new Load("none", List.of("id", "v"), null, List.of()),
            new Load("norowid", List.of("rowid", "a", "b"), "rowid", norowid),
            new Load("auto", List.of("id", "v"), null, auto));
    SqliteTarget t = load(ddl, loads);
    assertEquals(20_000 + 1 + 900 + auto.size(), t.rowsAsPages());
    Path expected = reference(ddl, loads);
    assertEquals(dump(expected), dump(target()));
    assertEquals(
        query(expected, "SELECT name, seq FROM sqlite_sequence"),
        query(target(), "SELECT name, seq FROM sqlite_sequence"));
    assertEquals(
        query(expected, "SELECT qty, count(*) FROM big INDEXED BY big_qty GROUP BY qty"),
        query(target(), "SELECT qty, count(*) FROM big INDEXED BY big_qty GROUP BY qty"));
    assertEquals(
        "3",
        query(
            target(),
            "SELECT max(length(path) - length(replace(path, '/', '')))"
                + " FROM dbstat WHERE name = 'big' AND pagetype != 'overflow'"),
        "the table's B-tree has three levels");
    assertUnusedSpaceIsZero(target(), "big", "big_qty", "norowid", "auto");
  }

  /**
   * Every byte the pages of {@code names} do not use is zero: between a B-tree page's cell pointers
   * and its first cell, and after an overflow page's content. The page writer reuses its buffers,
   * so nothing of one page may be left in the next (a table's rows in another's free space).
   */
  private static void assertUnusedSpaceIsZero(Path file, String... names) throws Exception {
    byte[] db = Files.readAllBytes(file);
    int size = u16(db, 16);
    int pageSize = size == 1 ? 65536 : size;
    int pages = 0;
    long zeroes = 0;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT pageno, pagetype, unused FROM dbstat WHERE name IN ('"
                    + String.join("','", names)
                    + "')")) {
      while (r.next()) {
        long pageno = r.getLong(1);
        int base = (int) ((pageno - 1) * pageSize);
        int from;
        int to;
        if (r.getString(2).equals("overflow")) {
          from = base + pageSize - r.getInt(3);
          to = base + pageSize;
        } else {
          int h = base + (pageno == 1 ? 100 : 0);
          int type = db[h];
          int header = type == 0x0D || type == 0x0A ? 8 : 12;
          int cells = u16(db, h + 3);
          int start = u16(db, h + 5);
          from = h + header + 2 * cells;
          to = base + (start == 0 ? 65536 : start);
        }
        for (int i = from; i < to; i++) {
          assertEquals(
              0, db[i], "page " + pageno + " (" + r.getString(2) + "), byte " + (i - base));
        }
        zeroes += to - from;
        pages++;
      }
    }
    assertTrue(pages > 100 && zeroes > 10_000, pages + " pages, " + zeroes + " unused bytes");
  }

  /** The big-endian 16-bit number at {@code at}, as SQLite's headers store them. */
  private static int u16(byte[] b, int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }

  /**
   * A plain restore hands this loader ASCII text as its bytes (ADR 0031, amended): it is stored as
   * the text it is, written as pages, and bound as a String once the rows go on by INSERT (here
   * from a number-like text in a NUMERIC column, which SQLite converts).
   */
  @Test
  void textGivenAsBytesIsStoredAsTheTextItIs() throws Exception {
    String ddl = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n NUMERIC, u);";
    List<Object[]> strings = new ArrayList<>();
    for (long k = 1; k <= 600; k++) {
      strings.add(
          new Object[] {
            k,
            "v" + k,
            k == 300 ? "12" : "x" + k,
            k % 2 == 0 ? "" : k % 7 == 0 ? "caf\u00e9" : "t " + k
          });
    }
    List<Object[]> bytes = textAsBytes(strings, false);
    List<String> cols = List.of("id", "v", "n", "u");
    SqliteTarget t = load(ddl, List.of(new Load("t", cols, null, bytes)));
    assertEquals(299, t.rowsAsPages()); // the 300th row's "12" goes by INSERT, and all after it
    assertEquals(dump(reference(ddl, List.of(new Load("t", cols, null, strings)))), dump(target()));
    assertEquals(
        "integer:12", query(target(), "SELECT typeof(n) || ':' || n FROM t WHERE id = 300"));
  }

  @Test
  void rowidsThatDoNotAscendGoOnByInsert() throws Exception {
    String ddl = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);";
    List<Object[]> rows = new ArrayList<>();
    for (long k = 1; k <= 600; k++) {
      rows.add(new Object[] {k == 400 ? 2000L : k == 401 ? 401L : k * 2, "v" + k});
    }
    List<Load> loads = List.of(new Load("t", List.of("id", "v"), null, rows));
    SqliteTarget t = load(ddl, loads);
    assertEquals(400, t.rowsAsPages()); // ids 2..798, then 2000; 401 is the first out of order
    assertEquals(dump(reference(ddl, loads)), dump(target()));
  }

  @Test
  void aNullInANotNullColumnIsNamedByItsRow() {
    String ddl = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);";
    List<Object[]> rows = new ArrayList<>();
    for (long k = 1; k <= 300; k++) {
      rows.add(new Object[] {k, k == 250 ? null : "v" + k});
    }
    PorterException e =
        assertThrows(
            PorterException.class,
            () -> load(ddl, List.of(new Load("t", List.of("id", "v"), null, rows))));
    assertEquals(ErrorCategory.REFUSED, e.category());
    assertTrue(e.getMessage().startsWith("table t, row 250 "), e.getMessage());
    assertTrue(e.getMessage().contains("NOT NULL constraint failed: t.v"), e.getMessage());
  }

  @Test
  void aDuplicateKeyIsNamedByItsRows() {
    String ddl = "CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT COLLATE NOCASE UNIQUE);";
    List<Object[]> rows = new ArrayList<>();
    for (long k = 1; k <= 300; k++) {
      // "c5" three times (rows 5, 100, 290), "c50" twice (50, 200): an INSERT stops at row 100
      rows.add(new Object[] {k, k == 100 ? "C5" : k == 290 ? "c5" : k == 200 ? "C50" : "c" + k});
    }
    PorterException e =
        assertThrows(
            PorterException.class,
            () -> load(ddl, List.of(new Load("t", List.of("id", "code"), null, rows))));
    assertEquals(ErrorCategory.REFUSED, e.category());
    assertEquals(
        "table t, row 100 (id=100, code=C5): SQLite refused it: [SQLITE_CONSTRAINT_UNIQUE]"
            + " A UNIQUE constraint failed (UNIQUE constraint failed: t.code)",
        e.getMessage(),
        "the row an INSERT of the rows in order would have refused, in its words");
  }

  @Test
  void checkConstraintsAreAskedOfWrittenRows() throws Exception {
    String ddl =
        "CREATE TABLE c (id INTEGER PRIMARY KEY, q INTEGER CHECK (q > 0),"
            + " d REAL NOT NULL CHECK ([d] >= (0) AND d <= 1), note TEXT DEFAULT 'check (x)',"
            + " CONSTRAINT named CHECK (note <> 'no)'));";
    List<Object[]> rows = new ArrayList<>();
    for (long k = 1; k <= 500; k++) {
      rows.add(new Object[] {k * 2, k % 7 == 0 ? null : (Object) k, 0.5, "n" + k});
    }
    List<Load> ok = List.of(new Load("c", List.of("id", "q", "d", "note"), null, rows));
    SqliteTarget t = load(ddl, ok);
    assertEquals(500, t.rowsAsPages(), "a NULL passes a CHECK");
    assertEquals(dump(reference(ddl, ok)), dump(target()));

    java.nio.file.Files.delete(target());
    List<Object[]> bad = new ArrayList<>(rows);
    bad.set(299, new Object[] {600L, 5L, 1.5, "n"});
    PorterException e =
        assertThrows(
            PorterException.class,
            () -> load(ddl, List.of(new Load("c", List.of("id", "q", "d", "note"), null, bad))));
    assertEquals(ErrorCategory.REFUSED, e.category());
    assertEquals(
        "table c, row 300 (id=600, q=5, d=1.5): SQLite refused it: [SQLITE_CONSTRAINT_CHECK]"
            + " A CHECK constraint failed (CHECK constraint failed: d)",
        e.getMessage());
  }

  @Test
  void checkExpressionsAreReadAsSqliteTokens() {
    assertEquals(
        List.of("a > 0", "b IN ('x)', \"y\")", "f(c, (d))"),
        SqlitePagedTables.checks(
            "CREATE TABLE t (a INT CHECK(a > 0), \"check\" TEXT DEFAULT 'check (no)',"
                + " b TEXT CONSTRAINT k CHECK /* c */ (b IN ('x)', \"y\")), -- check (no)\n"
                + " [check] INT, c, d, check_me INT, CHECK (f(c, (d))))"));
    assertEquals(List.of(), SqlitePagedTables.checks("CREATE TABLE t (a, b)"));
    assertEquals(null, SqlitePagedTables.checks("CREATE TABLE t (a CHECK (a > ')"));
  }

  @Test
  void tablesWhoseInsertsDoMoreAreInserted() throws Exception {
    String ddl =
        "CREATE TABLE g (id INTEGER PRIMARY KEY, v INTEGER, w AS (v * 2) STORED);"
            + "CREATE TABLE w (id INTEGER PRIMARY KEY, v INTEGER) WITHOUT ROWID;"
            + "CREATE TABLE d (id INTEGER PRIMARY KEY, v INTEGER, z TEXT DEFAULT 'zz');"
            + "CREATE TABLE x (id INTEGER PRIMARY KEY, v INTEGER);"
            + "CREATE INDEX x_expr ON x (v + 1);";
    List<Object[]> rows = List.of(new Object[] {1L, 5L}, new Object[] {2L, 6L});
    List<Load> loads = new ArrayList<>();
    for (String table : List.of("g", "w", "d", "x")) {
      loads.add(new Load(table, List.of("id", "v"), null, rows));
    }
    SqliteTarget t = load(ddl, loads);
    assertEquals(0, t.rowsAsPages());
    assertEquals(dump(reference(ddl, loads)), dump(target()));
  }

  @Test
  void loadersOpenTogetherShareTheFileWhateverTheOrderOfTheirRows() throws Exception {
    // as a transform chain opens them: every loader first, rows interleaved, finished at the end
    String ddl =
        "PRAGMA page_size = 1024;"
            + "CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT UNIQUE);"
            + "CREATE TABLE seed (code TEXT PRIMARY KEY, label TEXT) ;"
            + "CREATE TABLE b (id INTEGER PRIMARY KEY AUTOINCREMENT, w BLOB);"
            + "INSERT INTO seed VALUES ('x', 'from the baseline');";
    SqliteTarget t = SqliteTarget.open(target(), TargetOptions.of(ImportMode.NEW), false);
    List<Object[]> a = new ArrayList<>();
    List<Object[]> seed = new ArrayList<>();
    List<Object[]> b = new ArrayList<>();
    try {
      t.createBaseline(ddl);
      Load la = new Load("a", List.of("id", "v"), null, a);
      Load ls = new Load("seed", List.of("code", "label"), null, seed);
      Load lb = new Load("b", List.of("id", "w"), null, b);
      RowSink sa = t.loader(def(la), la.columns(), LoadMode.INSERT);
      RowSink ss = t.loader(def(ls), ls.columns(), LoadMode.MERGE);
      RowSink sb = t.loader(def(lb), lb.columns(), LoadMode.INSERT);
      SplittableRandom r = new SplittableRandom(3);
      for (int k = 1; k <= 3000; k++) {
        Object[] row;
        RowSink sink;
        switch (k < 100 ? 1 : k < 1500 ? r.nextInt(2) : r.nextInt(3)) {
          case 0 -> {
            row = new Object[] {(long) (a.size() + 1) * 7, "v" + k};
            a.add(row);
            sink = sa;
          }
          case 1 -> {
            row = new Object[] {"s" + k, "label " + k};
            seed.add(row);
            sink = ss;
          }
          default -> {
            row = new Object[] {(long) b.size() + 1, bytes(r, r.nextInt(3000))};
            b.add(row);
            sink = sb;
          }
        }
        sink.accept(row.clone());
      }
      Map<String, Long> counts = new LinkedHashMap<>();
      counts.put("a", sa.finish());
      counts.put("seed", ss.finish() + 1);
      counts.put("b", sb.finish());
      t.finishBaseline(null, Map.of(), VersionProbe.userVersion(), "1");
      t.verify(counts);
      t.commit();
    } finally {
      t.close();
    }
    assertTrue(t.rowsAsPages() > 0, "rows written as pages: " + t.rowsAsPages());
    List<Load> loads =
        List.of(
            new Load("a", List.of("id", "v"), null, a),
            new Load("seed", List.of("code", "label"), null, seed),
            new Load("b", List.of("id", "w"), null, b));
    assertEquals(dump(reference(ddl, loads)), dump(target()));
    assertEquals(
        query(dir.resolve("inserted.db"), "SELECT name, seq FROM sqlite_sequence"),
        query(target(), "SELECT name, seq FROM sqlite_sequence"));
  }

  /**
   * A baseline with an integer index its rows can write as pages, a text one, a UNIQUE one and one
   * on a table without rows.
   */
  private static final String INDEXED_BASELINE =
      "CREATE TABLE p (id INTEGER PRIMARY KEY, n TEXT);"
          + "CREATE INDEX p_n ON p (n);"
          + "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER, u INTEGER, t TEXT);"
          + "CREATE INDEX c_p ON c (p_id);"
          + "CREATE UNIQUE INDEX c_u ON c (u);"
          + "CREATE TABLE z (id INTEGER PRIMARY KEY, v INTEGER);"
          + "CREATE INDEX z_v ON z (v);";

  private static List<Load> indexedBaselineRows() {
    SplittableRandom r = new SplittableRandom(11);
    List<Object[]> p = new ArrayList<>();
    for (long k = 1; k <= 200; k++) {
      p.add(new Object[] {k, "n" + k % 7});
    }
    List<Object[]> c = new ArrayList<>();
    for (long k = 1; k <= 3000; k++) {
      Long parent = r.nextInt(10) == 0 ? null : (long) r.nextInt(1, 201);
      c.add(new Object[] {k, parent, k * 3, "t" + k % 5});
    }
    return List.of(
        new Load("p", List.of("id", "n"), null, p),
        new Load("c", List.of("id", "p_id", "u", "t"), null, c),
        new Load("z", List.of("id", "v"), null, List.of()));
  }

  /** Imports {@code loads} into the baseline as a transform chain does: every loader first. */
  private SqliteTarget loadTogether(
      Path file, boolean parallel, String ddl, String afterLoad, List<Load> loads) {
    SqliteTarget t = SqliteTarget.open(file, TargetOptions.of(ImportMode.NEW), parallel);
    try {
      t.createBaseline(ddl);
      List<RowSink> sinks = new ArrayList<>();
      for (Load l : loads) {
        sinks.add(t.loader(def(l), l.columns(), LoadMode.INSERT));
      }
      Map<String, Long> counts = new LinkedHashMap<>();
      for (int i = 0; i < loads.size(); i++) {
        feed(sinks.get(i), loads.get(i).rows());
        counts.put(loads.get(i).table(), sinks.get(i).finish());
      }
      t.finishBaseline(afterLoad, Map.of(), VersionProbe.userVersion(), "1");
      t.verify(counts);
      t.commit();
      return t;
    } finally {
      t.close();
    }
  }

  @Test
  void aBaselinesOwnIntegerIndexesAreWrittenAsPagesAndComeBack() throws Exception {
    // ADR 0029, amended: an import into a release's baseline drops the indexes its rows can write
    // as pages and enters them again at the end; the others stay, or are created again
    List<Load> loads = indexedBaselineRows();
    Path expected = reference(INDEXED_BASELINE, loads);
    for (boolean parallel : new boolean[] {false, true}) {
      Path file = dir.resolve("baseline-" + parallel + ".db");
      SqliteTarget t = loadTogether(file, parallel, INDEXED_BASELINE, null, loads);
      // text (p_n) and UNIQUE (c_u) stay with SQLite; z_v has no rows: CREATE INDEX makes it
      assertEquals(java.util.Set.of("c_p"), t.indexesAsPages());
      // the checks wait for the index builds, on two processors too
      assertFalse(t.checksBesideIndexBuilds(), "checks beside the index builds");
      assertEquals(dump(expected), dump(file));
      String indexes = "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'";
      assertEquals(
          query(expected, indexes + " ORDER BY name"), query(file, indexes + " ORDER BY name"));
      // the index written as pages is the one SQLite uses, and holds every row's key
      String byIndex = "SELECT p_id, id FROM c INDEXED BY c_p WHERE p_id > 150";
      assertEquals(query(expected, byIndex), query(file, byIndex));
      assertEquals("0", query(file, "PRAGMA freelist_count"));
      assertEquals("delete", query(file, "PRAGMA journal_mode"));
      assertFalse(Files.exists(Path.of(file + "-wal")), "no WAL left");
      assertFalse(Files.exists(Path.of(file + "-shm")), "no shared memory left");
    }
  }

  @Test
  void anAutoVacuumBaselineGetsItsDroppedIndexesBackByCreateIndex() throws Exception {
    // no pages are written into an auto-vacuum file, whose DROP INDEX moves root pages: the rows
    // go by INSERT, and the indexes dropped for pages are made again by their CREATE INDEX
    String ddl = "PRAGMA auto_vacuum = FULL;" + INDEXED_BASELINE;
    List<Load> loads = indexedBaselineRows();
    SqliteTarget t = loadTogether(target(), true, ddl, null, loads);
    assertEquals(0, t.rowsAsPages());
    assertEquals(java.util.Set.of(), t.indexesAsPages());
    Path expected = reference(ddl, loads);
    assertEquals(dump(expected), dump(target()));
    String indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name";
    assertEquals(query(expected, indexes), query(target(), indexes));
    assertEquals("1", query(target(), "PRAGMA auto_vacuum"));
  }

  @Test
  void aReleasesAfterLoadSqlFindsTheIndexesOfItsBaseline() throws Exception {
    // the dropped indexes are back before the after-load SQL, which may change or drop them
    List<Load> loads = indexedBaselineRows();
    String afterLoad =
        "UPDATE c SET p_id = NULL WHERE p_id = 7; DROP INDEX c_p; CREATE INDEX c_p ON c (p_id, t);";
    SqliteTarget t = loadTogether(target(), true, INDEXED_BASELINE, afterLoad, loads);
    assertEquals(java.util.Set.of("c_p"), t.indexesAsPages());
    Path expected = reference(INDEXED_BASELINE, loads);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + expected);
        Statement s = c.createStatement()) {
      s.execute("UPDATE c SET p_id = NULL WHERE p_id = 7");
      s.execute("DROP INDEX c_p");
      s.execute("CREATE INDEX c_p ON c (p_id, t)");
    }
    assertEquals(dump(expected), dump(target()));
    String indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name";
    assertEquals(query(expected, indexes), query(target(), indexes));
    assertEquals("0", query(target(), "SELECT count(*) FROM c WHERE p_id = 7"));
  }

  @Test
  void varintsHaveTheLengthTheyAreWrittenIn() {
    long[] values = {
      0,
      1,
      127,
      128,
      16383,
      16384,
      (1L << 21) - 1,
      1L << 21,
      (1L << 49) - 1,
      1L << 49,
      (1L << 56) - 1,
      1L << 56,
      Long.MAX_VALUE,
      -1,
      Long.MIN_VALUE,
      12_000_000
    };
    int[] lengths = {1, 1, 1, 2, 2, 3, 3, 4, 7, 8, 8, 9, 9, 9, 9, 4};
    byte[] b = new byte[12];
    for (int i = 0; i < values.length; i++) {
      int end = SqliteRecords.putVarint(b, 1, values[i]);
      assertEquals(lengths[i], end - 1, "bytes for " + values[i]);
      assertEquals(lengths[i], SqliteRecords.varintLength(values[i]), "length of " + values[i]);
      assertEquals(values[i], SqlitePages.readVarint(b, 1), "read back " + values[i]);
    }
  }

  @Test
  void numericTextIsOnlyEverJudgedBySqlite() {
    for (String s : new String[] {"12", " 12 ", "1e5", "+.5", "1.", "-3.25e-2", "1.2.3", ".5e"}) {
      assertTrue(SqliteRecords.mayBeNumber(s), s);
    }
    for (String s : new String[] {"", "0x1A", "12abc", "Inf", "-", ".", "2024-01-31", "e5"}) {
      assertFalse(SqliteRecords.mayBeNumber(s), s);
    }
    // the test on UTF-8 bytes (rows prepared on the decoding thread) answers as the one on text
    for (String s :
        new String[] {
          "12",
          " 12 ",
          "1e5",
          "+.5",
          "-3.25e-2",
          "1.2.3",
          "",
          "0x1A",
          "e5",
          "12\u00e9",
          "\u00e912",
          "\u0661\u0662",
          "12\u00a0",
          "\u00a012",
          "1e\u00b2",
          "\t7\r\n",
          "\uD83D\uDE00",
          "1 2"
        }) {
      byte[] utf8 = ("x" + s + "y").getBytes(StandardCharsets.UTF_8);
      assertEquals(
          SqliteRecords.mayBeNumber(s),
          SqliteRecords.mayBeNumber(utf8, 1, utf8.length - 2),
          "[" + s + "]");
    }
  }

  // ---------------------------------------------------------------------------------------------

  private Path target() {
    return dir.resolve("paged.db");
  }

  /** Imports the loads through porter's SQLite target, as an import into a baseline does. */
  private SqliteTarget load(String ddl, List<Load> loads) {
    SqliteTarget t = SqliteTarget.open(target(), TargetOptions.of(ImportMode.NEW), false);
    try {
      t.createBaseline(ddl);
      Map<String, Long> counts = new LinkedHashMap<>();
      for (Load l : loads) {
        RowSink sink = t.loader(def(l), l.columns(), LoadMode.INSERT);
        feed(sink, l.rows());
        counts.put(l.table(), sink.finish());
      }
      t.finishBaseline(null, Map.of(), VersionProbe.userVersion(), "1");
      t.verify(counts);
      t.commit();
      return t;
    } finally {
      t.close();
    }
  }

  /** Gives the loader its rows, as an import that reads them as objects does. */
  void feed(RowSink sink, List<Object[]> rows) {
    for (Object[] row : rows) {
      sink.accept(row.clone());
    }
  }

  private static TableDef def(Load l) {
    return new TableDef(
        l.table(),
        TableKind.TABLE,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        l.rowidColumn(),
        false,
        false,
        false);
  }

  /** The same rows in a file of their own, one INSERT per row. */
  private Path reference(String ddl, List<Load> loads) throws SQLException {
    Path file = dir.resolve("inserted.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      try (Statement s = c.createStatement()) {
        for (String stmt : ddl.split(";")) {
          if (!stmt.isBlank()) {
            s.execute(stmt);
          }
        }
      }
      c.setAutoCommit(false);
      for (Load l : loads) {
        String marks = String.join(", ", l.columns().stream().map(x -> "?").toList());
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO "
                    + l.table()
                    + " ("
                    + String.join(", ", l.columns())
                    + ") VALUES ("
                    + marks
                    + ")")) {
          for (Object[] row : l.rows()) {
            for (int i = 0; i < row.length; i++) {
              Object v = row[i];
              if (v == null) {
                ps.setNull(i + 1, Types.NULL);
              } else if (v instanceof Long n) {
                ps.setLong(i + 1, n);
              } else if (v instanceof Integer n) {
                ps.setLong(i + 1, n);
              } else if (v instanceof Double d) {
                if (d.isNaN()) {
                  ps.setString(i + 1, "NaN"); // as porter's loader stores it
                } else {
                  ps.setDouble(i + 1, d);
                }
              } else if (v instanceof String s) {
                ps.setString(i + 1, s);
              } else {
                ps.setBytes(i + 1, (byte[]) v);
              }
            }
            ps.executeUpdate();
          }
        }
      }
      c.commit();
    }
    return file;
  }

  /** Every row of every table: rowid, then each value's storage class and literal. */
  private static String dump(Path file) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
        r.next();
        assertEquals("ok", r.getString(1), file.toString());
      }
      List<String> tables = new ArrayList<>();
      try (ResultSet r =
          s.executeQuery(
              "SELECT name FROM sqlite_master WHERE type = 'table'"
                  + " AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
        while (r.next()) {
          tables.add(r.getString(1));
        }
      }
      for (String t : tables) {
        List<String> cols = new ArrayList<>();
        try (ResultSet r = s.executeQuery("SELECT name FROM pragma_table_xinfo('" + t + "')")) {
          while (r.next()) {
            cols.add(r.getString(1));
          }
        }
        StringBuilder sql = new StringBuilder("SELECT ");
        sql.append(t.equals("w") ? "id" : "rowid");
        for (String col : cols) {
          sql.append(", typeof(").append(col).append(") || ':' || quote(").append(col).append(')');
        }
        sql.append(" FROM ").append(t).append(" ORDER BY 1");
        out.append("table ").append(t).append('\n');
        try (ResultSet r = s.executeQuery(sql.toString())) {
          int n = r.getMetaData().getColumnCount();
          while (r.next()) {
            for (int i = 1; i <= n; i++) {
              out.append(r.getString(i)).append(i < n ? " | " : "\n");
            }
          }
        }
      }
    }
    return out.toString();
  }

  private static String query(Path file, String sql) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        for (int i = 1; i <= n; i++) {
          out.append(r.getString(i)).append(i < n ? "|" : "\n");
        }
      }
    }
    return out.toString().trim();
  }
}
