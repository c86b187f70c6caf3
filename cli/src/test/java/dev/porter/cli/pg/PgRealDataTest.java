package dev.porter.cli.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real databases nobody here wrote (../shared/realdata): Pagila and Chinook on PostgreSQL. */
class PgRealDataTest {
  @TempDir Path dir;

  static Path realdata() {
    Path p = Path.of(System.getProperty("porter.shared.dir", "../shared")).resolve("realdata");
    if (!Files.isDirectory(p)) {
      String msg =
          "../shared/realdata is absent (" + p.toAbsolutePath() + "): the real-data tests need it";
      if (System.getenv("CI") != null) {
        Assertions.fail(msg);
      }
      org.junit.jupiter.api.Assumptions.abort(msg);
    }
    return p;
  }

  static String run(int expected, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(out), new PrintStream(err), args);
    assertEquals(expected, code, () -> "porter " + String.join(" ", args) + "\n" + out + err);
    return out.toString();
  }

  @Test
  void pagilaIntoAFreshDatabaseCreatedFromItsSchema() throws Exception {
    Path pagila = realdata().resolve("pagila");
    String source = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(source)) {
      PsqlScript.run(c, pagila.resolve("pagila-schema.sql"));
      PsqlScript.run(c, pagila.resolve("pagila-data.sql"));
    }
    Path archive = dir.resolve("pagila.porter");
    run(0, "export", "--db", source, "--output", archive.toString());
    String target = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(target)) {
      PsqlScript.run(c, pagila.resolve("pagila-schema.sql"));
    }
    run(0, "import", archive.toString(), "--db", target);
    assertNull(PgCompare.difference(source, target, "public"));
    try (Connection c = TestPostgres.connect(target);
        Statement s = c.createStatement()) {
      // partitions were filled through their parent
      try (ResultSet r = s.executeQuery("SELECT count(*), sum(amount) FROM payment")) {
        r.next();
        assertEquals(16049, r.getLong(1));
        assertEquals("67416.51", r.getBigDecimal(2).toPlainString());
      }
      try (ResultSet r = s.executeQuery("SELECT count(*) FROM payment_p2022_03")) {
        r.next();
        assertEquals(2713, r.getLong(1));
      }
      // sequences continue above the loaded rows: a new row in every serial table succeeds
      s.execute("INSERT INTO actor (first_name, last_name) VALUES ('NEW', 'ACTOR')");
      s.execute("INSERT INTO category (name) VALUES ('New')");
      s.execute("INSERT INTO language (name) VALUES ('Klingon')");
      s.execute("INSERT INTO country (country) VALUES ('Atlantis')");
      try (ResultSet r = s.executeQuery("SELECT max(actor_id) FROM actor")) {
        r.next();
        assertEquals(201, r.getLong(1));
      }
    }
  }

  @Test
  void pagilaIntoAnEmptyDatabaseRecreatesItsSchema() throws Exception {
    Path pagila = realdata().resolve("pagila");
    String source = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(source)) {
      PsqlScript.run(c, pagila.resolve("pagila-schema.sql"));
      PsqlScript.run(c, pagila.resolve("pagila-data.sql"));
    }
    Path archive = dir.resolve("pagila.porter");
    run(0, "export", "--db", source, "--output", archive.toString());
    String target = TestPostgres.newDatabase();
    String out = run(0, "import", archive.toString(), "--db", target);
    assertNull(PgCompare.difference(source, target, "public"));
    // its functions, aggregate, views, materialized view and triggers come back as they were
    List<String> objects = PgCompare.objects(source, "public");
    assertEquals(objects, PgCompare.objects(target, "public"));
    // pagila-schema.sql creates 9 functions, 1 aggregate, 7 views, 1 materialized view, 15
    // triggers;
    // the restore also sets the privileges of schema public, and the owners of public's objects
    assertEquals(33, objects.size(), objects.toString());
    assertTrue(out.contains("check schema objects     35 of 35 recreated"), out);
    // the script creates it WITH NO DATA, and so does the restore; refreshed, it shows the same
    assertEquals(
        "f",
        PgKit.value(
            target, "SELECT relispopulated FROM pg_class WHERE relname = 'rental_by_category'"));
    PgKit.sql(source, "REFRESH MATERIALIZED VIEW rental_by_category");
    PgKit.sql(target, "REFRESH MATERIALIZED VIEW rental_by_category");
    assertEquals(
        PgKit.rows(source, "SELECT * FROM rental_by_category ORDER BY 1"),
        PgKit.rows(target, "SELECT * FROM rental_by_category ORDER BY 1"));
    assertEquals(
        PgKit.rows(source, "SELECT * FROM actor_info ORDER BY 1"),
        PgKit.rows(target, "SELECT * FROM actor_info ORDER BY 1"));
    // loaded rows fired no trigger: last_update kept the archived values; a new row fires one
    assertEquals(
        PgKit.rows(source, "SELECT actor_id, last_update FROM actor ORDER BY 1"),
        PgKit.rows(target, "SELECT actor_id, last_update FROM actor ORDER BY 1"));
    PgKit.sql(
        target,
        "UPDATE actor SET first_name = 'PENELOPE', last_update = '2000-01-01' WHERE actor_id = 1");
    assertTrue(
        PgKit.value(target, "SELECT last_update > '2020-01-01' FROM actor WHERE actor_id = 1")
            .equals("t"),
        "the last_updated trigger set the time");
  }

  @Test
  void chinookFromBothPostgresScripts() throws Exception {
    Path chinook = realdata().resolve("chinook");
    for (String script : List.of("Chinook_PostgreSql.sql", "Chinook_PostgreSql_SerialPKs.sql")) {
      String source = TestPostgres.newDatabase();
      try (Connection c = TestPostgres.connect(source)) {
        PsqlScript.run(c, chinook.resolve(script));
      }
      Path archive = dir.resolve(script + ".porter");
      run(0, "export", "--db", source, "--output", archive.toString());
      String target = TestPostgres.newDatabase();
      run(0, "import", archive.toString(), "--db", target);
      assertNull(PgCompare.difference(source, target, "public"), script);
      try (Connection c = TestPostgres.connect(target);
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT count(*) FROM invoice_line")) {
        r.next();
        assertEquals(2240, r.getLong(1), script);
      }
    }
  }
}
