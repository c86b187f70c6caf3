package dev.porter.cli.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.cli.Main;
import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.model.ColumnDef;
import dev.porter.formats.PorterArchive;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every PostgreSQL type a real app uses, with boundary values on purpose, through export → archive
 * → import: the value PostgreSQL shows afterwards ({@code ::text} in UTC) must be the value it
 * showed before, and the archive must carry it as the logical type the format spec gives.
 */
class PgTypeRoundTripTest {
  @TempDir Path dir;

  /** One type, its archive logical type, and values written as SQL literals. */
  record Case(String type, String logical, List<String> literals) {}

  static Case c(String type, String logical, String... literals) {
    return new Case(type, logical, List.of(literals));
  }

  static final List<Case> CASES =
      List.of(
          c("boolean", "boolean", "true", "false"),
          c("smallint", "integer", "-32768", "32767", "0"),
          c("integer", "integer", "-2147483648", "2147483647"),
          c("bigint", "integer", "-9223372036854775808", "9223372036854775807"),
          c(
              "numeric",
              "decimal",
              "'NaN'",
              "'Infinity'",
              "'-Infinity'",
              "0.000000000000000000000000000001",
              "123456789012345678901234567890.123456789012345678901234567890",
              "-1.50",
              "1e100",
              "0"),
          c("numeric(10,2)", "decimal", "12345678.90", "-0.01", "0.00", "'NaN'"),
          c(
              "real",
              "real",
              "'NaN'",
              "'Infinity'",
              "'-Infinity'",
              "'-0'",
              "1.17549435e-38",
              "3.4028235e38",
              "1.1",
              "1.4e-45"),
          c(
              "double precision",
              "real",
              "'NaN'",
              "'Infinity'",
              "'-Infinity'",
              "'-0'",
              "4.9e-324",
              "1.7976931348623157e308",
              "0.1",
              "2.2250738585072014e-308"),
          c("money", "decimal", "'-92233720368547758.08'", "'92233720368547758.07'", "'12.34'"),
          c("text", "text", "''", "'a\\b\tc\nd\re'", "'ünïcødé 你好 🙂'", "repeat('x', 100000)"),
          c("varchar(5)", "text", "'abcde'", "''"),
          c("char(4)", "text", "'ab'", "'abcd'"),
          c(
              "bytea",
              "blob",
              "''::bytea",
              "'\\x00ff10'::bytea",
              "decode(repeat('ab', 5000), 'hex')"),
          c(
              "date",
              "date",
              "'infinity'",
              "'-infinity'",
              "'4713-01-01 BC'",
              "'0001-01-01'",
              "'0001-12-31 BC'",
              "'5874897-12-31'",
              "'2024-02-29'"),
          c(
              "timestamp",
              "timestamp",
              "'infinity'",
              "'-infinity'",
              "'4713-01-01 00:00:00 BC'",
              "'294276-12-31 23:59:59.999999'",
              "'2024-03-01 10:00:00.000001'",
              "'1999-12-31 23:59:59.5'"),
          c(
              "timestamptz",
              "timestamptz",
              "'infinity'",
              "'-infinity'",
              "'2024-03-01 10:00:00.123456+05:45'",
              "'0044-03-15 12:00:00+00 BC'",
              "'1970-01-01 00:00:00+00'",
              "'2038-01-19 03:14:08.999999-12'"),
          c("timestamp(0)", "timestamp", "'2024-03-01 10:00:01'"),
          c("time", "pg_text", "'00:00:00'", "'24:00:00'", "'23:59:59.999999'"),
          c("timetz", "pg_text", "'10:00:00+05:45'", "'23:59:59.999999-15:59'"),
          c(
              "interval",
              "pg_text",
              "'1 year 2 mons 3 days 04:05:06.789'",
              "'-178000000 years'",
              "'00:00:00.000001'"),
          c(
              "uuid",
              "uuid",
              "'00000000-0000-0000-0000-000000000000'",
              "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"),
          c(
              "json",
              "json",
              "'{\"b\": 1,   \"a\": [1, 2.0e3, null],\"a\": \"dup\"}'",
              "'\"x\"'",
              "'null'"),
          c(
              "jsonb",
              "json",
              "'{\"b\": 1, \"a\": [1, 2.0e3, null]}'",
              "'[]'",
              "'{\"k\": \"ünï 🙂\"}'"),
          c("inet", "pg_text", "'192.168.0.1/24'", "'::1'", "'2001:db8::ff00:42:8329'"),
          c("cidr", "pg_text", "'10.0.0.0/8'"),
          c("macaddr", "pg_text", "'08:00:2b:01:02:03'"),
          c("bit(4)", "pg_text", "B'1010'"),
          c("varbit", "pg_text", "B''", "B'1111000011110000'"),
          c("tsvector", "pg_text", "'fat:2,4 cat:3 rat:5A'", "''"),
          c("mood", "pg_text", "'sad'", "'very happy'"),
          c("posint", "integer", "1", "2147483647"),
          c("int4range", "pg_text", "'[1,10)'", "'empty'", "'(,5]'"),
          c("tstzrange", "pg_text", "'[2024-01-01 00:00+00,2024-02-01 00:00+00)'"),
          c("integer[]", "pg_text", "'{1,2,NULL}'", "'{{1,2},{3,4}}'", "'[0:2]={7,8,9}'", "'{}'"),
          c("text[]", "pg_text", "'{\"a b\",\"\",NULL,\"c\\\\\\\"d\",\"NULL\"}'", "'{{x},{y}}'"),
          c("numeric[]", "pg_text", "'{1.5,NaN,-0.000}'"),
          c("timestamptz[]", "pg_text", "'{\"2024-01-01 00:00:00+00\",infinity}'"),
          c("mood[]", "pg_text", "'{sad,\"very happy\"}'"),
          c("point", "pg_text", "'(1.5,-2)'"),
          c("xml", "pg_text", "'<a x=\"1\">t</a>'"));

