package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static dev.porter.cli.pg.PgKit.porterIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.app.SchemaVersion;
import dev.porter.core.archive.ArchiveCodec;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.Dialects;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.dialect.TargetOptions;
import dev.porter.core.engine.ImportOptions;
import dev.porter.core.engine.Progress;
import dev.porter.core.engine.UpgradeJob;
import dev.porter.testdata.helpdesk.HelpdeskApp;
import dev.porter.testdata.helpdesk.HelpdeskData;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sample app's upgrades on PostgreSQL give, table by table, what they give on SQLite from the
 * same generated data; a SQLite release-1 archive imports into an empty PostgreSQL database at
 * release 4; plan against PostgreSQL writes nothing; rollback and cleanup of pre-image schemas.
 */
class PgHelpdeskTest {
  static final int SCALE = 3; // 6 agents, 30 customers, 90 tickets
  static final long SEED = 4242;

  @TempDir Path dir;
  Path app;

  @BeforeEach
  void setUp() throws Exception {
    app = PgKit.appDir(dir, HelpdeskApp.class);
  }

  /** A PostgreSQL database at release 1: the release's DDL, then the generated data. */
  static String release1Postgres() throws Exception {
    String url = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(url);
        Statement s = c.createStatement()) {
      s.execute(HelpdeskApp.define().ddl(SchemaVersion.of(1), "postgresql"));
      HelpdeskData.fill(c, 1, SCALE, SEED);
    }
    return url;
  }

  Path release1Sqlite(String name) throws Exception {
    Path db = dir.resolve(name);
    HelpdeskData.createSqlite(db, 1, SCALE, SEED);
    return db;
  }

  static String release(String url) throws Exception {
    return PgKit.value(url, "SELECT value FROM app_meta WHERE key = 'schema_version'");
  }

  static List<String> preImageSchemas(String url) throws Exception {
    return PgKit.schemas(url).stream().filter(s -> s.startsWith("porter_pre_")).toList();
  }

  @ParameterizedTest(name = "to release {0}")
  @ValueSource(strings = {"2", "3", "4"})
  void anUpgradeOnPostgresGivesTheSameTablesAsOnSqlite(String to) throws Exception {
    List<String> toOption = to.equals("4") ? List.of() : List.of("--to", to);
    Path sqlite = release1Sqlite("helpdesk.db");
    porterIn(dir, args("upgrade", "--db", sqlite, "--app", app, toOption)).expect(0);
    String pg = release1Postgres();
    PgKit.Run run = porterIn(dir, args("upgrade", "--db", pg, "--app", app, toOption)).expect(0);
    assertTrue(run.out().contains("from release 1 to " + to), run.out());

    assertEquals(to, release(pg));
    assertNull(PgKit.crossEngineDifference(sqlite, pg));
    // hand-checked facts, independent of the comparison: the deleted status is gone from release
    // 2 on, the user's 'escalated' status is merged (the app's default policy for status)
    List<String> statuses =
        PgKit.rows(pg, "SELECT code FROM status ORDER BY code").stream()
            .map(r -> r.get(0))
            .toList();
    assertEquals(
        to.equals("4")
            ? List.of("closed", "escalated", "open", "pending", "resolved")
            : List.of("closed", "escalated", "open", "pending"),
        statuses);
    assertEquals(0, PgKit.count(pg, "SELECT count(*) FROM ticket WHERE status = 'deleted'"));
    // the previous database is kept as a pre-image schema
    assertEquals(1, preImageSchemas(pg).size(), PgKit.schemas(pg).toString());
    assertTrue(
        preImageSchemas(pg).get(0).matches("porter_pre_upgrade_\\d{8}t\\d{6}z_public"),
        preImageSchemas(pg).toString());
    // the ticket identity continues above the loaded ids
    long max = PgKit.count(pg, "SELECT max(id) FROM ticket");
    String cols =
        to.equals("4")
            ? "(customer_id, status, subject, created, updated, priority) VALUES (1, 'open', 'new', 'x', 'x', 'low')"
            : "(customer_id, status, subject, created, updated) VALUES (1, 'open', 'new', 'x', 'x')";
    assertEquals(
        Long.toString(max + 1), PgKit.value(pg, "INSERT INTO ticket " + cols + " RETURNING id"));
  }

  private static Object[] args(
      Object a, Object b, Object c, Object d, Object e, List<String> more) {
    List<Object> all = new java.util.ArrayList<>(List.of(a, b, c, d, e));
    all.addAll(more);
    return all.toArray();
  }

  @Test
  void anUpgradeWritesItsBackupIntoTheNamedDirectory() throws Exception {
    String pg = release1Postgres();
    Path backups = java.nio.file.Files.createDirectories(dir.resolve("pg-backups"));
    PgKit.Run run = porter("upgrade", "--db", pg, "--app", app, "--backup-dir", backups).expect(0);
    assertEquals("4", release(pg));
    List<Path> there;
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(backups)) {
      there = files.toList();
    }
    assertEquals(1, there.size(), there.toString());
    String name = there.get(0).getFileName().toString();
    String database = pg.replaceFirst("^.*/([^/?]+)\\?.*$", "$1");
    assertTrue(name.matches(database + "\\.pre-upgrade\\.\\d{8}T\\d{6}Z\\.porter"), name);
    assertTrue(run.out().contains(name), run.out());
    porter("verify", there.get(0)).expect(0);
  }

  @Test
  void anUpgradeLeavesLargeObjectsWhereTheyAre() throws Exception {
    String pg = release1Postgres();
    PgKit.sql(pg, "SELECT lo_from_bytea(424242, 'kept by the upgrade'::bytea)");
    // the upgrade's backup leaves them out, and the upgrade leaves them in place
    Path backups = java.nio.file.Files.createDirectories(dir.resolve("lo-backups"));
    porter("upgrade", "--db", pg, "--app", app, "--backup-dir", backups).expect(0);
    assertEquals("4", release(pg));
    assertEquals(
        "kept by the upgrade", PgKit.value(pg, "SELECT convert_from(lo_get(424242), 'UTF8')"));
  }

  @Test
  void anAppImportCarriesLargeObjectsPastTheChain() throws Exception {
    String pg = release1Postgres();
    PgKit.sql(pg, "SELECT lo_from_bytea(424243, 'through the chain'::bytea)");
    Path archive = dir.resolve("r1-lo.porter");
    porter("export", "--db", pg, "--app", app, "-o", archive).expect(0);
    String fresh = TestPostgres.newDatabase();
    PgKit.Run run = porter("import", archive, "--db", fresh, "--app", app).expect(0);
    assertEquals("4", release(fresh));
    assertTrue(
        run.out().contains("check large objects      1 created, 0 already there"), run.out());
    assertEquals(
        "through the chain", PgKit.value(fresh, "SELECT convert_from(lo_get(424243), 'UTF8')"));
    // into SQLite they have nowhere to go, and the report says so
    PgKit.Run sqlite =
        porter("import", archive, "--db", dir.resolve("lo.db"), "--app", app).expect(0);
    assertTrue(
        sqlite
            .out()
            .contains("not migrated: PostgreSQL's large objects, which SQLite has no place for"),
        sqlite.out());
  }

  @Test
  void aSqliteReleaseOneArchiveImportsIntoAnEmptyPostgresDatabaseAtReleaseFour() throws Exception {
    Path source = release1Sqlite("source.db");
    Path archive = dir.resolve("release-1.porter");
    porter("export", "--db", source, "--app", app, "-o", archive).expect(0);
    String pg = TestPostgres.newDatabase();
    PgKit.Run run = porter("import", archive, "--db", pg, "--app", app).expect(0);
    assertTrue(run.out().contains("release 1 → 4"), run.out());
    assertEquals("4", release(pg));

    Path reference = release1Sqlite("reference.db");
    porterIn(dir, "upgrade", "--db", reference, "--app", app).expect(0);
    assertNull(PgKit.crossEngineDifference(reference, pg));
  }

  @Test
  void anAppImportInReplaceModeReplacesADatabaseAtAnOlderRelease() throws Exception {
    Path source = release1Sqlite("source.db");
    Path archive = dir.resolve("release-1.porter");
    porter("export", "--db", source, "--app", app, "-o", archive).expect(0);
    String pg = release1Postgres();
    String before = PgKit.copyOf(pg);
    porter("import", archive, "--db", pg, "--app", app, "--mode", "replace").expect(0);
    assertEquals("4", release(pg));
    Path reference = release1Sqlite("reference.db");
    porterIn(dir, "upgrade", "--db", reference, "--app", app).expect(0);
    assertNull(PgKit.crossEngineDifference(reference, pg));
    // the release-1 database is kept as the pre-import schema
    List<String> kept = preImageSchemas(pg);
    assertEquals(1, kept.size(), kept.toString());
    assertTrue(kept.get(0).matches("porter_pre_import_\\d{8}t\\d{6}z_public"), kept.toString());
    try (Connection a = TestPostgres.connect(before);
        Connection b = TestPostgres.connect(pg)) {
      for (String t : PgCompare.tables(a, "public")) {
        String table = t.substring("public.".length());
        assertEquals(PgCompare.rows(a, t), PgCompare.rows(b, kept.get(0) + "." + table), t);
      }
    }
  }

  @Test
  void planAgainstPostgresWritesNothing() throws Exception {
    Path source = release1Sqlite("source.db");
    Path archive = dir.resolve("release-1.porter");
    porter("export", "--db", source, "--app", app, "-o", archive).expect(0);
    String pg = TestPostgres.newDatabase();
    PgKit.Run run = porter("plan", archive, "--app", app, "--db", pg).expect(0);
    assertTrue(run.out().contains("plan: app helpdesk, release 1 → 4"), run.out());
    // the baseline's row counts come from release 4's PostgreSQL DDL, run and rolled back there
    assertTrue(
        run.out()
            .matches(
                "(?s).*\\n    status +from status; seed table \\(4 baseline rows\\), policy merge\\n.*"),
        run.out());
    assertTrue(run.out().contains("no refusals"), run.out());
    assertEquals(List.of("public"), PgKit.schemas(pg));
    assertEquals(
        0,
        PgKit.count(
            pg,
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"));
  }

  @Test
  void rollbackAfterAnUpgradeRestoresTheData() throws Exception {
    String pg = release1Postgres();
    String before = PgKit.copyOf(pg);
    porterIn(dir, "upgrade", "--db", pg, "--app", app).expect(0);
    assertEquals("4", release(pg));
    String preImage = preImageSchemas(pg).get(0);

    PgKit.Run run = porter("rollback", "--db", pg).expect(0);
    assertTrue(run.out().startsWith("rolled back "), run.out());
    assertEquals("1", release(pg));
    assertNull(PgCompare.difference(before, pg, "public"));
    // the upgraded data is kept as the pre-rollback schema; the pre-upgrade schema is public again
    List<String> kept = preImageSchemas(pg);
    assertEquals(1, kept.size(), kept.toString());
    assertTrue(kept.get(0).matches("porter_pre_rollback_\\d{8}t\\d{6}z_public"), kept.toString());
    assertTrue(!kept.contains(preImage));
    assertEquals(
        "4",
        PgKit.value(
            pg, "SELECT value FROM " + kept.get(0) + ".app_meta WHERE key = 'schema_version'"));
  }

  @Test
  void rollbackRefusesAfterAWriteUnlessForced() throws Exception {
    String pg = release1Postgres();
    String before = PgKit.copyOf(pg);
    porterIn(dir, "upgrade", "--db", pg, "--app", app).expect(0);
    PgKit.sql(pg, "UPDATE customer SET name = 'written after the upgrade' WHERE id = 1");
    var changed = PgKit.snapshot(pg);

    PgKit.Run refused = porter("rollback", "--db", pg).expect(3);
    assertEquals(1, refused.errLines().size(), refused.err());
    assertTrue(refused.err().contains("changed after porter's upgrade"), refused.err());
    assertTrue(refused.err().contains("--force"), refused.err());
    assertEquals(changed, PgKit.snapshot(pg), "a refused rollback changes nothing");

    porter("rollback", "--db", pg, "--force").expect(0);
    assertEquals("1", release(pg));
    assertNull(PgCompare.difference(before, pg, "public"));
    List<String> kept = preImageSchemas(pg);
    assertEquals(1, kept.size(), kept.toString());
    assertEquals(
        "written after the upgrade",
        PgKit.value(pg, "SELECT name FROM " + kept.get(0) + ".customer WHERE id = 1"),
        "the change is kept in the pre-rollback schema");
  }

  @Test
  void rollbackRefusesAfterASchemaChangeThatTouchedNoRow() throws Exception {
    String pg = release1Postgres();
    porterIn(dir, "upgrade", "--db", pg, "--app", app).expect(0);
    // an untouched database rolls back; these checks run on copies of it
    String indexed = PgKit.copyOf(pg);
    String columned = PgKit.copyOf(pg);
    porter("rollback", "--db", pg).expect(0);
    PgKit.sql(indexed, "CREATE INDEX customer_name ON customer (name)");
    PgKit.sql(columned, "ALTER TABLE tag ADD COLUMN colour text");
    for (String db : List.of(indexed, columned)) {
      PgKit.Run refused = porter("rollback", "--db", db).expect(3);
      assertTrue(refused.err().contains("changed after porter's upgrade"), refused.err());
    }
    porter("rollback", "--db", columned, "--force").expect(0);
    assertEquals("1", release(columned));
  }

  @Test
  void rollbackRefusesAfterAnInsertIntoAnotherTable() throws Exception {
    String pg = release1Postgres();
    porterIn(dir, "upgrade", "--db", pg, "--app", app).expect(0);
    PgKit.sql(pg, "INSERT INTO tag (name) VALUES ('written after the upgrade')");
    var changed = PgKit.snapshot(pg);
    porter("rollback", "--db", pg).expect(3);
    assertEquals(changed, PgKit.snapshot(pg));
  }

  void upgradeAt(String url, String to, String instant) {
    DatabaseRef ref = DatabaseRef.parse(url);
    Clock clock = Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    ImportOptions options =
        ImportOptions.app(ImportMode.REPLACE, HelpdeskApp.define(), SchemaVersion.of(to))
            .withTarget(new TargetOptions(ImportMode.REPLACE, false, clock, "pre-upgrade"));
    String old = System.getProperty("user.dir");
    System.setProperty("user.dir", dir.toString());
    try {
      new UpgradeJob(Dialects.forRef(ref), ref, options, ArchiveCodec.load(), Progress.NONE).run();
    } finally {
      System.setProperty("user.dir", old);
    }
  }

  static List<String> removed(PgKit.Run run) {
    return run.out()
        .lines()
        .filter(l -> l.startsWith("removed porter_"))
        .map(l -> l.substring("removed ".length()))
        .sorted()
        .toList();
  }

  @Test
  void cleanupKeepsTheNewestNPreImageSchemas() throws Exception {
    String pg = release1Postgres();
    upgradeAt(pg, "2", "2026-01-01T00:00:01Z");
    upgradeAt(pg, "3", "2026-01-02T00:00:02Z");
    upgradeAt(pg, "4", "2026-01-03T00:00:03Z");
    assertEquals("4", release(pg));
    assertEquals(
        List.of(
            "porter_pre_upgrade_20260101t000001z_public",
            "porter_pre_upgrade_20260102t000002z_public",
            "porter_pre_upgrade_20260103t000003z_public"),
        preImageSchemas(pg));
    assertEquals(
        "1",
        PgKit.value(
            pg,
            "SELECT value FROM porter_pre_upgrade_20260101t000001z_public.app_meta WHERE key = 'schema_version'"));

    PgKit.Run run = porter("cleanup", "--db", pg, "--keep", 2).expect(0);
    assertEquals(List.of("porter_pre_upgrade_20260101t000001z_public"), removed(run));
    assertEquals(
        List.of(
            "porter_pre_upgrade_20260102t000002z_public",
            "porter_pre_upgrade_20260103t000003z_public"),
        preImageSchemas(pg));

    run = porter("cleanup", "--db", pg, "--keep", 1).expect(0);
    assertEquals(List.of("porter_pre_upgrade_20260102t000002z_public"), removed(run));
    // the newest pre-image is still there to roll back to: release 3
    porter("rollback", "--db", pg).expect(0);
    assertEquals("3", release(pg));

    run = porter("cleanup", "--db", pg, "--keep", 0).expect(0);
    assertEquals(1, removed(run).size(), run.out()); // the pre-rollback schema (release 4)
    assertEquals(List.of(), preImageSchemas(pg));
    assertEquals(List.of("porter_state", "public"), PgKit.schemas(pg));
    assertEquals("3", release(pg));
  }

  @Test
  void twoUpgradesInTheSameSecondKeepBothPreImages() throws Exception {
    String pg = release1Postgres();
    upgradeAt(pg, "2", "2026-01-01T00:00:00Z");
    upgradeAt(pg, "3", "2026-01-01T00:00:00Z");
    assertEquals("3", release(pg));
    assertEquals(2, preImageSchemas(pg).size(), preImageSchemas(pg).toString());
    // the newest pre-image is the release-2 database
    porter("rollback", "--db", pg).expect(0);
    assertEquals("2", release(pg));
  }
}
