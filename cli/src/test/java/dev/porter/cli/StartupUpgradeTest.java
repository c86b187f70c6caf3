package dev.porter.cli;

import static dev.porter.cli.AppCli.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.porter.core.ErrorCategory;
import dev.porter.core.Porter;
import dev.porter.core.PorterException;
import dev.porter.testdata.helpdesk.HelpdeskApp;
import dev.porter.testdata.helpdesk.HelpdeskData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Porter#upgradeOnStartup}: the one call an app embedding porter makes at start-up. */
class StartupUpgradeTest {
  @TempDir Path dir;

  @Test
  void anOlderDatabaseIsUpgradedWithItsDataMoved() throws Exception {
    Path db = dir.resolve("helpdesk.db");
    HelpdeskData.createSqlite(db, 2, 1, 51);
    long customers = AppCli.count(db, "customer");
    List<List<Object>> addresses =
        query(db, "SELECT id, id, street, city FROM customer WHERE street IS NOT NULL ORDER BY id");
    long withCountry =
        (Long)
            query(
                    db,
                    "SELECT count(*) FROM customer WHERE street IS NOT NULL AND country_code IS NOT NULL")
                .get(0)
                .get(0);

    assertEquals(
        Porter.StartupAction.UPGRADED,
        Porter.upgradeOnStartup(HelpdeskApp.define(), db.toString()));

    assertEquals("4", AppCli.helpdeskRelease(db));
    assertEquals(customers, AppCli.count(db, "customer"));
    assertEquals(
        addresses,
        query(db, "SELECT id, customer_id, street, city FROM address ORDER BY id"),
        "every customer with a street has its address, split off in release 3");
    assertEquals(
        List.of(List.of(withCountry)),
        query(db, "SELECT count(*) FROM address WHERE country_name IS NOT NULL"));
    // the same safety as porter upgrade: a backup archive and the pre-upgrade database are kept
    TreeSet<String> files = AppCli.files(dir);
    assertEquals(
        1,
        files.stream()
            .filter(n -> n.matches("helpdesk\\.db\\.pre-upgrade\\.\\d{8}T\\d{6}Z"))
            .count(),
        files.toString());
    assertEquals(
        1,
        files.stream()
            .filter(n -> n.matches("helpdesk\\.db\\.pre-upgrade\\.\\d{8}T\\d{6}Z\\.porter"))
            .count(),
        files.toString());
  }

  @Test
  void aDatabaseAtTheNewestReleaseIsLeftAlone() throws Exception {
    Path db = dir.resolve("helpdesk.db");
    HelpdeskData.createSqlite(db, 4, 1, 52);
    String sha = AppCli.sha256(db);
    TreeSet<String> files = AppCli.files(dir);
    assertEquals(
        Porter.StartupAction.UP_TO_DATE,
        Porter.upgradeOnStartup(HelpdeskApp.define(), db.toString()));
    assertEquals(sha, AppCli.sha256(db));
    assertEquals(files, AppCli.files(dir));
  }

  @Test
  void aNewerDatabaseIsRefusedNamingBothReleases() throws Exception {
    Path db = dir.resolve("helpdesk.db");
    HelpdeskData.createSqlite(db, 4, 1, 53);
    AppCli.exec(db, "UPDATE app_meta SET value = '5' WHERE key = 'schema_version'");
    String sha = AppCli.sha256(db);
    TreeSet<String> files = AppCli.files(dir);
    PorterException e =
        assertThrows(
            PorterException.class,
            () -> Porter.upgradeOnStartup(HelpdeskApp.define(), db.toString()));
    assertEquals(ErrorCategory.REFUSED, e.category());
    assertEquals(
        "database "
            + db.toAbsolutePath()
            + " is at release 5 of app helpdesk, newer than this app's newest release 4; run the"
            + " newer app, or downgrade with porter",
        e.getMessage());
    assertEquals(sha, AppCli.sha256(db));
    assertEquals(files, AppCli.files(dir));
  }

  @Test
  void noDatabaseYetIsLeftForTheAppToCreate() throws Exception {
    Path db = dir.resolve("new.db");
    assertEquals(
        Porter.StartupAction.NO_VERSION,
        Porter.upgradeOnStartup(HelpdeskApp.define(), db.toString()));
    assertFalse(Files.exists(db));
  }
}
