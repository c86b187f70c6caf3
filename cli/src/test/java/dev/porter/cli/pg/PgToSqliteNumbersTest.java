package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL numbers SQLite cannot hold as numbers: kept as text, or refused, never NULL or 0. */
class PgToSqliteNumbersTest {
  @TempDir Path dir;

  @Test
  void aDoubleNaNStaysNaNInsteadOfBecomingNull() throws Exception {
    String pg = TestPostgres.newDatabase();
    PgKit.sql(
        pg,
        "CREATE TABLE m (id int PRIMARY KEY, v double precision)",
        "INSERT INTO m VALUES (1, 'NaN'), (2, 1.5), (3, NULL)");
    Path archive = dir.resolve("nan.porter");
    porter("export", "--db", pg, "-o", archive).expect(0);
    Path db = dir.resolve("nan.db");
    porter("import", archive, "--db", db).expect(0);
    assertEquals(
        List.of(List.of(1, "text", "NaN"), List.of(2, "real", "1.5")),
        PgKit.sqliteRows(
            db, "SELECT id, typeof(v), CAST(v AS TEXT) FROM m WHERE v IS NOT NULL ORDER BY id"));
  }

  @Test
  void aDecimalBeyondTheDoubleRangeIsRefusedUnlessAllowed() throws Exception {
    String pg = TestPostgres.newDatabase();
    PgKit.sql(
        pg,
        "CREATE TABLE m (id int PRIMARY KEY, v numeric)",
        "INSERT INTO m VALUES (1, 2.5), (2, 1e-400)");
    Path archive = dir.resolve("tiny.porter");
    porter("export", "--db", pg, "-o", archive).expect(0);
    Path db = dir.resolve("tiny.db");
    PgKit.Run run = porter("import", archive, "--db", db).expect(3);
    assertEquals(1, run.errLines().size(), run.err());
    assertTrue(
        run.err()
            .contains("table m, column v, row 2: 1E-400 is beyond the range of SQLite's numbers"),
        run.err());
    assertFalse(Files.exists(db));
    porter("import", archive, "--db", db, "--allow-lossy", "m.v").expect(0);
    assertEquals(
        List.of(List.of(1, 2.5), List.of(2, 0)),
        PgKit.sqliteRows(db, "SELECT id, v FROM m ORDER BY id"));
  }
}
