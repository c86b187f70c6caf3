package dev.porter.cli;

import static dev.porter.cli.AppCli.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.porter.testdata.SqliteCompare;
import dev.porter.testdata.helpdesk.HelpdeskApp;
import dev.porter.testdata.helpdesk.HelpdeskData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code porter upgrade} in a real process, killed with SIGKILL at several moments (after fixed
 * delays, and when its files show it backing up, building the staging database, and half-way
 * through loading it): the database is byte for byte what it was (or, if the kill came after the
 * atomic swap, the complete upgraded database), and a later upgrade succeeds.
 */
class UpgradeKillTest {
  static final int SCALE = 400; // about a second of work per upgrade
  static final String DB = "helpdesk.db";
  static final String STAGING = "." + DB + ".porter-staging";

  @TempDir Path dir;

  /** The killed processes' temporary directory, so that nothing they leave lands in /tmp. */
  @TempDir Path tmp;

  record Trigger(String name, long delayMillis, Predicate<Path> fired) {}

  static boolean exists(Path work, Predicate<String> name) {
    try {
      return AppCli.files(work).stream().anyMatch(name);
    } catch (IOException e) {
      return false;
    }
  }

  static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      return -1;
    }
  }

  static List<Trigger> triggers() {
    return List.of(
        new Trigger("after 300 ms", 300, w -> false),
        new Trigger(
            "while the backup archive is written",
            0,
            w ->
                exists(w, n -> n.startsWith("." + DB + ".pre-upgrade.") && n.endsWith(".partial"))),
        new Trigger("when the staging database appears", 0, w -> Files.exists(w.resolve(STAGING))),
        new Trigger(
            "half-way through loading the staging database",
            0,
            w -> size(w.resolve(STAGING)) > 600_000),
        new Trigger("after 1200 ms", 1200, w -> false));
  }

  Process start(Path db, Path app) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-Djava.io.tmpdir=" + tmp);
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add("dev.porter.cli.Main");
    cmd.add("upgrade");
    cmd.add("--db");
    cmd.add(db.toString());
    cmd.add("--app");
    cmd.add(app.toString());
    cmd.add("--progress");
    cmd.add("never");
    return new ProcessBuilder(cmd)
        .redirectOutput(dir.resolve("upgrade.out").toFile())
        .redirectError(dir.resolve("upgrade.err").toFile())
        .start();
  }

  /** Puts the release-1 database back after a run that got past its swap. */
  static void restore(Path pristine, Path work) throws IOException {
    Files.copy(pristine, work.resolve(DB), StandardCopyOption.REPLACE_EXISTING);
    for (String n : AppCli.files(work)) {
      if (n.startsWith(DB + ".pre-upgrade.") || n.equals("." + DB + ".porter-state")) {
        Files.delete(work.resolve(n));
      }
    }
  }

  @Test
  void aKilledUpgradeLeavesTheDatabaseAsItWasAndALaterOneSucceeds() throws Exception {
    Path app = AppCli.appDir(dir, HelpdeskApp.class);
    Path work = Files.createDirectories(dir.resolve("work"));
    Path db = work.resolve(DB);
    HelpdeskData.createSqlite(db, 1, SCALE, 99);
    Path pristine = dir.resolve("pristine.db");
    Files.copy(db, pristine);
    String original = AppCli.sha256(db);
    // what a complete upgrade gives
    Path refDir = Files.createDirectories(dir.resolve("reference"));
    Path reference = refDir.resolve(DB);
    Files.copy(pristine, reference);
    porter("upgrade", "--db", reference, "--app", app, "--progress", "never").expect(0);

    int killedWhileStaging = 0;
    List<String> outcomes = new ArrayList<>();
    for (Trigger t : triggers()) {
      Process p = start(db, app);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      long fireAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(t.delayMillis());
      boolean fired = false;
      while (p.isAlive() && System.nanoTime() < deadline) {
        if ((t.delayMillis() > 0 && System.nanoTime() >= fireAt) || t.fired().test(work)) {
          fired = true;
          break;
        }
        Thread.sleep(2);
      }
      boolean staging = Files.exists(work.resolve(STAGING));
      boolean killed = p.isAlive();
      if (killed) {
        p.destroyForcibly();
        p.waitFor();
        if (staging) {
          killedWhileStaging++;
        }
      } else {
        assertEquals(
            0, p.exitValue(), t.name() + ": " + Files.readString(dir.resolve("upgrade.err")));
      }
      String now = AppCli.sha256(db);
      if (now.equals(original)) {
        outcomes.add(t.name() + ": " + (killed ? "killed" : "finished?") + ", database unchanged");
        assertEquals("1", AppCli.helpdeskRelease(db));
      } else {
        // the kill came after the atomic swap (or the run finished): the database is complete
        assertNull(SqliteCompare.difference(reference, db), t.name() + ": a partial database");
        outcomes.add(t.name() + ": " + (killed ? "killed" : "finished") + " after the swap");
        restore(pristine, work);
      }
      assertTrue(fired || !killed, t.name());
    }
    assertTrue(
        killedWhileStaging >= 1,
        "at least one kill must hit the upgrade while it builds the staging database: " + outcomes);
    // the backup's spool files and any deferred rows were unlinked as soon as they were opened:
    // nothing of porter's own is left in the killed runs' temporary directory
    TreeSet<String> inTmp = AppCli.files(tmp);
    assertTrue(
        inTmp.stream().allMatch(n -> n.startsWith("sqlite-") && n.contains("libsqlitejdbc")),
        "the killed upgrades left temporary files of porter's own: " + inTmp);

    // with whatever the killed runs left behind, an upgrade succeeds and gives the same database
    porter("upgrade", "--db", db, "--app", app, "--progress", "never").expect(0);
    assertNull(SqliteCompare.difference(reference, db));
    TreeSet<String> left = AppCli.files(work);
    assertTrue(
        left.stream().noneMatch(n -> n.endsWith(".partial") || n.equals(STAGING)),
        "no partial file or staging database is left: " + left);

    // cleanup removes every pre-image and backup archive; only porter's own state remains
    porter("cleanup", "--db", db, "--keep", 0).expect(0);
    assertEquals(
        Set.of(DB, "." + DB + ".porter-lock", "." + DB + ".porter-state"),
        AppCli.files(work),
        "after cleanup --keep 0; outcomes: " + outcomes);
    if (outcomes.isEmpty()) {
      fail("no run");
    }
  }
}
