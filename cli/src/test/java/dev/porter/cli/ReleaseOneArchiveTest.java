package dev.porter.cli;

import static dev.porter.cli.AppCli.count;
import static dev.porter.cli.AppCli.porter;
import static dev.porter.cli.AppCli.query;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.testdata.helpdesk.HelpdeskApp;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release-1 archive made by an early porter build (kept in test-data under archives/format-1/)
 * imports into the newest release of the helpdesk app. Every expected value was worked out by hand
 * from the source database with the sqlite3 shell, not by porter.
 */
class ReleaseOneArchiveTest {
  static final String ARCHIVE = "/dev/porter/testdata/archives/format-1/helpdesk-release-1.porter";

  @TempDir Path dir;

  Path archive() throws Exception {
    Path a = dir.resolve("helpdesk-release-1.porter");
    try (InputStream in = HelpdeskApp.class.getResourceAsStream(ARCHIVE)) {
      Files.copy(in, a);
    }
    assertEquals(
        "01ff433410f9ca942d2cad96dd32ee915bd3ff6f0410d2451db0b02b890a2fc7",
        AppCli.sha256(a),
        "the kept archive must never change");
    return a;
  }

  @Test
  void importsIntoTheNewestRelease() throws Exception {
    Path db = dir.resolve("helpdesk.db");
    porter("import", archive(), "--db", db, "--app", AppCli.appDir(dir, HelpdeskApp.class))
        .expect(0);

    assertEquals("4", AppCli.helpdeskRelease(db));
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("app_meta", 1L);
    expected.put(
        "status", 5L); // release 4's open, pending, resolved, closed + the user's escalated
    expected.put("role", 3L);
    expected.put("staff", 6L);
    expected.put("customer", 30L);
    expected.put("address", 19L); // the customers with a street
    expected.put("ticket", 64L); // 80 tickets, less the 16 'deleted'
    expected.put("tag", 5L);
    expected.put("ticket_tag", 87L);
    Map<String, Long> actual = new LinkedHashMap<>();
    for (String t : expected.keySet()) {
      actual.put(t, count(db, t));
    }
    assertEquals(expected, actual);
    assertEquals(
        List.of(),
        query(
            db,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('app_meta',"
                + " 'status', 'role', 'staff', 'customer', 'address', 'ticket', 'tag',"
                + " 'ticket_tag', 'sqlite_sequence')"));

    // agent 1 (Grace Ritchie, admin) and agent 2 (Linus Dijkstra, viewer), renamed to staff
    assertEquals(
        List.of(
            List.of(1L, "Grace Ritchie", "agent1@helpdesk.example", 1L),
            List.of(2L, "Linus Dijkstra", "agent2@helpdesk.example", 3L)),
        query(db, "SELECT id, name, email, role_id FROM staff WHERE id <= 2 ORDER BY id"));

    // customer 13's address, split off in release 3, its user-added country 'IS' folded to a name
    // in release 4; customer 1's US; customer 14 had a street but no country
    assertEquals(
        List.of(
            List.of(1L, 1L, "127 Liskov Street", "Reykjavik", "United States"),
            List.of(13L, 13L, "54 Hamilton Street", "Reykjavik", "Iceland")),
        query(
            db,
            "SELECT id, customer_id, street, city, country_name FROM address"
                + " WHERE id IN (1, 13) ORDER BY id"));
    assertEquals(
        List.of(List.of("149 Ritchie Street")),
        query(db, "SELECT street FROM address WHERE customer_id = 14 AND country_name IS NULL"));
    assertEquals(
        List.of(List.of("Margaret Dijkstra", "c1@mail.example", 0L)),
        query(db, "SELECT name, email, vip FROM customer WHERE id = 1"));

    // tags: lower-cased, trimmed, each once, in order of first appearance
    assertEquals(
        List.of(
            List.of("login"),
            List.of("feature"),
            List.of("urgent"),
            List.of("bug"),
            List.of("billing")),
        query(db, "SELECT name FROM tag ORDER BY rowid"));
    assertEquals(
        List.of(List.of("feature"), List.of("login"), List.of("urgent")),
        query(db, "SELECT tag FROM ticket_tag WHERE ticket_id = 3 ORDER BY tag"));
    // ticket 3: escalated, priority 2, created '2025-01-03 19:40:30' in release 1
    assertEquals(
        List.of(
            List.of("escalated", "2025-01-03T19:40:30Z", "2025-01-03T19:40:30Z", "normal", 24L)),
        query(db, "SELECT status, created, updated, priority, sla_hours FROM ticket WHERE id = 3"));
    assertEquals(
        List.of(
            List.of("open"),
            List.of("pending"),
            List.of("resolved"),
            List.of("closed"),
            List.of("escalated")),
        query(db, "SELECT code FROM status ORDER BY rowid"));
  }

  @Test
  void aNewTicketNeverReusesAnIdTheReleaseOneDataUsed() throws Exception {
    Path db = dir.resolve("helpdesk.db");
    porter("import", archive(), "--db", db, "--app", AppCli.appDir(dir, HelpdeskApp.class))
        .expect(0);
    // release 1 used ids up to 90: ticket 90 was deleted from the table, and ticket 89 (status
    // 'deleted') is purged by release 2, so the highest id left is 88
    assertEquals(List.of(List.of(88L)), query(db, "SELECT max(id) FROM ticket"));
    AppCli.exec(
        db,
        "INSERT INTO ticket (customer_id, status, subject, created, updated, priority)"
            + " VALUES (1, 'open', 'after the import', '2026-01-01T00:00:00Z',"
            + " '2026-01-01T00:00:00Z', 'low')");
    assertEquals(
        List.of(List.of(91L)),
        query(db, "SELECT id FROM ticket WHERE subject = 'after the import'"));
  }
}