  static String porter(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(out), new PrintStream(err), args);
    assertEquals(0, code, () -> "porter " + String.join(" ", args) + "\n" + out + err);
    return out.toString();
  }

  static void schema(Connection c) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'very happy')");
      s.execute("CREATE DOMAIN posint AS integer CHECK (VALUE > 0)");
    }
  }

  static String col(int i) {
    return "c" + i;
  }

  @Test
  void everyTypeAndBoundaryValueSurvives() throws Exception {
    String src = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(src);
        Statement s = c.createStatement()) {
      schema(c);
      StringBuilder ddl = new StringBuilder("CREATE TABLE v (id int PRIMARY KEY");
      for (int i = 0; i < CASES.size(); i++) {
        ddl.append(", ").append(col(i)).append(' ').append(CASES.get(i).type());
      }
      s.execute(ddl.append(")").toString());
      int rows = CASES.stream().mapToInt(x -> x.literals().size()).max().orElse(0);
      for (int r = 0; r <= rows; r++) {
        StringBuilder ins = new StringBuilder("INSERT INTO v VALUES (" + r);
        for (Case k : CASES) {
          ins.append(", ")
              .append(
                  r < k.literals().size() ? "(" + k.literals().get(r) + ")::" + k.type() : "NULL");
        }
        s.execute(ins.append(")").toString());
      }
    }
    Path archive = dir.resolve("types.porter");
    porter("export", "--db", src, "--output", archive.toString());
    try (ArchiveReader r = PorterArchive.read(archive)) {
      List<ColumnDef> cols = r.header().table("v").table().columns();
      for (int i = 0; i < CASES.size(); i++) {
        assertEquals(
            CASES.get(i).logical(), cols.get(i + 1).logicalType().toString(), CASES.get(i).type());
      }
    }
    String dst = TestPostgres.newDatabase();
    porter("import", archive.toString(), "--db", dst);
    try (Connection a = TestPostgres.connect(src);
        Connection b = TestPostgres.connect(dst)) {
      for (int i = 0; i < CASES.size(); i++) {
        assertEquals(texts(a, col(i)), texts(b, col(i)), CASES.get(i).type());
      }
      assertEquals(
          "numeric(10,2)",
          one(
              b,
              "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'v'::regclass AND attname = 'c5'"));
    }
  }

  static List<String> texts(Connection c, String column) throws Exception {
    return PgKit.texts(c, "v", column);
  }

  static String one(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  /** Property tests: seeded random numerics, timestamps and arrays, 400 rows each. */
  @Test
  void randomNumericsTimestampsAndArraysSurvive() throws Exception {
    SplittableRandom rnd = new SplittableRandom(20261123);
    String src = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(src);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE v (id int PRIMARY KEY, n numeric, n2 numeric(18,6), ts timestamp, tz timestamptz, d date, arr integer[], tarr text[], nums numeric[])");
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO v VALUES (?, ?::numeric, ?::numeric, ?::timestamp, ?::timestamptz, ?::date, ?::integer[], ?::text[], ?::numeric[])")) {
        for (int i = 0; i < 400; i++) {
          ps.setInt(1, i);
          ps.setString(2, randomDecimal(rnd, 60, 40));
          ps.setString(
              3,
              new BigDecimal(
                      BigInteger.valueOf(rnd.nextLong(1_000_000_000_000L))
                          .multiply(BigInteger.valueOf(rnd.nextBoolean() ? 1 : -1)),
                      6)
                  .toPlainString());
          ps.setString(4, randomTimestamp(rnd));
          ps.setString(
              5,
              randomTimestamp(rnd)
                  + String.format(
                      Locale.ROOT, "%+03d:%02d", rnd.nextInt(-12, 15), rnd.nextInt(0, 4) * 15));
          String day = randomTimestamp(rnd).substring(4, 10);
          ps.setString(
              6,
              rnd.nextInt(10) == 0
                  ? String.format(Locale.ROOT, "%04d", 1 + rnd.nextInt(4712)) + day + " BC"
                  : randomTimestamp(rnd).substring(0, 10));
          ps.setString(7, randomIntArray(rnd));
          ps.setString(8, randomTextArray(rnd));
          ps.setString(
              9,
              "{"
                  + randomDecimal(rnd, 20, 10)
                  + ","
                  + (rnd.nextBoolean() ? "NaN" : randomDecimal(rnd, 5, 5))
                  + "}");
          ps.executeUpdate();
        }
      }
    }
    Path archive = dir.resolve("random.porter");
    porter("export", "--db", src, "--output", archive.toString());
    String dst = TestPostgres.newDatabase();
    porter("import", archive.toString(), "--db", dst);
    try (Connection a = TestPostgres.connect(src);
        Connection b = TestPostgres.connect(dst)) {
      for (String column : List.of("n", "n2", "ts", "tz", "d", "arr", "tarr", "nums")) {
        assertEquals(texts(a, column), texts(b, column), column + " (seed 20261123)");
      }
    }
  }

  static String randomDecimal(SplittableRandom rnd, int maxInt, int maxFrac) {
    StringBuilder b = new StringBuilder(rnd.nextBoolean() ? "-" : "");
    int ints = 1 + rnd.nextInt(maxInt);
    for (int i = 0; i < ints; i++) {
      b.append(
          (char) ('0' + rnd.nextInt(i == 0 && ints > 1 ? 9 : 10) + (i == 0 && ints > 1 ? 1 : 0)));
    }
    int frac = rnd.nextInt(maxFrac + 1);
    if (frac > 0) {
      b.append('.');
      for (int i = 0; i < frac; i++) {
        b.append((char) ('0' + rnd.nextInt(10)));
      }
    }
    return b.toString();
  }

  static String randomTimestamp(SplittableRandom rnd) {
    return String.format(
        Locale.ROOT,
        "%04d-%02d-%02d %02d:%02d:%02d.%06d",
        1 + rnd.nextInt(9999),
        1 + rnd.nextInt(12),
        1 + rnd.nextInt(28),
        rnd.nextInt(24),
        rnd.nextInt(60),
        rnd.nextInt(60),
        rnd.nextInt(1_000_000));
  }

  static String randomIntArray(SplittableRandom rnd) {
    int dims = 1 + rnd.nextInt(2);
    int n = rnd.nextInt(4);
    if (n == 0) {
      return "{}";
    }
    StringBuilder b = new StringBuilder();
    if (rnd.nextInt(4) == 0 && dims == 1) {
      int lower = rnd.nextInt(-3, 4);
      b.append('[').append(lower).append(':').append(lower + n - 1).append("]=");
    }
    b.append('{');
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(',');
      }
      if (dims == 2) {
        b.append('{')
            .append(rnd.nextInt())
            .append(',')
            .append(rnd.nextInt(5) == 0 ? "NULL" : rnd.nextInt())
            .append('}');
      } else {
        b.append(rnd.nextInt(5) == 0 ? "NULL" : Integer.toString(rnd.nextInt()));
      }
    }
    return b.append('}').toString();
  }

  static String randomTextArray(SplittableRandom rnd) {
    String[] pool = {
      "a", "b c", "", "NULL", "quo\\\"te", "back\\\\slash", "ünï", "🙂", "{brace}", "com,ma"
    };
    int n = rnd.nextInt(5);
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(',');
      }
      if (rnd.nextInt(6) == 0) {
        b.append("NULL");
      } else {
        b.append('"').append(pool[rnd.nextInt(pool.length)]).append('"');
      }
    }
    return b.append('}').toString();
  }
}
