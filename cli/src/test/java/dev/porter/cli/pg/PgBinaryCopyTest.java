package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables whose every column has a binary COPY path are loaded in COPY's binary format; a value the
 * binary path does not take sends the rest of its table through text. Either way PostgreSQL must
 * show afterwards exactly what it showed before, and a refused value is named by its row.
 */
class PgBinaryCopyTest {
  @TempDir Path dir;

  static final String COLUMNS =
      "id int PRIMARY KEY, bo boolean, i2 smallint, i4 integer, i8 bigint, n numeric,"
          + " n2 numeric(10,2), n6 numeric(18,6), f4 real, f8 double precision, t text,"
          + " vc varchar(5), ch char(4), by bytea, d date, ts timestamp, tz timestamptz,"
          + " ts0 timestamp(0), u uuid, j json, jb jsonb, p posint, ta text[], va varchar(3)[]";

  static final List<String> NAMES =
      List.of(
          "bo", "i2", "i4", "i8", "n", "n2", "n6", "f4", "f8", "t", "vc", "ch", "by", "d", "ts",
          "tz", "ts0", "u", "j", "jb", "p", "ta", "va");

  /** Hand-picked boundaries, one row each (NULL where a row has no value for a column). */
  static final List<String> FIXED =
      List.of(
          "true, -32768, -2147483648, -9223372036854775808, 0.000000000000000000000000000001,"
              + " 12345678.90, 123456789012.123456, '-0', 4.9e-324, '', 'abcde', 'ab', ''::bytea,"
              + " '0001-01-01', '0001-01-01 00:00:00', '1970-01-01 00:00:00+00',"
              + " '2024-03-01 10:00:01', '00000000-0000-0000-0000-000000000000', '\"x\"', '[]', 1,"
              + " '{}', '{abc}'",
          "false, 32767, 2147483647, 9223372036854775807,"
              + " 123456789012345678901234567890.123456789012345678901234567890, -0.01, -0.000001,"
              + " 3.4028235e38, 1.7976931348623157e308, E'a\\\\b\\tc\\nd\\re', '', 'abcd',"
              + " '\\x00ff10'::bytea, '4000-01-01 BC', '9999-12-31 23:59:59.999999',"
              + " '2038-01-19 03:14:08.999999-12', '1999-12-31 23:59:59',"
              + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"b\": 1,   \"a\": [1, 2.0e3]}',"
              + " '{\"k\": \"ünï 🙂\"}', 2147483647,"
              + " '{\"a b\",\"\",NULL,\"c\\\\\\\"d\",\"NULL\",\"{x}\",\"ü,🙂\"}', '{NULL,\"\",x}'",
          "NULL, 0, 0, 0, 1e100, 0.00, 0, 1.4e-45, 2.2250738585072014e-308, 'ünïcødé 你好 🙂',"
              + " NULL, NULL, decode(repeat('ab', 5000), 'hex'), '199999-12-31',"
              + " '1000-01-01 00:00:00 BC', '0044-03-15 12:00:00+00 BC', NULL, NULL, 'null',"
              + " 'null', NULL, '{null,Null,\"null\"}', NULL",
          "NULL, NULL, NULL, NULL, -1.50, 99999999.99, -999999999999.999999, 1.1, 0.1, NULL, NULL,"
              + " NULL, NULL, '2000-01-01', '2000-01-01 00:00:00', '2000-01-01 00:00:00+00', NULL,"
              + " NULL, NULL, NULL, NULL, NULL, '{}'");

  /** Table b: its schema, the hand-picked rows (ids 1–4), and 400 random ones (ids 100–499). */
  static void fill(Statement s) throws Exception {
    s.execute("CREATE DOMAIN posint AS integer CHECK (VALUE > 0)");
    s.execute("CREATE TABLE b (" + COLUMNS + ")");
    for (int i = 0; i < FIXED.size(); i++) {
      s.execute("INSERT INTO b VALUES (" + (i + 1) + ", " + FIXED.get(i) + ")");
    }
    for (String row : randomRows(100)) {
      s.execute("INSERT INTO b VALUES (" + row + ")");
    }
  }

