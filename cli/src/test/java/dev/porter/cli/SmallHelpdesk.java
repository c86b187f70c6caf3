package dev.porter.cli;

import dev.porter.core.app.SchemaVersion;
import dev.porter.testdata.helpdesk.HelpdeskApp;
import java.nio.file.Path;

/**
 * A release-1 helpdesk database written by hand, small enough that every number an import reports
 * can be worked out on paper:
 *
 * <ul>
 *   <li>status: the baseline's open, pending, closed, deleted, with pending relabelled 'Waiting on
 *       customer' and a user-added 'escalated' (5 rows);
 *   <li>country: the baseline's 5 and a user-added IS/Iceland (6 rows);
 *   <li>agent: 1 Ada Lovelace (admin), 2 Alan Kay (viewer);
 *   <li>customer: 1 Grace Hopper (7 Kay Street, Wellington, NZ), 2 Linus Torvalds (no address, no
 *       email), 3 Barbara Liskov (1 Laugavegur, Reykjavik, IS);
 *   <li>ticket: 1 open (tags 'Billing, urgent', priority 1), 2 pending (no tags, priority 2), 3
 *       deleted (tags 'spam', priority 3), and with {@code escalatedTicket} 4 escalated (tags
 *       'urgent', priority 1);
 *   <li>session: 1 row; audit_log: 2 rows.
 * </ul>
 */
final class SmallHelpdesk {
  private SmallHelpdesk() {}

  static void create(Path db, boolean escalatedTicket) throws Exception {
    AppCli.exec(db, HelpdeskApp.define().ddl(SchemaVersion.of(1), "sqlite"));
    AppCli.exec(
        db,
        "UPDATE status SET label = 'Waiting on customer' WHERE code = 'pending'",
        "INSERT INTO status VALUES ('escalated', 'Escalated')",
        "INSERT INTO country VALUES ('IS', 'Iceland')",
        "INSERT INTO agent VALUES (1, 'Ada Lovelace', 'ada@helpdesk.example', 'admin')",
        "INSERT INTO agent VALUES (2, 'Alan Kay', 'alan@helpdesk.example', 'viewer')",
        "INSERT INTO customer VALUES"
            + " (1, 'Grace Hopper', 'grace@mail.example', '7 Kay Street', 'Wellington', 'NZ'),"
            + " (2, 'Linus Torvalds', NULL, NULL, NULL, NULL),"
            + " (3, 'Barbara Liskov', 'barbara@mail.example', '1 Laugavegur', 'Reykjavik', 'IS')",
        "INSERT INTO ticket (id, customer_id, agent_id, status, subject, body, tags, created,"
            + " priority) VALUES"
            + " (1, 1, 1, 'open', 'Cannot log in', 'Hello', 'Billing, urgent',"
            + " '2025-03-01 10:00:00', 1),"
            + " (2, 2, NULL, 'pending', 'Invoice question', NULL, NULL, '2025-03-02 11:30:00', 2),"
            + " (3, 3, 2, 'deleted', 'Spam', NULL, 'spam', '2025-03-03 12:00:00', 3)",
        "INSERT INTO session VALUES ('tok1', 1, '2026-01-01 00:00:00')",
        "INSERT INTO audit_log VALUES (1, '2025-06-01 12:00:00', 'agent 1 did something'),"
            + " (2, '2025-06-01 12:00:01', 'agent 2 did something')");
    if (escalatedTicket) {
      AppCli.exec(
          db,
          "INSERT INTO ticket (id, customer_id, agent_id, status, subject, body, tags, created,"
              + " priority) VALUES (4, 3, 1, 'escalated', 'Outage', NULL, 'urgent',"
              + " '2025-03-04 13:00:00', 1)");
    }
  }

  /** The release-1 archive of such a database. */
  static Path archive(Path dir, Path app, boolean escalatedTicket) throws Exception {
    String name = escalatedTicket ? "small-escalated" : "small";
    Path db = dir.resolve(name + ".db");
    create(db, escalatedTicket);
    Path a = dir.resolve(name + ".porter");
    AppCli.porter("export", "--db", db, "--app", app, "-o", a).expect(0);
    return a;
  }
}
