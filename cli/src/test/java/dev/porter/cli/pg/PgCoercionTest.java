package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.PorterApp;
import dev.porter.core.app.VersionProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values coerced across engines to the target column's declared type: SQLite's 0/1 into a
 * PostgreSQL boolean, text into uuid, jsonb and timestamptz, REAL into integer, each counted in the
 * report; a value that cannot be carried exactly is refused (exit 3) naming table, column and row,
 * with the target unchanged, unless {@code --allow-lossy} names the column (where a lossy form
 * exists at all).
 */
class PgCoercionTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** An app whose one release declares the table with SQLite's types and PostgreSQL's. */
  public static final class FlagsApp implements PorterApp {
    @Override
    public AppDefinition definition() {
      return AppDefinition.builder("flags", FlagsApp.class)
          .engines("sqlite", "postgresql")
          .versionProbe("*", VersionProbe.query("SELECT v FROM app_meta"))
          .release(
              "1",
              r ->
                  r.ddl(
                          "sqlite",
                          "CREATE TABLE app_meta (v TEXT); INSERT INTO app_meta VALUES ('1');"
                              + " CREATE TABLE flags (id INTEGER PRIMARY KEY, active INTEGER NOT NULL,"
                              + " uid TEXT, doc TEXT, at TEXT, qty REAL);")
                      .ddl(
                          "postgresql",
                          "CREATE TABLE app_meta (v text); INSERT INTO app_meta VALUES ('1');"
                              + " CREATE TABLE flags (id bigint PRIMARY KEY, active boolean NOT NULL,"
                              + " uid uuid, doc jsonb, at timestamptz, qty integer);")
                      .seedTables("app_meta"))
          .build();
    }
  }

  @TempDir Path dir;
  Path app;

  @BeforeEach
  void setUp() throws Exception {
    app = PgKit.appDir(dir, FlagsApp.class);
  }

  static final String ROW_1 =
      "(1, 1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"b\": 2,   \"a\": [1, 2]}',"
          + " '2024-03-01 10:00:00', 2.0)";
  static final String ROW_2 =
      "(2, 0, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12', '[]', '2024-03-01T23:30:00+05:30', 3)";
  static final String ROW_3 = "(3, 1, NULL, NULL, NULL, NULL)";

  /** A release-1 SQLite database of the app with the given rows, and its archive. */
  Path archiveOf(String name, String... rows) throws Exception {
    Path db = dir.resolve(name + ".db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.executeUpdate(
          new FlagsApp().definition().ddl(dev.porter.core.app.SchemaVersion.of(1), "sqlite"));
      s.executeUpdate("INSERT INTO flags VALUES " + String.join(", ", rows));
    }
    Path archive = dir.resolve(name + ".porter");
    porter("export", "--db", db, "--app", app, "-o", archive).expect(0);
    return archive;
  }

  static Map<String, Long> coercions(Path report, String table) throws Exception {
    for (JsonNode t : JSON.readTree(Files.readString(report)).get("tables")) {
      if (t.get("table").asText().equals(table)) {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : t.get("coercions").properties()) {
          out.put(e.getKey(), e.getValue().asLong());
        }
        return out;
      }
    }
    throw new AssertionError("no table " + table + " in the report");
  }

  @Test
  void sqliteValuesTakeThePostgresColumnsTypesAndTheReportCountsThem() throws Exception {
    Path archive = archiveOf("clean", ROW_1, ROW_2, ROW_3);
    String pg = TestPostgres.newDatabase();
    Path report = dir.resolve("report.json");
    porter("import", archive, "--db", pg, "--app", app, "--report", report).expect(0);
    assertEquals(
        List.of(
            // 1/0 became booleans; the uuid text was parsed (upper case becomes lower case); the
            // jsonb is PostgreSQL's normal form; a timestamp without an offset is UTC (not the
            // server's Pacific/Chatham); REAL 2.0 and 3.0 became integers
            List.of(
                "1",
                "true",
                "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                "{\"a\": [1, 2], \"b\": 2}",
                "2024-03-01 10:00:00",
                "2"),
            List.of(
                "2",
                "false",
                "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12",
                "[]",
                "2024-03-01 18:00:00",
                "3"),
            java.util.Arrays.asList("3", "true", null, null, null, null)),
        PgKit.rows(
            pg,
            "SELECT id, active::text, uid::text, doc::text,"
                + " to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), qty::text FROM flags ORDER BY id"));
    assertEquals(
        "boolean,uuid,jsonb,timestamp with time zone,integer",
        PgKit.value(
            pg,
            "SELECT string_agg(format_type(atttypid, atttypmod), ',' ORDER BY attnum) FROM pg_attribute"
                + " WHERE attrelid = 'flags'::regclass AND attnum > 1"));
    Map<String, Long> counts = coercions(report, "flags");
    assertEquals(3L, counts.get("integer→boolean"), counts.toString());
    assertEquals(2L, counts.get("text→uuid"), counts.toString());
    assertEquals(2L, counts.get("text→timestamptz"), counts.toString());
    assertEquals(2L, counts.get("real→integer"), counts.toString());
  }

  /** The target database holds nothing at all: no table, no schema but public. */
  static void assertEmpty(String pg) throws Exception {
    assertEquals(List.of("public"), PgKit.schemas(pg));
    assertEquals(
        0,
        PgKit.count(
            pg, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"));
  }

  @Test
  void textThatIsNoUuidIsRefusedNamingTableColumnAndRowEvenWithAllowLossy() throws Exception {
    Path archive = archiveOf("bad-uuid", ROW_1, ROW_2, ROW_3, "(4, 0, 'abc', NULL, NULL, NULL)");
    String pg = TestPostgres.newDatabase();
    for (List<String> extra : List.of(List.<String>of(), List.of("--allow-lossy", "flags.uid"))) {
      List<Object> args = new ArrayList<>(List.of("import", archive, "--db", pg, "--app", app));
      args.addAll(extra);
      PgKit.Run run = porter(args.toArray()).expect(3);
      assertEquals(1, run.errLines().size(), run.err());
      assertTrue(run.err().contains("table flags, column uid, row 4"), run.err());
      assertTrue(run.err().contains("\"abc\""), run.err());
      assertEmpty(pg);
    }
  }

  @Test
  void aRealWithAFractionIsRefusedForAnIntegerColumnUnlessAllowedLossy() throws Exception {
    Path archive = archiveOf("fraction", ROW_1, ROW_2, ROW_3, "(4, 0, NULL, NULL, NULL, 1.5)");
    String pg = TestPostgres.newDatabase();
    PgKit.Run run = porter("import", archive, "--db", pg, "--app", app).expect(3);
    assertEquals(1, run.errLines().size(), run.err());
    assertTrue(run.err().contains("table flags, column qty, row 4 (id=4)"), run.err());
    assertTrue(run.err().contains("1.5 is not an integer"), run.err());
    assertTrue(run.err().contains("--allow-lossy flags.qty"), run.err());
    assertEmpty(pg);

    Path report = dir.resolve("lossy.json");
    porter(
            "import",
            archive,
            "--db",
            pg,
            "--app",
            app,
            "--allow-lossy",
            "flags.qty",
            "--report",
            report)
        .expect(0);
    assertEquals("2", PgKit.value(pg, "SELECT qty FROM flags WHERE id = 4")); // 1.5 rounded
    Map<String, Long> counts = coercions(report, "flags");
    assertEquals(1L, counts.get("real→integer (rounded)"), counts.toString());
    assertEquals(2L, counts.get("real→integer"), counts.toString());
  }

  /** A PostgreSQL table of numerics at and beyond what SQLite holds exactly; its archive. */
  Path numerics(String... values) throws Exception {
    String pg = TestPostgres.newDatabase();
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      rows.add("(" + (i + 1) + ", " + values[i] + ")");
    }
    PgKit.sql(
        pg,
        "CREATE TABLE big (id int PRIMARY KEY, n numeric)",
        "INSERT INTO big VALUES " + String.join(", ", rows));
    Path archive = dir.resolve("big-" + values.length + ".porter");
    porter("export", "--db", pg, "-o", archive).expect(0);
    return archive;
  }

  @Test
  void aTwentyDigitDecimalIsRefusedBySqliteUnlessAllowedLossy() throws Exception {
    Path archive = numerics("1.25", "12345678901234567890");
    Path db = dir.resolve("big.db");
    PgKit.Run run = porter("import", archive, "--db", db).expect(3);
    assertEquals(1, run.errLines().size(), run.err());
    assertTrue(run.err().contains("table big, column n, row 2"), run.err());
    assertTrue(run.err().contains("12345678901234567890"), run.err());
    assertTrue(run.err().contains("--allow-lossy big.n"), run.err());
    assertFalse(Files.exists(db), "the target was not created");
    try (var files = Files.list(dir)) {
      List<String> left =
          files
              .map(f -> f.getFileName().toString())
              .filter(f -> f.contains("big.db") && !f.endsWith(".porter-lock"))
              .toList();
      assertEquals(List.of(), left, "nothing is left beside the target");
    }

    porter("import", archive, "--db", db, "--allow-lossy", "big.n").expect(0);
    assertEquals(
        List.of(List.of("real", 1.25), List.of("real", 1.2345678901234567E19)),
        PgKit.sqliteRows(db, "SELECT typeof(n), n FROM big ORDER BY id"));
  }

  @Test
  void integersOfNineteenDigitsFitSqlitesIntegersExactly() throws Exception {
    Path archive = numerics("9223372036854775807", "-9223372036854775808", "1000000000000000000");
    Path db = dir.resolve("wide.db");
    porter("import", archive, "--db", db).expect(0);
    assertEquals(
        List.of(
            List.of("integer", Long.MAX_VALUE),
            List.of("integer", Long.MIN_VALUE),
            List.of("integer", 1_000_000_000_000_000_000L)),
        PgKit.sqliteRows(db, "SELECT typeof(n), n FROM big ORDER BY id"));
  }
}
