package dev.porter.cli;

import static dev.porter.cli.AppCli.porter;
import static dev.porter.cli.AppCli.query;
import static dev.porter.cli.ReportJson.seedNumbers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porter.testdata.helpdesk.HelpdeskApp;
import dev.porter.testdata.helpdesk.HelpdeskData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed-table policies on the status table, which the release-4 baseline fills (open, pending,
 * resolved, closed) and to which the archive's user added 'escalated' (and relabelled 'pending').
 * The archive's status rows after V1ToV2's filter are open, pending, closed, escalated.
 */
class SeedPolicyTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Path app;

  @BeforeEach
  void setUp() throws Exception {
    app = AppCli.appDir(dir, HelpdeskApp.class);
  }

  JsonNode importWith(Path archive, Path db, String... seed) throws Exception {
    Path report = dir.resolve(db.getFileName() + ".json");
    Object[] args = new Object[8 + 2 * seed.length];
    int i = 0;
    for (Object a :
        new Object[] {"import", archive, "--db", db, "--app", app, "--report", report}) {
      args[i++] = a;
    }
    for (String s : seed) {
      args[i++] = "--seed";
      args[i++] = s;
    }
    porter(args).expect(0);
    JsonNode r = JSON.readTree(Files.readString(report));
    // app_meta is a seed table under skip in every case: its row stays the baseline's
    assertEquals(List.of("skip", 1L, 0L, 1L, 1L), seedNumbers(r, "app_meta"));
    assertEquals("4", AppCli.helpdeskRelease(db));
    return r;
  }

  static List<List<Object>> status(Path db) throws Exception {
    return query(db, "SELECT code, label FROM status ORDER BY rowid");
  }

  @Test
  void skipKeepsTheBaselineRowsAndCountsTheArchivesAsSkipped() throws Exception {
    Path db = dir.resolve("skip.db");
    JsonNode r = importWith(SmallHelpdesk.archive(dir, app, false), db, "status=skip");
    assertEquals(
        List.of(
            List.of("open", "Open"),
            List.of("pending", "Pending"),
            List.of("resolved", "Resolved"),
            List.of("closed", "Closed")),
        status(db));
    assertEquals(List.of("skip", 4L, 0L, 4L, 4L), seedNumbers(r, "status"));
  }

  @Test
  void mergeAddsTheUsersRowAndKeepsTheBaselinesVersionOfTheOthers() throws Exception {
    Path db = dir.resolve("merge.db");
    JsonNode r = importWith(SmallHelpdesk.archive(dir, app, false), db, "status=merge");
    assertEquals(
        List.of(
            List.of("open", "Open"),
            List.of("pending", "Pending"),
            List.of("resolved", "Resolved"),
            List.of("closed", "Closed"),
            List.of("escalated", "Escalated")),
        status(db));
    assertEquals(List.of("merge", 4L, 1L, 3L, 4L), seedNumbers(r, "status"));
  }

  @Test
  void mergeIsTheDefaultTheAppDeclaresForStatus() throws Exception {
    Path db = dir.resolve("default.db");
    JsonNode r = importWith(SmallHelpdesk.archive(dir, app, false), db);
    assertEquals(List.of("merge", 4L, 1L, 3L, 4L), seedNumbers(r, "status"));
    assertEquals(5, status(db).size());
  }

  @Test
  void replaceLoadsExactlyTheArchivesRows() throws Exception {
    Path db = dir.resolve("replace.db");
    JsonNode r = importWith(SmallHelpdesk.archive(dir, app, false), db, "status=replace");
    // the 'deleted' row was filtered by V1ToV2; release 4's 'resolved' is gone
    assertEquals(
        List.of(
            List.of("open", "Open"),
            List.of("pending", "Waiting on customer"),
            List.of("closed", "Closed"),
            List.of("escalated", "Escalated")),
        status(db));
    assertEquals(List.of("replace", 4L, 4L, 0L, 4L), seedNumbers(r, "status"));
  }

  @Test
  void skipFailsTheForeignKeyCheckWhenATicketUsesTheUsersStatus() throws Exception {
    Path archive = SmallHelpdesk.archive(dir, app, true);
    Path work = Files.createDirectories(dir.resolve("work"));
    Path target = work.resolve("helpdesk.db");
    HelpdeskData.createSqlite(target, 4, 1, 9);
    String sha = AppCli.sha256(target);
    TreeSet<String> files = AppCli.files(work);
    AppCli.Run run =
        porter(
                "import",
                archive,
                "--db",
                target,
                "--mode",
                "replace",
                "--app",
                app,
                "--seed",
                "status=skip")
            .expect(5);
    assertTrue(
        run.err().startsWith("porter: foreign_key_check found 1 violations (first: table ticket"),
        run.err());
    assertEquals(sha, AppCli.sha256(target), "the target was not changed");
    TreeSet<String> after = AppCli.files(work);
    after.remove(".helpdesk.db.porter-lock"); // porter's lock file stays by design
    assertEquals(files, after, "no staging or pre-image left");

    // merge keeps the user's status, so the same archive imports
    Path merged = dir.resolve("merged.db");
    JsonNode r = importWith(archive, merged, "status=merge");
    assertEquals(List.of("merge", 4L, 1L, 3L, 4L), seedNumbers(r, "status"));
    assertEquals(
        List.of(List.of("escalated")), query(merged, "SELECT status FROM ticket WHERE id = 4"));
  }
}
