package dev.porter.cli.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.cli.Main;
import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.PorterApp;
import dev.porter.core.app.VersionProbe;
import dev.porter.core.transform.FlowTable;
import dev.porter.transforms.Steps;
import dev.porter.transforms.TableSteps;
import dev.porter.transforms.Transform;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives of one engine into the other, values coerced to the target's column types. */
class CrossEngineTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result porter(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(out), new PrintStream(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  static void ok(String... args) {
    Result r = porter(args);
    assertEquals(0, r.code(), () -> "porter " + String.join(" ", args) + "\n" + r.out() + r.err());
  }

  static long count(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  static String text(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  @Test
  void chinookSqliteIntoAnEmptyPostgresDatabase() throws Exception {
    Path chinook = PgRealDataTest.realdata().resolve("chinook/chinook.db");
    Path archive = dir.resolve("chinook.porter");
    ok("export", "--db", chinook.toString(), "--output", archive.toString());
    String pg = TestPostgres.newDatabase();
    Result r = porter("import", archive.toString(), "--db", pg);
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("values converted"), r.out()); // the report counts coercions
    try (Connection c = TestPostgres.connect(pg)) {
      assertEquals(347, count(c, "SELECT count(*) FROM \"Album\""));
      assertEquals(2240, count(c, "SELECT count(*) FROM \"InvoiceLine\""));
      assertEquals(8715, count(c, "SELECT count(*) FROM \"PlaylistTrack\""));
      assertEquals(
          "numeric(10,2)",
          text(
              c,
              "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '\"Track\"'::regclass AND attname = 'UnitPrice'"));
      assertEquals(
          "0.99", text(c, "SELECT \"UnitPrice\"::text FROM \"Track\" WHERE \"TrackId\" = 1"));
      assertEquals(
          "2021-01-01 00:00:00",
          text(c, "SELECT \"InvoiceDate\"::text FROM \"Invoice\" WHERE \"InvoiceId\" = 1"));
      assertEquals(
          "For Those About To Rock We Salute You",
          text(c, "SELECT \"Title\" FROM \"Album\" WHERE \"AlbumId\" = 1"));
      // the INTEGER PRIMARY KEY became an identity that continues above the loaded ids
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO \"Artist\" (\"Name\") VALUES ('New Artist')");
      }
      assertEquals(276, count(c, "SELECT max(\"ArtistId\") FROM \"Artist\""));
      // foreign keys were carried over
      assertEquals(
          11,
          count(
              c,
              "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace"));
    }
  }

  @Test
  void postgresArchiveIntoSqlite() throws Exception {
    Path pagila = PgRealDataTest.realdata().resolve("pagila");
    String source = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(source)) {
      PsqlScript.run(c, pagila.resolve("pagila-schema.sql"));
      PsqlScript.run(c, pagila.resolve("pagila-data.sql"));
    }
    Path archive = dir.resolve("pagila.porter");
    ok("export", "--db", source, "--output", archive.toString());
    Path db = dir.resolve("pagila.db");
    ok("import", archive.toString(), "--db", db.toString());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      assertEquals(16049, count(c, "SELECT count(*) FROM payment"));
      assertEquals(1000, count(c, "SELECT count(*) FROM film"));
      // values keep their kind: numeric → REAL (exact at 15 digits), booleans → 0/1, timestamps →
      // ISO text
      assertEquals("real", text(c, "SELECT typeof(amount) FROM payment LIMIT 1"));
      assertEquals("67416.51", text(c, "SELECT printf('%.2f', sum(amount)) FROM payment"));
      assertEquals("1", text(c, "SELECT activebool FROM customer WHERE customer_id = 1"));
      assertEquals("text", text(c, "SELECT typeof(last_update) FROM actor LIMIT 1"));
      assertEquals(
          "{\"Deleted Scenes\",\"Behind the Scenes\"}",
          text(c, "SELECT special_features FROM film WHERE film_id = 1"));
      assertEquals("ok", text(c, "PRAGMA integrity_check"));
    }
  }

  @Test
  void aValueThatWouldLoseDataIsRefusedNamingTableColumnAndRowUnlessAllowed() throws Exception {
    Path src = dir.resolve("src.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + src);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE price (id INTEGER PRIMARY KEY, amount DECIMAL(6,2))");
      s.execute("INSERT INTO price VALUES (1, 1.25), (2, 3.14159)");
    }
    Path archive = dir.resolve("a.porter");
    ok("export", "--db", src.toString(), "--output", archive.toString());
    String pg = TestPostgres.newDatabase();
    Result refused = porter("import", archive.toString(), "--db", pg);
    assertEquals(3, refused.code(), refused.err());
    assertTrue(refused.err().contains("table price, column amount, row 2"), refused.err());
    assertTrue(refused.err().contains("--allow-lossy price.amount"), refused.err());
    try (Connection c = TestPostgres.connect(pg)) {
      assertEquals(
          0, count(c, "SELECT count(*) FROM pg_class WHERE relname = 'price'")); // nothing written
    }
    ok("import", archive.toString(), "--db", pg, "--allow-lossy", "price.amount");
    try (Connection c = TestPostgres.connect(pg)) {
      assertEquals("3.14", text(c, "SELECT amount::text FROM price WHERE id = 2"));
    }
  }

  /** Chinook's SQLite data into Chinook's own PostgreSQL schema: PascalCase → snake_case. */
  public static final class ChinookApp implements PorterApp {
    static String pgDdl;

    @Override
    public AppDefinition definition() {
      return AppDefinition.builder("chinook", ChinookApp.class)
          .release(
              "1",
              r ->
                  r.ddl(
                      "sqlite",
                      "CREATE TABLE porter_version (v TEXT); INSERT INTO porter_version VALUES ('1');"))
          .release("2", r -> r.ddl("postgresql", pgDdl))
          .versionProbe("*", VersionProbe.query("SELECT v FROM porter_version"))
          .steps(new SnakeCase())
          .build();
    }
  }

  /** Renames every table and column from PascalCase to snake_case. */
  public static final class SnakeCase extends Transform {
    public SnakeCase() {
      super("1", "2");
    }

    static String snake(String s) {
      return s.replaceAll("([a-z0-9])([A-Z])", "$1_$2")
          .replaceAll("([A-Z]+)([A-Z][a-z])", "$1_$2")
          .toLowerCase(Locale.ROOT);
    }

    @Override
    protected void define(Steps s) {
      for (FlowTable t : s.input().tables()) {
        TableSteps ts = s.table(t.name());
        for (String c : t.columnNames()) {
          ts.renameColumn(c, snake(c));
        }
        s.renameTable(t.name(), snake(t.name()));
      }
    }
  }

  @Test
  void chinookSqliteIntoChinooksPostgresSchemaThroughARenamingStep() throws Exception {
    Path realdata = PgRealDataTest.realdata();
    StringBuilder ddl = new StringBuilder();
    for (String stmt :
        Files.readString(realdata.resolve("chinook/Chinook_PostgreSql.sql")).split(";\\s*\\n")) {
      String t = stmt.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*--.*$", "").trim();
      if (t.matches("(?is)^(CREATE TABLE|ALTER TABLE|CREATE INDEX).*")) {
        ddl.append(t).append(";\n");
      }
    }
    ddl.append("CREATE TABLE porter_version (v TEXT); INSERT INTO porter_version VALUES ('2');");
    ChinookApp.pgDdl = ddl.toString();
    Path appDir = dir.resolve("app");
    Files.createDirectories(appDir.resolve("META-INF/services"));
    Files.writeString(
        appDir.resolve("META-INF/services/dev.porter.core.app.PorterApp"),
        ChinookApp.class.getName() + "\n");
    Path archive = dir.resolve("chinook.porter");
    ok(
        "export",
        "--db",
        realdata.resolve("chinook/chinook.db").toString(),
        "--output",
        archive.toString());
    String pg = TestPostgres.newDatabase();
    ok("import", archive.toString(), "--db", pg, "--app", appDir.toString(), "--from", "1");
    try (Connection c = TestPostgres.connect(pg)) {
      assertEquals(347, count(c, "SELECT count(*) FROM album"));
      assertEquals(2240, count(c, "SELECT count(*) FROM invoice_line"));
      assertEquals(8715, count(c, "SELECT count(*) FROM playlist_track"));
      assertEquals("AC/DC", text(c, "SELECT name FROM artist WHERE artist_id = 1"));
      assertEquals("0.99", text(c, "SELECT unit_price::text FROM track WHERE track_id = 1"));
      // the same data as Chinook's own PostgreSQL load, table by table
      String reference = TestPostgres.newDatabase();
      try (Connection r = TestPostgres.connect(reference)) {
        PsqlScript.run(r, realdata.resolve("chinook/Chinook_PostgreSql.sql"));
      }
      for (String table :
          List.of(
              "album",
              "artist",
              "customer",
              "employee",
              "genre",
              "invoice",
              "invoice_line",
              "media_type",
              "playlist",
              "playlist_track",
              "track")) {
        try (Connection r = TestPostgres.connect(reference)) {
          // Chinook's PostgreSQL script writes strings as N'…' literals, which are char(n): casting
          // them to varchar drops trailing spaces ('Edinburgh ' of customer 54 arrives as
          // 'Edinburgh'), while the SQLite file keeps them and porter carries them. Compare with
          // trailing spaces of each field trimmed; everything else must be identical.
          assertEquals(
              digest(rtrimFields(PgCompare.rows(r, table))),
              digest(rtrimFields(PgCompare.rows(c, table))),
              table);
        }
      }
    }
  }

  private static List<String> rtrimFields(List<String> lines) {
    List<String> out = new java.util.ArrayList<>();
    for (String l : lines) {
      out.add(
          String.join(
              "\t",
              java.util.Arrays.stream(l.split("\t", -1))
                  .map(f -> f.replaceAll(" +$", ""))
                  .toList()));
    }
    out.sort(null);
    return out;
  }

  private static String digest(List<String> lines) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (String l : lines) {
      md.update(l.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      md.update((byte) '\n');
    }
    return HexFormat.of().formatHex(md.digest()) + " (" + lines.size() + " rows)";
  }
}
