package dev.porter.cli;

import static dev.porter.cli.AppCli.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rollback puts the pre-upgrade database back byte for byte; cleanup keeps the newest N. */
class RollbackCleanupTest {
  static final String DB = "helpdesk.db";

  @TempDir Path dir;
  Path app;
  Path work;
  Path db;

  @BeforeEach
  void setUp() throws Exception {
    app = AppCli.appDir(dir, HelpdeskApp.class);
    work = Files.createDirectories(dir.resolve("work"));
    db = work.resolve(DB);
    HelpdeskData.createSqlite(db, 2, 1, 31);
  }

  /** The files porter keeps beside the database whose name contains {@code part}. */
  TreeSet<String> kept(String part) throws Exception {
    TreeSet<String> out = new TreeSet<>();
    for (String n : AppCli.files(work)) {
      if (n.startsWith(DB + ".") && n.contains(part)) {
        out.add(n);
      }
    }
    return out;
  }

  @Test
  void upgradeWritesItsBackupIntoTheNamedDirectory() throws Exception {
    Path backups = Files.createDirectories(dir.resolve("backups"));
    AppCli.Run run = porter("upgrade", "--db", db, "--app", app, "--backup-dir", backups).expect(0);
    assertEquals("4", AppCli.helpdeskRelease(db));
    TreeSet<String> there = AppCli.files(backups);
    assertEquals(1, there.size(), there.toString());
    assertTrue(
        there.first().matches("helpdesk\\.db\\.pre-upgrade\\.\\d{8}T\\d{6}Z\\.porter"),
        there.first());
    assertTrue(run.out().contains(backups.resolve(there.first()).toString()), run.out());
    assertEquals(Set.of(), kept(".porter"), "no backup beside the database");
    // the backup is a whole archive of release 2
    porter("verify", backups.resolve(there.first())).expect(0);
  }

  @Test
  void cleanupRemovesTheBackupsInTheNamedDirectoryOnlyWhenAskedAndOnlyThisDatabases()
      throws Exception {
    Path backups = Files.createDirectories(dir.resolve("backups"));
    porter("upgrade", "--db", db, "--app", app, "--backup-dir", backups).expect(0);
    String newest = AppCli.files(backups).first();
    // an older backup of this database, and files that are not its backups
    List<String> others =
        List.of(
            "other.db.pre-upgrade.20200101T000000Z.porter",
            "helpdesk.db.pre-upgrade.20200101T000000Z.porter.partial",
            "helpdesk.db.pre-import.20200101T000000Z.porter");
    for (String n : others) {
      Files.writeString(backups.resolve(n), "not porter's to remove");
    }
    Path older = backups.resolve("helpdesk.db.pre-upgrade.20200101T000000Z.porter");
    Files.writeString(older, "an older backup");

    porter("cleanup", "--db", db, "--keep", "0").expect(0);
    assertTrue(Files.exists(older), "without --backup-dir the directory is not touched");

    AppCli.Run run =
        porter("cleanup", "--db", db, "--keep", "1", "--backup-dir", backups).expect(0);
    assertTrue(run.out().contains("removed " + older), run.out());
    TreeSet<String> left = AppCli.files(backups);
    TreeSet<String> expected = new TreeSet<>(others);
    expected.add(newest);
    assertEquals(expected, left);

    porter("cleanup", "--db", db, "--keep", "0", "--backup-dir", backups).expect(0);
    assertEquals(new TreeSet<>(others), AppCli.files(backups));
    porter("cleanup", "--db", db, "--backup-dir", dir.resolve("no-such-dir")).expect(2);
  }

  @Test
  void upgradeRefusesAMissingBackupDirectoryBeforeTouchingAnything() throws Exception {
    String original = AppCli.sha256(db);
    TreeSet<String> before = AppCli.files(work);
    Path missing = dir.resolve("no-such-dir");
    AppCli.Run run = porter("upgrade", "--db", db, "--app", app, "--backup-dir", missing).expect(2);
    assertTrue(run.err().contains("backup directory " + missing + " does not exist"), run.err());
    assertEquals(original, AppCli.sha256(db));
    assertEquals("2", AppCli.helpdeskRelease(db));
    assertEquals(before, AppCli.files(work));
  }

