package dev.porter.cli;

import static dev.porter.cli.AppCli.porter;
import static dev.porter.cli.AppCli.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porter.cli.apps.FoldLaterApp;
import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.app.AppDefinition;
import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.Dialects;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.dialect.TargetOptions;
import dev.porter.core.engine.ImportJob;
import dev.porter.core.engine.ImportOptions;
import dev.porter.core.engine.Progress;
import dev.porter.core.model.TableEntry;
import dev.porter.formats.PorterArchive;
import dev.porter.testdata.SqliteCompare;
import dev.porter.testdata.helpdesk.HelpdeskApp;
import dev.porter.testdata.helpdesk.HelpdeskData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lookups: held in memory up to a bound, then in a temporary SQLite file, with the same result; and
 * a table whose rows need a lookup that the archive holds only later waits in a spill file.
 */
class LookupOrderTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** A directory that cannot be created (its parent is a file): any temporary file fails. */
  Path unusableTempDir() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    return file.resolve("tmp");
  }

  static void importWithApi(
      Path archive, Path db, AppDefinition app, long lookupMemoryRows, Path tempDir) {
    ImportOptions options =
        new ImportOptions(
            TargetOptions.of(ImportMode.NEW), app, null, null, Map.of(), lookupMemoryRows, tempDir);
    DatabaseRef ref = DatabaseRef.sqliteFile(db);
    try (ArchiveReader r = PorterArchive.read(archive)) {
      new ImportJob(Dialects.forRef(ref), ref, options, Progress.NONE).run(r);
    }
  }

  @Test
  void aLookupSpilledToDiskGivesTheSameDatabase() throws Exception {
    Path app = AppCli.appDir(dir, HelpdeskApp.class);
    for (int release : new int[] {1, 3}) {
      Path source = dir.resolve("r" + release + ".db");
      HelpdeskData.createSqlite(source, release, 2, 40 + release);
      Path archive = dir.resolve("r" + release + ".porter");
      porter("export", "--db", source, "--app", app, "-o", archive).expect(0);
      Path memory = dir.resolve("memory-" + release + ".db");
      Path disk = dir.resolve("disk-" + release + ".db");
      porter("import", archive, "--db", memory, "--app", app).expect(0);
      porter("import", archive, "--db", disk, "--app", app, "--lookup-memory-rows", 1).expect(0);
      assertNull(SqliteCompare.difference(memory, disk), "from release " + release);
      // the fold happened: addresses carry country names
      long named =
          (Long)
              query(disk, "SELECT count(*) FROM address WHERE country_name IS NOT NULL")
                  .get(0)
                  .get(0);
      assertTrue(named > 0, "addresses with a country name: " + named);
    }
  }

  @Test
  void theBoundIsWhatMakesTheLookupSpill() throws Exception {
    Path app = AppCli.appDir(dir, HelpdeskApp.class);
    Path source = dir.resolve("r3.db");
    HelpdeskData.createSqlite(source, 3, 1, 7);
    Path archive = dir.resolve("r3.porter");
    porter("export", "--db", source, "--app", app, "-o", archive).expect(0);
    Path temp = unusableTempDir();
    // in memory (6 countries under the default bound): no temporary file is needed
    importWithApi(archive, dir.resolve("ok.db"), HelpdeskApp.define(), 500_000, temp);
    // with a bound of 1 row, the country lookup moves to a temporary SQLite file, which fails here
    Path failed = dir.resolve("failed.db");
    PorterException e =
        assertThrows(
            PorterException.class,
            () -> importWithApi(archive, failed, HelpdeskApp.define(), 1, temp));
    assertEquals(ErrorCategory.UNAVAILABLE, e.category());
    assertTrue(
        e.getMessage().startsWith("cannot spill lookup table country (release 3) to a temporary"),
        e.getMessage());
    assertFalse(Files.exists(failed));
  }

  /** A release-1 database of {@link FoldLaterApp}: three teams, two with a lead. */
  Path foldLaterArchive() throws Exception {
    Path db = dir.resolve("teams.db");
    AppCli.exec(db, FoldLaterApp.V1);
    AppCli.exec(
        db,
        "INSERT INTO team VALUES (1, 'Compilers', 'Make it work'), (2, 'Kernels', NULL),"
            + " (3, 'Databases', 'ACID or bust')",
        "INSERT INTO team_lead VALUES (3, 'Edgar Codd'), (1, 'Grace Hopper')");
    Path archive = dir.resolve("teams.porter");
    porter("export", "--db", db, "--app", AppCli.appDir(dir, FoldLaterApp.class), "-o", archive)
        .expect(0);
    List<String> order = new ArrayList<>();
    try (ArchiveReader r = PorterArchive.read(archive, false)) {
      for (TableEntry t : r.header().tables()) {
        order.add(t.table().name());
      }
    }
    assertTrue(
        order.indexOf("team") < order.indexOf("team_lead"),
        "the archive must hold team before the team_lead it looks up: " + order);
    return archive;
  }

  @Test
  void aTableWhoseLookupComesLaterInTheArchiveWaitsForIt() throws Exception {
    Path app = AppCli.appDir(dir, FoldLaterApp.class);
    Path archive = foldLaterArchive();
    Path db = dir.resolve("teams-2.db");
    Path report = dir.resolve("report.json");
    porter("import", archive, "--db", db, "--app", app, "--report", report).expect(0);
    assertEquals(
        List.of(
            List.of(1L, "Compilers", "Grace Hopper"),
            Arrays.asList(2L, "Kernels", null),
            List.of(3L, "Databases", "Edgar Codd")),
        query(db, "SELECT id, name, lead_name FROM team ORDER BY id"));
    assertEquals(List.of(List.of("2")), query(db, "SELECT value FROM meta"));

    // motto has no column in release 2 and no step drops it: reported with its non-null count
    JsonNode r = JSON.readTree(Files.readString(report));
    JsonNode team = PlanReportJsonTest.find(r.get("tables"), "table", "team");
    assertEquals(
        Map.of("motto", 2L), PlanReportJsonTest.counts(team.get("columnsWithoutDestination")));
    assertEquals(3, team.get("rowsWritten").asLong());
    JsonNode plan = JSON.readTree(porter("plan", archive, "--app", app, "--json").expect(0).out());
    assertEquals(
        List.of("motto"),
        PlanReportJsonTest.strings(
            PlanReportJsonTest.find(plan.get("targets"), "table", "team")
                .get("columnsWithoutDestination")));

    // the same with the lookup on disk
    Path disk = dir.resolve("teams-2-disk.db");
    porter("import", archive, "--db", disk, "--app", app, "--lookup-memory-rows", 1).expect(0);
    assertNull(SqliteCompare.difference(db, disk));
  }

  @Test
  void theWaitingTableIsHeldInASpillFile() throws Exception {
    Path archive = foldLaterArchive();
    Path failed = dir.resolve("failed.db");
    PorterException e =
        assertThrows(
            PorterException.class,
            () ->
                importWithApi(
                    archive, failed, new FoldLaterApp().definition(), 500_000, unusableTempDir()));
    assertEquals(ErrorCategory.UNAVAILABLE, e.category());
    assertTrue(
        e.getMessage().startsWith("cannot create a spill file for table team in "), e.getMessage());
    assertFalse(Files.exists(failed));
  }
}
