package dev.porter.cli.pg;

import static dev.porter.cli.ReportJson.seedNumbers;
import static dev.porter.cli.pg.PgKit.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porter.core.app.SchemaVersion;
import dev.porter.testdata.helpdesk.HelpdeskApp;
import dev.porter.testdata.helpdesk.HelpdeskData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Imports into a schema the application created itself in an empty PostgreSQL database (its tables
 * exist, its seed tables are filled): porter loads into those tables, seed rows follow the seed
 * policy, and existing user data is never silently skipped or mixed.
 */
class PgExistingSchemaTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Path app;

  @BeforeEach
  void setUp() throws Exception {
    app = PgKit.appDir(dir, HelpdeskApp.class);
  }

  static String ddl(int release) {
    return HelpdeskApp.define().ddl(SchemaVersion.of(release), "postgresql");
  }

  /** An empty database in which the app created its release-4 schema (and a comment of its own). */
  static String appCreatedRelease4() throws Exception {
    String db = TestPostgres.newDatabase();
    PgKit.sql(db, ddl(4), "COMMENT ON TABLE ticket IS 'created by the app'");
    return db;
  }

  /**
   * A release-1 archive of a small database written by hand: status holds the baseline's open,
   * pending, closed, deleted, with pending relabelled 'Waiting on customer', and a user-added
   * 'escalated'; tickets 1 (open), 2 (pending), 3 (deleted).
   */
  Path smallRelease1Archive() throws Exception {
    String db = TestPostgres.newDatabase();
    PgKit.sql(
        db,
        ddl(1),
        "UPDATE status SET label = 'Waiting on customer' WHERE code = 'pending'",
        "INSERT INTO status VALUES ('escalated', 'Escalated')",
        "INSERT INTO country VALUES ('IS', 'Iceland')",
        "INSERT INTO agent VALUES (1, 'Ada Lovelace', 'ada@helpdesk.example', 'admin')",
        "INSERT INTO customer VALUES (1, 'Grace Hopper', NULL, '7 Kay Street', 'Wellington', 'NZ'),"
            + " (2, 'Linus Torvalds', NULL, NULL, NULL, NULL)",
        "INSERT INTO ticket (id, customer_id, agent_id, status, subject, body, tags, created, priority) VALUES"
            + " (1, 1, 1, 'open', 'Cannot log in', 'Hello', 'Billing, urgent', '2025-03-01 10:00:00', 1),"
            + " (2, 2, NULL, 'pending', 'Invoice question', NULL, NULL, '2025-03-02 11:30:00', 2),"
            + " (3, 1, NULL, 'deleted', 'Spam', NULL, 'spam', '2025-03-03 12:00:00', 3)",
        "INSERT INTO session VALUES ('tok1', 1, '2026-01-01 00:00:00')",
        "INSERT INTO audit_log VALUES (1, '2025-06-01 12:00:00', 'agent 1 did something')");
    Path archive = dir.resolve("small-release-1.porter");
    porter("export", "--db", db, "--app", app, "-o", archive).expect(0);
    return archive;
  }

  static List<List<String>> status(String db) throws Exception {
    return PgKit.rows(db, "SELECT code, label FROM status ORDER BY code");
  }

  @ParameterizedTest(name = "status={0}")
  @CsvSource({
    // the baseline's rows stay; the archive's 4 (open, pending, closed, escalated) are skipped
    "skip, 'closed=Closed,open=Open,pending=Pending,resolved=Resolved', 4, 0, 4",
    // the user's 'escalated' is added; the 3 the baseline has keep the baseline's labels
    "merge, 'closed=Closed,escalated=Escalated,open=Open,pending=Pending,resolved=Resolved', 4, 1, 3",
    // exactly the archive's rows: 'resolved' is gone, pending keeps the user's label
    "replace, 'closed=Closed,escalated=Escalated,open=Open,pending=Waiting on customer', 4, 4, 0",
  })
  void anAppImportLoadsIntoTheAppsTablesWithTheSeedPolicy(
      String policy, String expected, long arrived, long written, long skipped) throws Exception {
    Path archive = smallRelease1Archive();
    String db = appCreatedRelease4();
    Path report = dir.resolve("report.json");
    porter(
            "import",
            archive,
            "--db",
            db,
            "--app",
            app,
            "--seed",
            "status=" + policy,
            "--report",
            report)
        .expect(0);
    JsonNode r = JSON.readTree(Files.readString(report));
    assertEquals(List.of(policy, arrived, written, skipped, 4L), seedNumbers(r, "status"));
    assertEquals(List.of("skip", 1L, 0L, 1L, 1L), seedNumbers(r, "app_meta"));
    assertEquals(
        expected,
        String.join(",", status(db).stream().map(row -> row.get(0) + "=" + row.get(1)).toList()));
    // porter loaded into the app's own tables: what the app put there is still there
    assertEquals(
        "created by the app", PgKit.value(db, "SELECT obj_description('ticket'::regclass)"));
    assertEquals("4", PgKit.value(db, "SELECT value FROM app_meta"));
    assertEquals(
        List.of(List.of("1", "open", "high"), List.of("2", "pending", "normal")),
        PgKit.rows(db, "SELECT id, status, priority FROM ticket ORDER BY id"));
    assertEquals(
        List.of(List.of("billing"), List.of("urgent")),
        PgKit.rows(db, "SELECT tag FROM ticket_tag ORDER BY tag"));
  }

  /** A release-4 database with generated data, 'open' relabelled by the user; its archive. */
  String release4Source() throws Exception {
    String db = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      s.execute(ddl(4));
      HelpdeskData.fill(c, 4, 1, 77);
      s.execute("UPDATE status SET label = 'Open now' WHERE code = 'open'");
    }
    return db;
  }

  @Test
  void aPlainRestoreIntoTheAppsSchemaNeedsAPolicyForEachSeededTable() throws Exception {
    String source = release4Source();
    assertTrue(
        PgKit.count(source, "SELECT count(*) FROM ticket WHERE status = 'escalated'") > 0,
        "the generated data must use the user's status for this test to mean anything");
    Path archive = dir.resolve("release-4.porter");
    porter("export", "--db", source, "-o", archive).expect(0);

    String db = appCreatedRelease4();
    Map<String, List<String>> before = PgKit.snapshot(db);
    PgKit.Run refused = porter("import", archive, "--db", db).expect(3);
    assertEquals(1, refused.errLines().size(), refused.err());
    assertTrue(
        refused
            .err()
            .matches(
                "porter: table app_meta of .* already holds 1 rows: name a policy for them with --seed app_meta=skip\\|merge\\|replace, or import into an empty database\\n"),
        refused.err());
    assertEquals(before, PgKit.snapshot(db), "a refused import changes nothing");

    // skip leaves status without the user's 'escalated', which tickets use: the foreign key
    // check fails and nothing changes
    PgKit.Run failed =
        porter(
                "import",
                archive,
                "--db",
                db,
                "--seed",
                "app_meta=skip",
                "--seed",
                "status=skip",
                "--seed",
                "role=skip")
            .expect(5);
    assertTrue(failed.err().contains("foreign key"), failed.err());
    assertEquals(before, PgKit.snapshot(db), "a failed import changes nothing");

    porter(
            "import",
            archive,
            "--db",
            db,
            "--seed",
            "app_meta=skip",
            "--seed",
            "status=merge",
            "--seed",
            "role=skip")
        .expect(0);
    // merge: the baseline's labels stay, the user's status is added
    assertEquals(
        List.of(
            List.of("closed", "Closed"),
            List.of("escalated", "Escalated"),
            List.of("open", "Open"),
            List.of("pending", "Pending"),
            List.of("resolved", "Resolved")),
        status(db));
    assertEquals(
        "created by the app", PgKit.value(db, "SELECT obj_description('ticket'::regclass)"));
    try (Connection a = TestPostgres.connect(source);
        Connection b = TestPostgres.connect(db)) {
      for (String t : List.of("staff", "customer", "address", "ticket", "tag", "ticket_tag")) {
        assertEquals(PgCompare.rows(a, t), PgCompare.rows(b, t), t);
      }
    }

    // replace for every seeded table: exactly the source's rows everywhere
    String db2 = appCreatedRelease4();
    porter(
            "import",
            archive,
            "--db",
            db2,
            "--seed",
            "app_meta=replace",
            "--seed",
            "status=replace",
            "--seed",
            "role=replace")
        .expect(0);
    assertNull(PgCompare.difference(source, db2, "public"));
    assertEquals("Open now", PgKit.value(db2, "SELECT label FROM status WHERE code = 'open'"));
  }

  @Test
  void modeNewIntoTablesHoldingUserDataIsRefused() throws Exception {
    String source = release4Source();
    Path archive = dir.resolve("release-4.porter");
    porter("export", "--db", source, "-o", archive).expect(0);
    Path release1 = smallRelease1Archive();

    // the app's schema with a user's data in it
    String db = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      s.execute(ddl(4));
      HelpdeskData.fill(c, 4, 1, 78);
    }
    Map<String, List<String>> before = PgKit.snapshot(db);

    PgKit.Run plain = porter("import", archive, "--db", db).expect(3);
    assertTrue(plain.err().contains("already holds"), plain.err());
    assertEquals(before, PgKit.snapshot(db));

    // policies for the seed tables do not make the user's tickets seed rows
    PgKit.Run seeded =
        porter(
                "import",
                archive,
                "--db",
                db,
                "--seed",
                "app_meta=skip",
                "--seed",
                "status=merge",
                "--seed",
                "role=skip")
            .expect(3);
    assertTrue(
        seeded.err().matches("porter: table staff of .* already holds 4 rows: .*\\n"),
        seeded.err());
    assertEquals(before, PgKit.snapshot(db));

    PgKit.Run appRun = porter("import", release1, "--db", db, "--app", app).expect(3);
    assertEquals(1, appRun.errLines().size(), appRun.err());
    // staff is the first table of the user's (3 + scale 1 = 4 agents); status, role and app_meta
    // hold rows too, but release 4's baseline fills them
    assertTrue(
        appRun
            .err()
            .matches(
                "porter: table staff of .* already holds 4 rows, and the release's baseline does not fill it; .*\\n"),
        appRun.err());
    assertEquals(before, PgKit.snapshot(db));
  }

  @Test
  void modeNewIntoASchemaWhoseOtherTablesHoldDataIsRefused() throws Exception {
    String source = TestPostgres.newDatabase();
    PgKit.sql(
        source, "CREATE TABLE kv (k text PRIMARY KEY, v text)", "INSERT INTO kv VALUES ('a', 'b')");
    Path archive = dir.resolve("kv.porter");
    porter("export", "--db", source, "-o", archive).expect(0);
    String db = TestPostgres.newDatabase();
    PgKit.sql(
        db,
        "CREATE TABLE notes (id int PRIMARY KEY, body text)",
        "INSERT INTO notes VALUES (1, 'mine')");
    Map<String, List<String>> before = PgKit.snapshot(db);
    PgKit.Run run = porter("import", archive, "--db", db).expect(3);
    assertTrue(
        run.err().matches("porter: table notes of .* already holds 1 rows, .*--mode replace.*\\n"),
        run.err());
    assertEquals(before, PgKit.snapshot(db));
    // an empty table of the user's does not stand in the way
    PgKit.sql(db, "DELETE FROM notes");
    porter("import", archive, "--db", db).expect(0);
    assertEquals("b", PgKit.value(db, "SELECT v FROM kv"));
  }
}