  /** Seeded random values of the numeric, time and float columns (400 rows). */
  static List<String> randomRows(int firstId) {
    SplittableRandom r = new SplittableRandom(20261123);
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      StringBuilder digits = new StringBuilder();
      int len = 1 + r.nextInt(40);
      for (int k = 0; k < len; k++) {
        digits.append((char) ('0' + r.nextInt(10)));
      }
      int scale = r.nextInt(Math.min(len, 20) + 1);
      String n =
          (r.nextBoolean() ? "-" : "")
              + digits.substring(0, len - scale)
              + (scale > 0 ? "." + digits.substring(len - scale) : "");
      if (n.startsWith("-.") || n.startsWith(".")) {
        n = n.replace(".", "0.");
      }
      String n2 = String.format(Locale.ROOT, "%.2f", (r.nextLong() % 10_000_000_000L) / 100.0);
      long micros = r.nextLong(-62_135_596_800_000_000L, 253_402_300_799_999_999L);
      String ts = "to_timestamp(" + micros + " / 1000000.0)";
      rows.add(
          (firstId + i)
              + ", "
              + r.nextBoolean()
              + ", "
              + (short) r.nextInt()
              + ", "
              + r.nextInt()
              + ", "
              + r.nextLong()
              + ", "
              + n
              + ", "
              + n2
              + ", round(("
              + r.nextLong() % 1_000_000_000_000_000L
              + ")::numeric / 1000000, 6), "
              + Float.intBitsToFloat(r.nextInt() & 0x7f7fffff)
              + "::real, "
              + Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL)
              + ", 'row "
              + i
              + "', 'v"
              + (i % 1000)
              + "', 'c', decode(md5('"
              + i
              + "'), 'hex'), (DATE '2000-01-01' + "
              + r.nextInt(-700_000, 700_000)
              + "), "
              + ts
              + "::timestamp, "
              + ts
              + ", date_trunc('second', "
              + ts
              + "::timestamp), gen_random_uuid(), '{\"i\": "
              + i
              + "}', '{\"i\": "
              + i
              + "}', "
              + (1 + r.nextInt(1000))
              + ", ARRAY['row "
              + i
              + "', NULL, 'x\"y\\z', '']"
              + ", ARRAY['v"
              + (i % 100)
              + "']");
    }
    return rows;
  }

  @Test
  void everyTypeWithABinaryPathSurvivesExactly() throws Exception {
    String src = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(src);
        Statement s = c.createStatement()) {
      fill(s);
    }
    Path archive = dir.resolve("b.porter");
    porter("export", "--db", src, "-o", archive).expect(0);
    String dst = TestPostgres.newDatabase();
    porter("import", archive, "--db", dst).expect(0);
    try (Connection a = TestPostgres.connect(src);
        Connection b = TestPostgres.connect(dst)) {
      assertEquals(404, PgKit.texts(b, "b", "id").size());
      for (String col : NAMES) {
        assertEquals(PgKit.texts(a, "b", col), PgKit.texts(b, "b", col), col);
      }
    }
  }

  @Test
  void aValueOffTheBinaryPathSendsTheRestOfTheTableThroughText() throws Exception {
    String src = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(src);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE m (id int PRIMARY KEY, tz timestamptz, n numeric, d date, ta text[])");
      // infinity has no binary path here: from row 250 on, the table goes through text; rows after
      // it hold values beyond the binary path's years
      s.execute(
          "INSERT INTO m SELECT g,"
              + " CASE g WHEN 250 THEN 'infinity' WHEN 400 THEN '294276-12-31 23:59:59.999999+00'"
              + " WHEN 450 THEN '4713-01-01 00:00:00+00 BC'"
              + " ELSE timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' END,"
              + " CASE g WHEN 250 THEN 'NaN' ELSE g / 7.0 END,"
              + " CASE g WHEN 250 THEN '-infinity' WHEN 400 THEN '5874897-12-31'"
              + " WHEN 450 THEN '4713-01-01 BC' ELSE DATE '2024-01-01' + g END,"
              + " CASE g WHEN 250 THEN '{{x},{y}}' WHEN 300 THEN '[0:1]={a,b}'"
              + " ELSE ARRAY['t' || g, NULL] END"
              + " FROM generate_series(1, 600) g");
    }
    Path archive = dir.resolve("m.porter");
    porter("export", "--db", src, "-o", archive).expect(0);
    String dst = TestPostgres.newDatabase();
    porter("import", archive, "--db", dst).expect(0);
    try (Connection a = TestPostgres.connect(src);
        Connection b = TestPostgres.connect(dst)) {
      for (String col : List.of("id", "tz", "n", "d", "ta")) {
        assertEquals(PgKit.texts(a, "m", col), PgKit.texts(b, "m", col), col);
      }
      assertEquals(
          List.of("infinity"), PgKit.rows(b, "SELECT tz::text FROM m WHERE id = 250").get(0));
    }
  }

  /**
   * Export reads a table whose every column has a binary decoder in COPY's binary format, and any
   * other table in text: the same rows in two tables, one with an extra interval column (no binary
   * decoder), must give the archive the same values, specials and odd arrays included.
   */
  @Test
  void exportReadsTheSameValuesInBinaryAsInText() throws Exception {
    String src = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(src);
        Statement s = c.createStatement()) {
      fill(s);
      s.execute(
          "INSERT INTO b (id, n, f4, f8, d, ts, tz, ta, va, vc, ch) VALUES"
              + " (1000, 'NaN', 'NaN', 'Infinity', 'infinity', 'infinity', '-infinity',"
              + " '{{a,\"b c\"},{NULL,\"\"}}', '[0:1]={x,y}', 'de ', 'x'),"
              + " (1001, 'Infinity', '-Infinity', '-0', '-infinity', '-infinity', 'infinity',"
              + " '[2:2][-1:0]={{\"{\",\"NuLL\"}}', '{\"a,b\"}', NULL, NULL),"
              + " (1002, '-Infinity', '-0', 'NaN', '5874897-12-31', '294276-12-31 23:59:59.999999',"
              + " '4713-01-01 00:00:00+00 BC', '{\" \",\"\\\\\",\"\\t\"}', NULL, NULL, NULL)");
      s.execute("CREATE TABLE b_text AS SELECT *, NULL::interval AS pad FROM b");
      // more tables than readers: each connection goes on to another table after a binary COPY
      for (int i = 2; i <= 5; i++) {
        s.execute("CREATE TABLE b" + i + " AS SELECT * FROM b WHERE id % " + i + " = 0");
      }
    }
    Path archive = dir.resolve("both.porter");
    porter("export", "--db", src, "-o", archive).expect(0);
    java.util.Map<String, List<Object[]>> tables = new java.util.HashMap<>();
    try (dev.porter.core.archive.ArchiveReader r = dev.porter.formats.PorterArchive.read(archive)) {
      for (var t = r.nextTable(); t != null; t = r.nextTable()) {
        List<Object[]> rows = new ArrayList<>();
        for (Object[] row = t.next(); row != null; row = t.next()) {
          rows.add(row);
        }
        tables.put(t.entry().table().name(), rows);
      }
    }
    assertEquals(6, tables.size());
    assertEquals(204, tables.get("b2").size());
    List<Object[]> binary = tables.get("b");
    List<Object[]> text = tables.get("b_text");
    assertEquals(407, binary.size());
    assertEquals(binary.size(), text.size());
    for (int i = 0; i < binary.size(); i++) {
      Object[] a = binary.get(i);
      Object[] b = text.get(i);
      assertEquals(a.length + 1, b.length);
      for (int k = 0; k < a.length; k++) {
        int row = i;
        int col = k;
        assertTrue(
            java.util.Objects.deepEquals(a[k], b[k]),
            () -> "row " + row + ", column " + col + ": " + show(a[col]) + " vs " + show(b[col]));
        if (a[k] != null) {
          assertEquals(b[k].getClass(), a[k].getClass());
        }
      }
    }
  }

  static String show(Object v) {
    return v instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : String.valueOf(v);
  }

  /** A source of 500 rows (ids in insertion order) and a target whose columns are narrower. */
  Path narrowing(String name, int badRow, String badN, String badS) throws Exception {
    String src = TestPostgres.newDatabase();
    PgKit.sql(
        src,
        "CREATE TABLE t (id bigint PRIMARY KEY, n bigint, s text)",
        "INSERT INTO t SELECT g, CASE WHEN g = "
            + badRow
            + " THEN "
            + badN
            + " ELSE g END, CASE WHEN g = "
            + badRow
            + " THEN '"
            + badS
            + "' ELSE 'ab' END FROM generate_series(1, 500) g");
    Path archive = dir.resolve(name + ".porter");
    porter("export", "--db", src, "-o", archive).expect(0);
    return archive;
  }

  @Test
  void aRefusedValueIsNamedByItsRowOnEitherPath() throws Exception {
    String dst = TestPostgres.newDatabase();
    PgKit.sql(dst, "CREATE TABLE t (id bigint PRIMARY KEY, n integer, s varchar(5))");
    // out of integer's range: the binary path leaves it to text, whose COPY starts at row 300
    PgKit.Run n = porter("import", narrowing("n", 300, "5000000000", "ab"), "--db", dst).expect(3);
    assertTrue(n.err().contains("table t, column n, row 300:"), n.err());
    // too long for varchar(5): PostgreSQL refuses it inside the binary COPY
    PgKit.Run s = porter("import", narrowing("s", 400, "1", "toolong"), "--db", dst).expect(3);
    assertTrue(s.err().contains("table t, column s, row 400:"), s.err());
    assertEquals(0L, PgKit.count(dst, "SELECT count(*) FROM t"));
  }
}
