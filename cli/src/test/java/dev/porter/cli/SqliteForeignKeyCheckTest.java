package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain SQLite restore checks its foreign keys whichever way it clears them: integer keys are
 * followed while the rows load, and a table they do not clear goes to SQLite's own check, which
 * names the row. A source that already held rows without their parent fails the import (exit 5, the
 * target untouched) unless {@code --accept-fk-violations} was given.
 */
class SqliteForeignKeyCheckTest {
  @TempDir Path dir;

  /** A shop with 600 orders; {@code orphans} of them point at customers that do not exist. */
  private Path archive(int orphans) throws Exception {
    Path db = dir.resolve("source-" + orphans + ".db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA foreign_keys = OFF");
      s.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
      s.execute(
          "CREATE TABLE orders (id INTEGER PRIMARY KEY,"
              + " customer_id INTEGER NOT NULL REFERENCES customer(id), note TEXT)");
      s.execute("CREATE INDEX orders_customer ON orders (customer_id)");
      s.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)"
              + " INSERT INTO customer SELECT i, 'c' || i FROM n");
      s.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600)"
              + " INSERT INTO orders SELECT i, 1 + i % 300, 'o' || i FROM n");
      s.execute(
          "UPDATE orders SET customer_id = 1000 + id WHERE id IN"
              + " (SELECT id FROM orders ORDER BY id DESC LIMIT "
              + orphans
              + ")");
    }
    Path archive = dir.resolve("shop-" + orphans + ".porter");
    Cli.ok("export", "--db", db, "--output", archive);
    return archive;
  }

  @Test
  void cleanIntegerKeysPass() throws Exception {
    Path target = dir.resolve("clean.db");
    Cli.Result r = Cli.ok("import", archive(0), "--db", target);
    assertTrue(r.out().contains("check foreign_key_check  no violations"), r::toString);
  }

  @Test
  void rowsWithoutTheirParentFailTheImportByName() throws Exception {
    Path archive = archive(2);
    Path target = dir.resolve("target.db");
    Cli.Result r = Cli.run("import", archive, "--db", target);
    assertEquals(5, r.code(), r::toString);
    assertEquals(
        "porter: foreign_key_check found 2 violations (first: table orders rowid 599 references a"
            + " missing row of customer); the target was not changed (--accept-fk-violations loads"
            + " such data anyway)",
        r.err().strip());
    assertFalse(Files.exists(target), "nothing was created");
    // the checks ran beside the index builds, the staging file in WAL mode (ADR 0028): it goes,
    // and its log and shared memory with it
    assertEquals(
        java.util.List.of(),
        Cli.files(dir).stream()
            .filter(n -> n.contains("staging") || n.endsWith("-wal") || n.endsWith("-shm"))
            .toList());

    Cli.Result accepted = Cli.ok("import", archive, "--db", target, "--accept-fk-violations");
    assertTrue(
        accepted.out().contains("check foreign_key_check  FAILED: 2 violations accepted"),
        accepted::toString);
  }
}
