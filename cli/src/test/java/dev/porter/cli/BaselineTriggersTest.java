package dev.porter.cli;

import static dev.porter.cli.AppCli.count;
import static dev.porter.cli.AppCli.exec;
import static dev.porter.cli.AppCli.porter;
import static dev.porter.cli.AppCli.query;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.cli.apps.TriggerApp;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The triggers of a release's DDL do not fire for the rows an import loads (an audit trigger would
 * otherwise write a row per loaded book), yet exist afterwards and fire for the app's new rows.
 */
class BaselineTriggersTest {
  @TempDir Path dir;

  @Test
  void loadedRowsFireNoTriggerAndTheTriggersWorkAfterwards() throws Exception {
    Path app = AppCli.appDir(dir, TriggerApp.class);
    Path source = dir.resolve("r1.db");
    exec(
        source,
        TriggerApp.V1,
        "INSERT INTO book VALUES (1, 'Dune'), (2, 'Emma'), (3, 'Ulysses')",
        "PRAGMA user_version = 1");
    Path archive = dir.resolve("r1.porter");
    porter("export", "--db", source, "--app", app, "-o", archive).expect(0);
    Path target = dir.resolve("r2.db");
    porter("import", archive, "--db", target, "--app", app).expect(0);

    assertEquals(3, count(target, "book"));
    assertEquals(0, count(target, "audit"), "an audit row per loaded book means a trigger fired");
    assertEquals(
        List.of(List.of("book_ai"), List.of("book_audit")),
        query(target, "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"));
    // the after-load SQL rebuilt the index from the loaded rows
    assertEquals(
        List.of(List.of(2L)),
        query(target, "SELECT rowid FROM book_search WHERE book_search MATCH 'emma'"));

    exec(target, "INSERT INTO book(id, title) VALUES (4, 'Middlemarch')");
    assertEquals(List.of(List.of("added 4")), query(target, "SELECT what FROM audit"));
    assertEquals(
        List.of(List.of(4L)),
        query(target, "SELECT rowid FROM book_search WHERE book_search MATCH 'middlemarch'"));
  }

  @Test
  void anUpgradeInPlaceFiresNoTriggerEither() throws Exception {
    Path app = AppCli.appDir(dir, TriggerApp.class);
    Path db = dir.resolve("live.db");
    exec(db, TriggerApp.V1, "INSERT INTO book VALUES (7, 'Persuasion')", "PRAGMA user_version = 1");
    porter("upgrade", "--db", db, "--app", app, "--to", "2").expect(0);
    assertEquals(List.of(List.of(7L, "Persuasion", "unsorted")), query(db, "SELECT * FROM book"));
    assertEquals(0, count(db, "audit"));
    assertEquals(
        List.of(List.of(7L)),
        query(db, "SELECT rowid FROM book_search WHERE book_search MATCH 'persuasion'"));
  }
}
