package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static dev.porter.cli.pg.PgUpgradeWritersTest.count;
import static dev.porter.cli.pg.PgUpgradeWritersTest.release1;
import static dev.porter.cli.pg.PgUpgradeWritersTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import --mode replace} and {@code rollback} on PostgreSQL hold the application's writers
 * off the schemas they swap, from before the renaming to the COMMIT: a write made meanwhile would
 * otherwise land in the tables that become the pre-image, lost to the live database. A writer
 * waits, and its row then goes into the new table; a writer that does not finish in time makes
 * porter give up with exit 6, the database as it was.
 */
class PgReplaceWritersTest {
  @TempDir Path dir;

  @Test
  void aWriterWaitsForAReplaceImportAndItsRowLandsInTheNewTables() throws Exception {
    String url = release1(40);
    Path archive = dir.resolve("backup.porter");
    porter("export", "--db", url, "-o", archive).expect(0);
    CompletableFuture<PgKit.Run> replace =
        CompletableFuture.supplyAsync(
            () -> porter("import", archive, "--db", url, "--mode", "replace"));
    waitUntil(
        () -> replace.isDone() || count(url, PgUpgradeWritersTest.STATUS_HELD) > 0,
        "the import's hold on the writers");
    assertTrue(!replace.isDone(), "the import was over before its hold could be seen");
    try (Connection w = TestPostgres.connect(url)) {
      PgUpgradeWritersTest.Writer writer = PgUpgradeWritersTest.heldOffWriter(w, url);
      assertTrue(writer.waited(), "the writer waited for a lock while the import ran");
      replace.get(120, TimeUnit.SECONDS).expect(0);
      assertEquals(
          1, writer.insert().get(60, TimeUnit.SECONDS), "the writer's insert went through after");
    }
    PgUpgradeWritersTest.assertWrittenIntoTheNewTablesOnly(url, "porter_pre_import_");
  }

  @Test
  void aWriterThatDoesNotFinishMakesRollbackGiveUpAndChangesNothing() throws Exception {
    String url = release1(2);
    Path archive = dir.resolve("backup.porter");
    porter("export", "--db", url, "-o", archive).expect(0);
    porter("import", archive, "--db", url, "--mode", "replace").expect(0);
    var before = PgKit.snapshot(url);
    try (Connection w = TestPostgres.connect(url);
        Statement st = w.createStatement()) {
      w.setAutoCommit(false);
      st.executeUpdate("INSERT INTO status VALUES ('held-off-writer', 'Held off')"); // left open
      PgKit.Run run = porter("rollback", "--db", url).expect(6);
      assertTrue(
          run.err().startsWith("porter: database ")
              && run.err()
                  .contains(
                      "has writers that did not finish within 10 s; a rollback holds them off"),
          run.err());
      w.rollback();
    }
    assertEquals(before, PgKit.snapshot(url), "the database is as it was");
    porter("rollback", "--db", url).expect(0);
  }
}
