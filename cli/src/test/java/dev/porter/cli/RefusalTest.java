package dev.porter.cli;

import static dev.porter.cli.AppCli.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.cli.apps.ForgetfulHelpdesk;
import dev.porter.cli.apps.HelpdeskWithAGap;
import dev.porter.cli.apps.HelpdeskWithoutDownSteps;
import dev.porter.testdata.helpdesk.HelpdeskApp;
import dev.porter.testdata.helpdesk.HelpdeskData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports that cannot run are refused before anything is written: exit code 3, one line naming what
 * is missing, the target file byte for byte as it was, and nothing left beside it.
 */
class RefusalTest {
  @TempDir Path dir;
  Path work;
  Path target;
  Path helpdesk;

  @BeforeEach
  void setUp() throws Exception {
    work = Files.createDirectories(dir.resolve("work"));
    helpdesk = AppCli.appDir(dir, HelpdeskApp.class);
    // an existing database the refused imports would replace
    target = work.resolve("target.db");
    HelpdeskData.createSqlite(target, 3, 1, 5);
  }

  Path archive(int release, long seed) throws Exception {
    Path db = dir.resolve("source-" + release + "-" + seed + ".db");
    HelpdeskData.createSqlite(db, release, 1, seed);
    Path a = dir.resolve("release-" + release + "-" + seed + ".porter");
    porter("export", "--db", db, "--app", helpdesk, "-o", a).expect(0);
    return a;
  }

  /** Runs porter, expects a refusal (exit 3) whose message is {@code message}; nothing changed. */
  void assertRefused(String message, Object... args) throws Exception {
    String before = AppCli.sha256(target);
    TreeSet<String> files = AppCli.files(work);
    AppCli.Run run = porter(args).expect(3);
    assertEquals("porter: " + message + "\n", run.err());
    assertEquals(before, AppCli.sha256(target), "the target is unchanged");
    assertEquals(files, AppCli.files(work), "no staging, lock or pre-image left beside the target");
  }

  @Test
  void anAppWithoutAStepIsRefusedWhenLoaded() throws Exception {
    Path gap = AppCli.appDir(dir, HelpdeskWithAGap.class);
    String message = "app helpdesk has a gap: no step from release 2 to 3";
    assertRefused(
        message, "import", archive(1, 1), "--db", target, "--mode", "replace", "--app", gap);
    assertRefused(message, "status", "--db", target, "--app", gap);
    assertRefused(message, "upgrade", "--db", target, "--app", gap);
  }

  @Test
  void anArchiveNewerThanTheTargetWithoutDownStepsIsRefused() throws Exception {
    Path noDown = AppCli.appDir(dir, HelpdeskWithoutDownSteps.class);
    Path r4 = archive(4, 2);
    assertRefused(
        "import refused before writing: archive is at release 4, newer than the target release 3,"
            + " and app helpdesk has no down-step from 4 to 3",
        "import",
        r4,
        "--db",
        target,
        "--mode",
        "replace",
        "--app",
        noDown,
        "--to",
        "3");
    // the sample app has a down-step 4 → 3, but none from 3 to 2
    assertRefused(
        "import refused before writing: archive is at release 4, newer than the target release 2,"
            + " and app helpdesk has no down-step from 3 to 2",
        "import",
        r4,
        "--db",
        target,
        "--mode",
        "replace",
        "--app",
        helpdesk,
        "--to",
        "2");
    // into a file that does not exist: it still does not
    Path fresh = work.resolve("fresh.db");
    assertRefused(
        "import refused before writing: archive is at release 4, newer than the target release 3,"
            + " and app helpdesk has no down-step from 4 to 3",
        "import",
        r4,
        "--db",
        fresh,
        "--app",
        noDown,
        "--to",
        "3");
    assertFalse(Files.exists(fresh));
  }

  @Test
  void anArchiveNewerThanTheAppsNewestReleaseIsRefused() throws Exception {
    Path db = dir.resolve("future.db");
    HelpdeskData.createSqlite(db, 4, 1, 3);
    AppCli.exec(db, "UPDATE app_meta SET value = '5' WHERE key = 'schema_version'");
    Path r5 = dir.resolve("release-5.porter");
    porter("export", "--db", db, "--app", helpdesk, "-o", r5).expect(0);
    assertRefused(
        "import refused before writing: app helpdesk has no release 5 (its releases: 1, 2, 3, 4)",
        "import",
        r5,
        "--db",
        target,
        "--mode",
        "replace",
        "--app",
        helpdesk);
    AppCli.Run plan = porter("plan", r5, "--app", helpdesk, "--json").expect(3);
    assertTrue(plan.out().contains("app helpdesk has no release 5"), plan.out());

    // upgrading a database of the newer release is refused too, the database untouched
    Path future = work.resolve("future.db");
    Files.copy(db, future);
    String sha = AppCli.sha256(future);
    AppCli.Run up = porter("upgrade", "--db", future, "--app", helpdesk).expect(3);
    assertTrue(up.err().contains("release 5"), up.err());
    assertEquals(sha, AppCli.sha256(future));
  }

  @Test
  void aStepThatLeavesANotNullColumnWithoutAValueIsRefusedNamingStepTableAndColumn()
      throws Exception {
    Path forgetful = AppCli.appDir(dir, ForgetfulHelpdesk.class);
    Path r1 = archive(1, 4);
    assertRefused(
        "import refused before writing: step ForgetfulV2ToV3 (2 → 3) leaves table customer,"
            + " column vip (NOT NULL, no default) without a value",
        "import",
        r1,
        "--db",
        target,
        "--mode",
        "replace",
        "--app",
        forgetful,
        "--to",
        "3");
  }

  @Test
  void theMissingColumnIsBlamedOnTheStepThatForgotItNotALaterOne() throws Exception {
    // V3ToV4 carries customer through untouched; the column went missing in ForgetfulV2ToV3
    Path forgetful = AppCli.appDir(dir, ForgetfulHelpdesk.class);
    assertRefused(
        "import refused before writing: step ForgetfulV2ToV3 (2 → 3) leaves table customer,"
            + " column vip (NOT NULL, no default) without a value",
        "import",
        archive(1, 6),
        "--db",
        target,
        "--mode",
        "replace",
        "--app",
        forgetful);
  }

  @Test
  void aRefusedUpgradeLeavesTheDatabaseAsItWas() throws Exception {
    Path forgetful = AppCli.appDir(dir, ForgetfulHelpdesk.class);
    Files.delete(target);
    HelpdeskData.createSqlite(target, 1, 1, 7);
    String sha = AppCli.sha256(target);
    TreeSet<String> files = AppCli.files(work);
    AppCli.Run run = porter("upgrade", "--db", target, "--app", forgetful).expect(3);
    assertTrue(run.err().contains("column vip"), run.err());
    assertEquals(sha, AppCli.sha256(target));
    TreeSet<String> after = AppCli.files(work);
    after.remove(".target.db.porter-lock"); // porter's lock file stays by design
    assertEquals(files, after, "a refused upgrade leaves no backup, staging or pre-image");
    assertEquals("1", AppCli.helpdeskRelease(target));
  }

  @Test
  void aSeedPolicyForATableThatIsNoSeedTableIsRefused() throws Exception {
    assertRefused(
        "import refused before writing: --seed names table ticket, which is not a seed table of"
            + " release 4",
        "import",
        archive(1, 8),
        "--db",
        target,
        "--mode",
        "replace",
        "--app",
        helpdesk,
        "--seed",
        "ticket=merge");
  }
}
