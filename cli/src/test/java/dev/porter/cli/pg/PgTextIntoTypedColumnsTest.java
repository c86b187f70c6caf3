package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite columns declared with types PostgreSQL parses loosely. PostgreSQL would silently drop the
 * offset of a timestamp, the time of a date, or read 'now' as the moment of the import: porter
 * refuses such values unless --allow-lossy names the column, and gives types that hold text in
 * practice (TIME, INTERVAL, STRING) a text column.
 */
class PgTextIntoTypedColumnsTest {
  @TempDir Path dir;

  Path sqliteArchive(String name, String... sql) throws Exception {
    Path db = dir.resolve(name + ".db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
    Path archive = dir.resolve(name + ".porter");
    porter("export", "--db", db, "-o", archive).expect(0);
    return archive;
  }

  @Test
  void typesThatHoldTextInPracticeBecomeTextAndTimestamptzKeepsItsOffset() throws Exception {
    Path archive =
        sqliteArchive(
            "types",
            "CREATE TABLE t (id INTEGER PRIMARY KEY, at TIME, span INTERVAL, s STRING,"
                + " seen TIMESTAMPTZ, amount NUMERIC)",
            "INSERT INTO t VALUES (1, '10:30', '1 day', 'abc', '2024-01-01 10:00:00+02:00', 12.5)");
    String pg = TestPostgres.newDatabase();
    porter("import", archive, "--db", pg).expect(0);
    assertEquals(
        List.of(
            List.of("id", "bigint"),
            List.of("at", "text"),
            List.of("span", "text"),
            List.of("s", "text"),
            List.of("seen", "timestamp with time zone"),
            List.of("amount", "numeric")),
        PgKit.rows(
            pg,
            "SELECT column_name::text, data_type::text FROM information_schema.columns"
                + " WHERE table_name = 't' ORDER BY ordinal_position"));
    assertEquals(
        List.of(List.of("10:30", "1 day", "abc", "2024-01-01 08:00:00", "12.5")),
        PgKit.rows(pg, "SELECT at, span, s, (seen AT TIME ZONE 'UTC')::text, amount::text FROM t"));
  }

  @Test
  void anOffsetATimestampColumnWouldDropIsRefusedUnlessAllowed() throws Exception {
    Path archive =
        sqliteArchive(
            "offset",
            "CREATE TABLE ev (id INTEGER PRIMARY KEY, at DATETIME)",
            "INSERT INTO ev VALUES (1, '2024-01-01 10:00:00'), (2, '2024-01-01 10:00:00+02:00')");
    String pg = TestPostgres.newDatabase();
    PgKit.Run run = porter("import", archive, "--db", pg).expect(3);
    assertEquals(1, run.errLines().size(), run.err());
    assertTrue(
        run.err()
            .contains(
                "table ev, column at, row 2 (id=2): '2024-01-01 10:00:00+02:00' has a time zone"
                    + " offset that a timestamp column does not keep; --allow-lossy ev.at"),
        run.err());
    assertEquals(0, PgKit.count(pg, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));

    porter("import", archive, "--db", pg, "--allow-lossy", "ev.at").expect(0);
    assertEquals(2, PgKit.count(pg, "SELECT count(*) FROM ev"));
  }

  @Test
  void textThatIsNoIsoDateIsRefusedRatherThanReadAsTheImportsMoment() throws Exception {
    Path archive =
        sqliteArchive(
            "relative",
            "CREATE TABLE d (id INTEGER PRIMARY KEY, due DATE)",
            "INSERT INTO d VALUES (1, '2024-02-29'), (2, 'tomorrow')");
    String pg = TestPostgres.newDatabase();
    PgKit.Run run = porter("import", archive, "--db", pg).expect(3);
    assertTrue(run.err().contains("row 2 (id=2): 'tomorrow' is not an ISO 8601 date"), run.err());
  }

  @Test
  void aValueNoOptionCanStoreGetsNoAllowLossyHint() throws Exception {
    Path archive =
        sqliteArchive(
            "nonumber",
            "CREATE TABLE p (id INTEGER PRIMARY KEY, price DECIMAL(6,2))",
            "INSERT INTO p VALUES (1, 'ten')",
            "CREATE TABLE q (id INTEGER PRIMARY KEY, n DECIMAL(4,2))");
    String pg = TestPostgres.newDatabase();
    PgKit.Run run = porter("import", archive, "--db", pg, "--allow-lossy", "p.price").expect(3);
    assertTrue(run.err().contains("'ten' is not a number"), run.err());
    assertFalse(run.err().contains("--allow-lossy"), run.err());
  }

  @Test
  void aDecimalTooLargeForItsColumnEvenAfterRoundingIsRefusedEvenWhenLossyIsAllowed()
      throws Exception {
    Path archive =
        sqliteArchive(
            "overflow",
            "CREATE TABLE p (id INTEGER PRIMARY KEY, price DECIMAL(4,2))",
            "INSERT INTO p VALUES (1, 12.34), (2, 99.999)");
    String pg = TestPostgres.newDatabase();
    PgKit.Run run = porter("import", archive, "--db", pg, "--allow-lossy", "p.price").expect(3);
    assertTrue(
        run.err().contains("row 2 (id=2): 99.999 does not fit numeric(4,2); the target"),
        run.err());
  }
}
