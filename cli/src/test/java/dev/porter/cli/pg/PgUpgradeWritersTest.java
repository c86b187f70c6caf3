package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porterIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.app.SchemaVersion;
import dev.porter.testdata.helpdesk.HelpdeskApp;
import dev.porter.testdata.helpdesk.HelpdeskData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade on PostgreSQL holds the application's writers off from its backup to its swap, so that
 * nothing is committed in between: a writer waits, and its row then goes into the upgraded table,
 * not into the pre-image. A writer that does not finish in time makes the upgrade give up with exit
 * 6, the database as it was.
 */
class PgUpgradeWritersTest {
  @TempDir Path dir;

  static String release1(int scale) throws Exception {
    String url = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(url);
        Statement s = c.createStatement()) {
      s.execute(HelpdeskApp.define().ddl(SchemaVersion.of(1), "postgresql"));
      HelpdeskData.fill(c, 1, scale, 77);
    }
    return url;
  }

  static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never saw " + what);
      }
      Thread.sleep(5);
    }
  }

  static long count(String url, String sql) {
    try {
      return PgKit.count(url, sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aWriterWaitsForTheUpgradeAndItsRowLandsInTheUpgradedDatabase() throws Exception {
    String url = release1(40);
    Path app = PgKit.appDir(dir, HelpdeskApp.class);
    CompletableFuture<PgKit.Run> upgrade =
        CompletableFuture.supplyAsync(() -> porterIn(dir, "upgrade", "--db", url, "--app", app));
    waitUntil(
        () -> upgrade.isDone() || count(url, STATUS_HELD) > 0, "the upgrade's hold on the writers");
    assertTrue(!upgrade.isDone(), "the upgrade was over before its hold could be seen");
    try (Connection w = TestPostgres.connect(url)) {
      Writer writer = heldOffWriter(w, url);
      assertTrue(writer.waited(), "the writer waited for a lock while the upgrade ran");
      upgrade.get(120, TimeUnit.SECONDS).expect(0);
      assertEquals(
          1, writer.insert().get(60, TimeUnit.SECONDS), "the writer's insert went through after");
    }
    assertEquals("4", PgKit.value(url, "SELECT value FROM app_meta WHERE key = 'schema_version'"));
    assertWrittenIntoTheNewTablesOnly(url, "porter_pre_");
  }

  @Test
  void aWriterThatDoesNotFinishMakesTheUpgradeGiveUpAndChangesNothing() throws Exception {
    String url = release1(2);
    Path app = PgKit.appDir(dir, HelpdeskApp.class);
    var before = PgKit.snapshot(url);
    try (Connection w = TestPostgres.connect(url);
        Statement st = w.createStatement()) {
      w.setAutoCommit(false);
      st.executeUpdate("INSERT INTO status VALUES ('held-off-writer', 'Held off')"); // left open
      PgKit.Run run = porterIn(dir, "upgrade", "--db", url, "--app", app).expect(6);
      assertTrue(
          run.err().startsWith("porter: database ")
              && run.err().contains("has writers that did not finish within 10 s"),
          run.err());
      w.rollback();
    }
    assertEquals(before, PgKit.snapshot(url), "the database is as it was");
    assertTrue(
        PgKit.schemas(url).stream().noneMatch(s -> s.startsWith("porter_")), "no pre-image schema");
    try (var files = Files.list(dir)) {
      assertTrue(
          files.noneMatch(f -> f.getFileName().toString().endsWith(".porter")), "no backup left");
    }
  }

  /** Whether porter holds the writers of table status off (its SHARE lock is granted). */
  static final String STATUS_HELD =
      "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
          + " WHERE c.relname = 'status' AND l.mode = 'ShareLock' AND l.granted";

  /** A writer's insert into status, and whether it was seen waiting for a lock. */
  record Writer(CompletableFuture<Integer> insert, boolean waited) {}

  /**
   * Starts an insert into status on {@code w} and watches it until it waits for a lock or is done.
   */
  static Writer heldOffWriter(Connection w, String url) throws Exception {
    long writerPid = pid(w);
    CompletableFuture<Integer> insert =
        CompletableFuture.supplyAsync(
            () -> {
              try (Statement st = w.createStatement()) {
                return st.executeUpdate(
                    "INSERT INTO status VALUES ('held-off-writer', 'Held off')");
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });
    java.util.concurrent.atomic.AtomicBoolean waited =
        new java.util.concurrent.atomic.AtomicBoolean();
    waitUntil(
        () -> {
          if (count(
                  url,
                  "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                      + " AND pid = "
                      + writerPid)
              > 0) {
            waited.set(true);
          }
          return waited.get() || insert.isDone();
        },
        "the writer waiting");
    return new Writer(insert, waited.get());
  }

  static long pid(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        var r = st.executeQuery("SELECT pg_backend_pid()")) {
      r.next();
      return r.getLong(1);
    }
  }

  /**
   * The held-off writer's row is in the new {@code status} table, and not in the one pre-image
   * (schema named {@code preImagePrefix}…) the swap left.
   */
  static void assertWrittenIntoTheNewTablesOnly(String url, String preImagePrefix)
      throws Exception {
    assertEquals(
        1, PgKit.count(url, "SELECT count(*) FROM public.status WHERE code = 'held-off-writer'"));
    List<String> preImages =
        PgKit.schemas(url).stream().filter(s -> s.startsWith(preImagePrefix)).toList();
    assertEquals(1, preImages.size(), preImages.toString());
    assertEquals(
        0,
        PgKit.count(
            url,
            "SELECT count(*) FROM \""
                + preImages.get(0)
                + "\".status WHERE code = 'held-off-writer'"),
        "the row is not in the pre-image");
  }
}