  @Test
  void rollbackAfterAnUpgradeGivesBackTheByteIdenticalOriginal() throws Exception {
    String original = AppCli.sha256(db);
    porter("upgrade", "--db", db, "--app", app).expect(0);
    assertEquals("4", AppCli.helpdeskRelease(db));
    String upgraded = AppCli.sha256(db);

    AppCli.Run run = porter("rollback", "--db", db).expect(0);
    assertTrue(run.out().startsWith("rolled back " + db), run.out());
    assertEquals(original, AppCli.sha256(db));
    assertEquals("2", AppCli.helpdeskRelease(db));
    // the upgraded database is kept, byte for byte, as the pre-rollback copy
    TreeSet<String> preRollback = kept(".pre-rollback.");
    assertEquals(1, preRollback.size(), preRollback.toString());
    assertEquals(upgraded, AppCli.sha256(work.resolve(preRollback.first())));
    AppCli.Run status = porter("status", "--db", db, "--app", app).expect(0);
    assertTrue(status.out().contains("release        2"), status.out());
  }

  @Test
  void anUpgradeRolledBackCanBeRunAgainInTheSameSecond() throws Exception {
    String original = AppCli.sha256(db);
    upgradeAt("4", "2026-01-01T00:00:00Z");
    porter("rollback", "--db", db).expect(0);
    // the first upgrade's backup archive (stamped 20260101T000000Z) is still there
    upgradeAt("4", "2026-01-01T00:00:00Z");
    assertEquals("4", AppCli.helpdeskRelease(db));
    porter("rollback", "--db", db).expect(0);
    assertEquals(original, AppCli.sha256(db));
    assertEquals(2, kept(".porter").size(), kept(".porter").toString());
  }

  @Test
  void rollbackRefusesWhenTheDatabaseChangedSinceTheUpgradeUnlessForced() throws Exception {
    String original = AppCli.sha256(db);
    porter("upgrade", "--db", db, "--app", app).expect(0);
    AppCli.exec(
        db,
        "INSERT INTO ticket (customer_id, status, subject, body, created, updated, priority)"
            + " VALUES (1, 'open', 'written after the upgrade', '"
            + "x".repeat(20_000)
            + "', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'low')");
    String changed = AppCli.sha256(db);

    AppCli.Run refused = porter("rollback", "--db", db).expect(3);
    assertTrue(refused.err().contains("changed after porter's upgrade"), refused.err());
    assertTrue(refused.err().contains("--force"), refused.err());
    assertEquals(changed, AppCli.sha256(db), "a refused rollback changes nothing");
    assertEquals(Set.of(), kept(".pre-rollback."));

    porter("rollback", "--db", db, "--force").expect(0);
    assertEquals(original, AppCli.sha256(db));
    TreeSet<String> preRollback = kept(".pre-rollback.");
    assertEquals(1, preRollback.size(), preRollback.toString());
    assertEquals(changed, AppCli.sha256(work.resolve(preRollback.first())), "the changes are kept");
  }

  @Test
  void rollbackWithoutAPreviousDatabaseIsRefused() throws Exception {
    String sha = AppCli.sha256(db);
    AppCli.Run run = porter("rollback", "--db", db).expect(3);
    assertEquals(
        "porter: there is no previous database of " + db + " to roll back to\n", run.err());
    assertEquals(sha, AppCli.sha256(db));
  }

  void upgradeAt(String to, String instant) {
    DatabaseRef ref = DatabaseRef.sqliteFile(db);
    Clock clock = Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    ImportOptions options =
        ImportOptions.app(ImportMode.REPLACE, HelpdeskApp.define(), SchemaVersion.of(to))
            .withTarget(new TargetOptions(ImportMode.REPLACE, false, clock, "pre-upgrade"));
    new UpgradeJob(Dialects.forRef(ref), ref, options, ArchiveCodec.load(), Progress.NONE).run();
  }

