package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SQLite partial index reaches PostgreSQL with its WHERE clause: a partial unique index keeps
 * allowing what it allowed (duplicates among the rows it does not cover) and refusing what it
 * refused. A predicate PostgreSQL cannot take is named in the report; the rows load all the same.
 */
class PgPartialIndexTest {
  @TempDir Path dir;

  @Test
  void partialIndexesKeepTheirPredicate() throws Exception {
    Path db = dir.resolve("tickets.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE ticket (id INTEGER PRIMARY KEY, userId INTEGER NOT NULL,"
              + " closedAt TEXT, [Kind] TEXT NOT NULL)");
      // one open ticket per user; closed ones may repeat
      s.execute("CREATE UNIQUE INDEX one_open ON ticket (userId) WHERE closedat IS NULL");
      s.execute("CREATE INDEX bugs ON ticket (userId) WHERE [kind] == 'bug'");
      // glob() is SQLite's own: PostgreSQL refuses this predicate
      s.execute("CREATE INDEX globbed ON ticket (userId) WHERE glob('b*', Kind)");
      // an expression index: one account per e-mail address, whatever its case
      s.execute("CREATE TABLE Account (id INTEGER PRIMARY KEY, Email TEXT NOT NULL)");
      s.execute("CREATE UNIQUE INDEX email_once ON account (lower(email))");
      s.execute("INSERT INTO account VALUES (1, 'Ann@Example.org')");
      // views: one PostgreSQL can read once its names are spelled as created, one it cannot
      s.execute(
          "CREATE VIEW OpenTickets AS SELECT t.id, t.userid FROM Ticket t WHERE closedAt IS NULL");
      s.execute("CREATE VIEW labelled AS SELECT id, ifnull(closedAt, 'open') AS c FROM ticket");
      s.execute(
          "INSERT INTO ticket VALUES (1, 7, '2024-01-01', 'bug'), (2, 7, '2024-02-01', 'bug'),"
              + " (3, 7, NULL, 'task'), (4, 8, NULL, 'bug')");
    }
    Path archive = dir.resolve("tickets.porter");
    porter("export", "--db", db, "-o", archive).expect(0);
    String pg = TestPostgres.newDatabase();
    PgKit.Run run = porter("import", archive, "--db", pg).expect(0);
    assertTrue(
        run.out()
            .contains(
                "check schema objects     FAILED: 4 of 6 recreated (partial indexes, expression indexes,"
                    + " views); not recreated: partial index globbed on public.ticket (function glob("),
        run.out());
    assertTrue(run.out().contains("; view public.labelled (function ifnull("), run.out());
    assertEquals(
        List.of(List.of("3"), List.of("4")),
        PgKit.rows(pg, "SELECT id FROM \"OpenTickets\" ORDER BY id"));
    SQLException twice =
        assertThrows(
            SQLException.class,
            () -> PgKit.sql(pg, "INSERT INTO \"Account\" VALUES (2, 'ANN@example.org')"));
    assertTrue(twice.getMessage().contains("email_once"), twice.getMessage());
    assertEquals(
        List.of(
            List.of(
                "bugs",
                "CREATE INDEX bugs ON public.ticket USING btree (\"userId\") WHERE (\"Kind\" = 'bug'::text)"),
            List.of(
                "one_open",
                "CREATE UNIQUE INDEX one_open ON public.ticket USING btree (\"userId\") WHERE (\"closedAt\" IS NULL)")),
        PgKit.rows(
            pg,
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ticket'"
                + " AND indexname <> 'ticket_pkey' ORDER BY 1"));
    assertEquals("4", PgKit.value(pg, "SELECT count(*) FROM ticket"));
    assertEquals("1", PgKit.value(pg, "SELECT count(*) FROM \"Account\""));
    // a second closed ticket for user 8 is fine; a second open one is refused
    PgKit.sql(pg, "INSERT INTO ticket VALUES (5, 8, '2024-03-01', 'task')");
    SQLException e =
        assertThrows(
            SQLException.class,
            () -> PgKit.sql(pg, "INSERT INTO ticket VALUES (6, 8, NULL, 'task')"));
    assertTrue(e.getMessage().contains("one_open"), e.getMessage());
  }
}
