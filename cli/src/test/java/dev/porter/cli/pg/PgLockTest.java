package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static dev.porter.cli.pg.PgKit.porterIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.app.SchemaVersion;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.DbLock;
import dev.porter.core.postgres.PgDialect;
import dev.porter.testdata.helpdesk.HelpdeskApp;
import dev.porter.testdata.helpdesk.HelpdeskData;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * porter's advisory lock keeps two porters off one PostgreSQL database: while another porter holds
 * it, import, upgrade, rollback and cleanup exit 6 with one line and change nothing; a lock on
 * another database of the same server does not stand in the way.
 */
class PgLockTest {
  @TempDir Path dir;

  @Test
  void aSecondPorterIsRefusedWhileTheLockIsHeld() throws Exception {
    Path app = PgKit.appDir(dir, HelpdeskApp.class);
    String db = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      s.execute(HelpdeskApp.define().ddl(SchemaVersion.of(1), "postgresql"));
      HelpdeskData.fill(c, 1, 1, 5);
    }
    Path archive = dir.resolve("db.porter");
    porter("export", "--db", db, "-o", archive).expect(0);
    Map<String, List<String>> before = PgKit.snapshot(db);

    DbLock held = new PgDialect().lock(DatabaseRef.parse(db));
    try {
      for (List<Object> args :
          List.<List<Object>>of(
              List.of("import", archive, "--db", db, "--mode", "replace"),
              List.of("upgrade", "--db", db, "--app", app),
              List.of("rollback", "--db", db),
              List.of("cleanup", "--db", db, "--keep", 0))) {
        PgKit.Run run = porterIn(dir, args.toArray()).expect(6);
        assertEquals(1, run.errLines().size(), args + ": " + run.err());
        assertTrue(
            run.err().startsWith("porter: database ")
                && run.err().contains("is in use by another porter"),
            args + ": " + run.err());
        assertEquals(before, PgKit.snapshot(db), args + " changed the database");
      }
      // the lock is per database: another database of the same server can be imported into
      String other = TestPostgres.newDatabase();
      porter("import", archive, "--db", other).expect(0);
      assertEquals(
          before.get("public.ticket"), PgKit.snapshot(other).get("public.ticket"), "other db");
    } finally {
      held.close();
    }
    // released: the same import goes through
    porter("import", archive, "--db", db, "--mode", "replace").expect(0);
    assertEquals(before.get("public.ticket"), PgKit.snapshot(db).get("public.ticket"));
  }

  /**
   * A script runs porter commands one after the other: the lock one released must be free for the
   * next at once, though the server ends the first one's session only after its client has gone.
   */
  @Test
  void aReleasedLockIsFreeForTheNextPorterAtOnce() throws Exception {
    String db = TestPostgres.newDatabase();
    DatabaseRef ref = DatabaseRef.parse(db);
    try (Connection next = TestPostgres.connect(db);
        Statement s = next.createStatement()) {
      String key = null;
      for (int i = 0; i < 100; i++) {
        DbLock held = new PgDialect().lock(ref);
        if (key == null) { // the key as the server holds it: classid is its high half
          key =
              PgKit.rows(
                      db,
                      "SELECT ((classid::bigint << 32) | objid::bigint)::text FROM pg_locks"
                          + " WHERE locktype = 'advisory'")
                  .get(0)
                  .get(0);
        }
        held.close();
        try (ResultSet r = s.executeQuery("SELECT pg_try_advisory_lock(" + key + ")")) {
          assertTrue(r.next() && r.getBoolean(1), "still held after its release, round " + i);
        }
        s.execute("SELECT pg_advisory_unlock(" + key + ")");
      }
    }
  }

  @Test
  void theLockDiesWithTheSessionThatHeldIt() throws Exception {
    String db = TestPostgres.newDatabase();
    PgKit.sql(db, "CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1)");
    Path archive = dir.resolve("t.porter");
    porter("export", "--db", db, "-o", archive).expect(0);
    DbLock held = new PgDialect().lock(DatabaseRef.parse(db));
    porter("import", archive, "--db", db, "--mode", "replace").expect(6);
    // the holding session is ended by the server (as when its process is killed)
    PgKit.sql(
        db,
        "SELECT pg_terminate_backend(pid, 10000) FROM pg_locks WHERE locktype = 'advisory'"
            + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
    porter("import", archive, "--db", db, "--mode", "replace").expect(0);
    held.close(); // closing a dead session is harmless
  }
}