  @Test
  void cleanupKeepsTheNewestNAndRemovesTheRest() throws Exception {
    Files.delete(db);
    HelpdeskData.createSqlite(db, 1, 1, 32);
    upgradeAt("2", "2026-01-01T00:00:01Z");
    upgradeAt("3", "2026-01-02T00:00:02Z");
    upgradeAt("4", "2026-01-03T00:00:03Z");
    assertEquals(
        Set.of(
            DB + ".pre-upgrade.20260101T000001Z",
            DB + ".pre-upgrade.20260101T000001Z.porter",
            DB + ".pre-upgrade.20260102T000002Z",
            DB + ".pre-upgrade.20260102T000002Z.porter",
            DB + ".pre-upgrade.20260103T000003Z",
            DB + ".pre-upgrade.20260103T000003Z.porter"),
        kept(".pre-upgrade."));

    AppCli.Run run = porter("cleanup", "--db", db, "--keep", 2).expect(0);
    assertEquals(
        Set.of(DB + ".pre-upgrade.20260101T000001Z", DB + ".pre-upgrade.20260101T000001Z.porter"),
        removed(run));
    assertEquals(
        Set.of(
            DB + ".pre-upgrade.20260102T000002Z",
            DB + ".pre-upgrade.20260102T000002Z.porter",
            DB + ".pre-upgrade.20260103T000003Z",
            DB + ".pre-upgrade.20260103T000003Z.porter"),
        kept(".pre-upgrade."));

    run = porter("cleanup", "--db", db, "--keep", 1).expect(0);
    assertEquals(
        Set.of(DB + ".pre-upgrade.20260102T000002Z", DB + ".pre-upgrade.20260102T000002Z.porter"),
        removed(run));
    // the newest pre-image is still there to roll back to: release 3
    porter("rollback", "--db", db).expect(0);
    assertEquals("3", AppCli.helpdeskRelease(db));

    run = porter("cleanup", "--db", db, "--keep", 0).expect(0);
    assertTrue(removed(run).size() >= 2, run.out());
    assertEquals(Set.of(), kept(".pre-"));
    assertEquals(
        Set.of(DB, "." + DB + ".porter-lock", "." + DB + ".porter-state"), AppCli.files(work));
    assertEquals("3", AppCli.helpdeskRelease(db));
  }

  @Test
  void anUpgradeReportsEachCheckOnce() throws Exception {
    AppCli.Run run = porter("upgrade", "--db", db, "--app", app).expect(0);
    List<String> checks =
        run.out().lines().filter(l -> l.startsWith("  check ")).map(l -> l.substring(8)).toList();
    List<String> names = checks.stream().map(l -> l.substring(0, l.indexOf("  "))).toList();
    assertEquals(
        List.of(
            "archive checksums",
            "schema version",
            "row counts",
            "integrity_check",
            "foreign_key_check",
            "file access"),
        names,
        run.out());
  }

  @Test
  void cleanupAlsoClearsWhatAKilledPorterLeft() throws Exception {
    String before = AppCli.sha256(db);
    // an import killed while it loaded: its staging file and a journal beside it
    Path staging = work.resolve("." + DB + ".porter-staging");
    Files.write(staging, new byte[8192]);
    Files.write(work.resolve("." + DB + ".porter-staging-journal"), new byte[512]);
    // an import killed between its swap and its pre-image's final rename: the old database under
    // its partial name
    Files.copy(db, work.resolve("." + DB + ".pre-import.20260105T000000Z.partial"));

    // status shows both, and says what removes them
    String status = porter("status", "--db", db, "--app", app).expect(0).out();
    assertTrue(
        status.contains(
            "left over      "
                + staging
                + " (8.0 KiB): the staging file of an import or upgrade that was killed, unless"
                + " one runs now; porter cleanup removes it"),
        status);
    assertTrue(
        status.contains(
            "left over      "
                + work.resolve("." + DB + ".pre-import.20260105T000000Z.partial")
                + " ("),
        status);

    AppCli.Run run = porter("cleanup", "--db", db, "--keep", 1).expect(0);
    assertEquals(Set.of("." + DB + ".porter-staging"), removed(run), run.out());
    assertFalse(
        porter("status", "--db", db, "--app", app).expect(0).out().contains("left over"),
        "nothing is left over after cleanup");
    assertTrue(run.out().contains("removed 1 file (8.0 KiB)"), run.out());
    // the pre-image got its name, and as the newest it is kept
    assertEquals(Set.of(DB + ".pre-import.20260105T000000Z"), kept(".pre-import."));
    assertEquals(
        Set.of(DB, DB + ".pre-import.20260105T000000Z", "." + DB + ".porter-lock"),
        AppCli.files(work));
    assertEquals(before, AppCli.sha256(db));
  }

  static Set<String> removed(AppCli.Run run) {
    TreeSet<String> out = new TreeSet<>();
    for (String line : run.out().split("\n")) {
      if (line.startsWith("removed /")) {
        out.add(Path.of(line.substring("removed ".length())).getFileName().toString());
      }
    }
    return out;
  }
}
