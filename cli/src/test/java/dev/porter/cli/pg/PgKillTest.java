package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static dev.porter.cli.pg.PgKit.porterIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.porter.cli.Cli;
import dev.porter.core.app.SchemaVersion;
import dev.porter.testdata.helpdesk.HelpdeskApp;
import dev.porter.testdata.helpdesk.HelpdeskData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real porter process ({@code java -cp <test class path> dev.porter.cli.Main}) importing into, or
 * upgrading, a PostgreSQL database is killed with SIGKILL at several moments found from its own
 * progress output. Every time the database is either exactly as it was (the one transaction never
 * committed) or completely replaced with the old data kept in a pre-image schema (the kill came
 * after COMMIT); and the next import or upgrade succeeds, because porter's advisory lock ended with
 * the killed session.
 */
class PgKillTest {
  @TempDir Path dir;

  /** The killed processes' temporary directory, so that nothing they leave lands in /tmp. */
  @TempDir Path tmp;

  /** When to kill: once {@code marker} appears on stderr (null: at once), then after a delay. */
  record Moment(String name, String marker, long delayMillis) {}

  Process start(Path workDir, Object... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + tmp,
                "-cp",
                cp,
                "dev.porter.cli.Main"));
    for (Object a : args) {
      cmd.add(String.valueOf(a));
    }
    return new ProcessBuilder(cmd)
        .directory(workDir.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  /** Kills the process at the moment; returns whether it was still running then. */
  static boolean killAt(Process p, Moment m) throws Exception {
    if (m.marker() != null) {
      Cli.awaitOnStderr(p, m.marker());
    }
    if (m.delayMillis() > 0) {
      Thread.sleep(m.delayMillis());
    }
    boolean alive = p.isAlive();
    p.destroyForcibly();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    if (!alive) {
      assertEquals(0, p.exitValue(), m.name() + ": porter failed before it was killed");
    }
    return alive;
  }

  /**
   * Waits until the server has ended the killed process's sessions (it notices the closed socket
   * when the session next reads from or writes to it).
   */
  static void awaitSessionsEnded(String db) throws Exception {
    String name = db.substring(db.lastIndexOf('/') + 1, db.indexOf('?'));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (PgKit.count(
            TestPostgres.url("postgres"),
            "SELECT count(*) FROM pg_stat_activity WHERE datname = '"
                + name
                + "' AND application_name = 'porter'")
        > 0) {
      if (System.nanoTime() > deadline) {
        fail("the killed porter's session to " + name + " did not end");
      }
      Thread.sleep(10);
    }
  }

  static List<String> preImageSchemas(String db) throws Exception {
    return PgKit.schemas(db).stream().filter(s -> s.startsWith("porter_pre_")).toList();
  }

  /** The rows of every table of {@code schema}, keyed by table name without the schema. */
  static Map<String, List<String>> tables(String db, String schema) throws Exception {
    Map<String, List<String>> out = new java.util.TreeMap<>();
    try (Connection c = TestPostgres.connect(db)) {
      for (String t : PgCompare.tables(c, schema)) {
        out.put(t.substring(t.indexOf('.') + 1), PgCompare.rows(c, t));
      }
    }
    return out;
  }

  /**
   * Checks a database after a kill: unchanged, or replaced by {@code complete} with its previous
   * public schema kept whole as the one pre-image schema. Returns which.
   */
  static String outcome(
      String db,
      Map<String, List<String>> before,
      Map<String, List<String>> originalPublic,
      String complete,
      String label)
      throws Exception {
    if (PgKit.snapshot(db).equals(before)) {
      assertEquals(List.of(), preImageSchemas(db));
      return "unchanged";
    }
    assertNull(PgCompare.difference(complete, db, "public"), "a replaced database is complete");
    List<String> kept = preImageSchemas(db);
    assertEquals(1, kept.size(), kept.toString());
    assertTrue(kept.get(0).startsWith("porter_" + label + "_"), kept.toString());
    assertEquals(originalPublic, tables(db, kept.get(0)), "the pre-image holds the original");
    return "replaced, original kept as " + kept.get(0);
  }

  @Test
  void aKilledImportLeavesTheDatabaseAsItWasOrCompletelyReplaced() throws Exception {
    String source = TestPostgres.newDatabase();
    PgKit.sql(
        source,
        "CREATE TABLE big (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2), at timestamptz)",
        "INSERT INTO big SELECT i, 'row ' || i || repeat(' padding', 8), i * 1.25,"
            + " '2025-01-01 00:00:00+00'::timestamptz + i * interval '1 second' FROM generate_series(1, 150000) i",
        "CREATE TABLE child (id serial PRIMARY KEY, big_id bigint NOT NULL REFERENCES big)",
        "INSERT INTO child (big_id) SELECT i FROM generate_series(1, 150000, 7) i");
    Path archive = dir.resolve("big.porter");
    porter("export", "--db", source, "-o", archive).expect(0);

    String pristine = TestPostgres.newDatabase();
    PgKit.sql(
        pristine,
        "CREATE TABLE big (id bigint PRIMARY KEY, name text)",
        "INSERT INTO big SELECT i, 'original ' || i FROM generate_series(1, 500) i",
        "CREATE TABLE notes (id serial PRIMARY KEY, body text)",
        "INSERT INTO notes (body) VALUES ('the original database')");
    Map<String, List<String>> before = PgKit.snapshot(pristine);
    Map<String, List<String>> originalPublic = tables(pristine, "public");

    String next = TestPostgres.newDatabase();
    PgKit.sql(next, "CREATE TABLE small (id int PRIMARY KEY)", "INSERT INTO small VALUES (1), (2)");
    Path nextArchive = dir.resolve("next.porter");
    porter("export", "--db", next, "-o", nextArchive).expect(0);

    List<String> outcomes = new ArrayList<>();
    int killedBeforeCommit = 0;
    for (Moment m :
        List.of(
            new Moment("before the JVM is up", null, 0),
            new Moment("while rows load", "0,000 rows |", 0),
            new Moment("while the archive is verified", "verifying the archive", 0),
            new Moment("while indexes are built", "building indexes", 0),
            new Moment("while the target is checked", "checking", 0),
            new Moment("as the swap begins", "swapping", 0),
            new Moment("20 ms into the swap", "swapping", 20))) {
      String db = PgKit.copyOf(pristine);
      Process p =
          start(dir, "import", archive, "--db", db, "--mode", "replace", "--progress", "always");
      boolean killed = killAt(p, m);
      awaitSessionsEnded(db);
      String o = outcome(db, before, originalPublic, source, "pre_import");
      outcomes.add(m.name() + ": " + (killed ? "killed" : "had finished") + ", " + o);
      if (killed && o.equals("unchanged")) {
        killedBeforeCommit++;
      }
      if (m.marker() == null) {
        assertTrue(killed && o.equals("unchanged"), m.name() + ": " + o);
      }
      // the lock died with the killed session: the next import goes through
      porter("import", nextArchive, "--db", db, "--mode", "replace").expect(0);
      assertNull(PgCompare.difference(next, db, "public"), m.name());
    }
    System.out.println("killed imports: " + outcomes);
    assertTrue(killedBeforeCommit >= 2, outcomes.toString());
  }

  @Test
  void aKilledUpgradeLeavesTheDatabaseAsItWasOrCompletelyUpgraded() throws Exception {
    Path app = PgKit.appDir(dir, HelpdeskApp.class);
    String pristine = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(pristine);
        Statement s = c.createStatement()) {
      s.execute(HelpdeskApp.define().ddl(SchemaVersion.of(1), "postgresql"));
      HelpdeskData.fill(c, 1, 60, 99);
    }
    Map<String, List<String>> before = PgKit.snapshot(pristine);
    Map<String, List<String>> originalPublic = tables(pristine, "public");
    String reference = PgKit.copyOf(pristine);
    porterIn(dir, "upgrade", "--db", reference, "--app", app).expect(0);

    List<String> outcomes = new ArrayList<>();
    int killedBeforeCommit = 0;
    int n = 0;
    for (Moment m :
        List.of(
            new Moment("while the backup is written", "backing up to", 0),
            new Moment("while the archive is verified", "verifying the archive", 0),
            new Moment("while the upgraded data is checked", "checking", 0),
            new Moment("as the swap begins", "swapping", 0),
            new Moment("20 ms into the swap", "swapping", 20))) {
      String db = PgKit.copyOf(pristine);
      Path work = Files.createDirectories(dir.resolve("work-" + n++));
      Process p = start(work, "upgrade", "--db", db, "--app", app, "--progress", "always");
      boolean killed = killAt(p, m);
      awaitSessionsEnded(db);
      String o = outcome(db, before, originalPublic, reference, "pre_upgrade");
      if (o.equals("unchanged")) {
        assertEquals("1", PgKit.value(db, "SELECT value FROM app_meta"));
        if (killed) {
          killedBeforeCommit++;
        }
      }
      outcomes.add(
          m.name()
              + ": "
              + (killed ? "killed" : "had finished")
              + ", "
              + o
              + "; files left "
              + PgKit.files(work));
      // the next upgrade goes through and gives the complete upgrade
      if (o.equals("unchanged")) {
        porterIn(work, "upgrade", "--db", db, "--app", app).expect(0);
        assertNull(PgCompare.difference(reference, db, "public"), m.name());
      } else {
        porterIn(work, "upgrade", "--db", db, "--app", app).expect(0); // already at release 4
      }
    }
    System.out.println("killed upgrades: " + outcomes);
    assertTrue(killedBeforeCommit >= 2, outcomes.toString());
  }
}
