package dev.porter.testdata.helpdesk;

import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.SchemaVersion;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Realistic helpdesk data at any release, generated from a seed: agents/staff with roles, customers
 * with and without addresses (one in a country a user added), tickets with tags in messy case,
 * several priorities and statuses (a user-added 'escalated' status among them), deleted tickets
 * leaving gaps in the AUTOINCREMENT ids, and, where the release has them, sessions and audit rows.
 */
public final class HelpdeskData {
  private static final String[] FIRST = {
    "Ada", "Grace", "Linus", "Barbara", "Edsger", "Ken", "Margaret", "Dennis", "Frances", "Alan"
  };
  private static final String[] LAST = {
    "Lovelace",
    "Hopper",
    "Torvalds",
    "Liskov",
    "Dijkstra",
    "Thompson",
    "Hamilton",
    "Ritchie",
    "Allen",
    "Kay"
  };
  private static final String[] CITIES = {
    "Berlin", "Lyon", "Wellington", "Boston", "Osaka", "Reykjavik"
  };
  private static final String[] COUNTRIES = {"DE", "FR", "NZ", "US", "JP", "IS"};
  private static final String[] TAGS = {
    "Billing", "urgent", " login", "bug ", "Feature", "billing"
  };
  private static final String[] ROLES = {"admin", "agent", "viewer"};

  private HelpdeskData() {}

  /** Creates a SQLite file at {@code release} with {@code scale} × (10 customers, 30 tickets). */
  public static void createSqlite(Path file, int release, int scale, long seed)
      throws SQLException {
    AppDefinition app = HelpdeskApp.define();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate(app.ddl(SchemaVersion.of(release), "sqlite")); // runs every statement
      }
      fill(c, release, scale, seed);
    }
  }

  /** Fills a database that holds the release's baseline (SQLite or PostgreSQL). */
  public static void fill(Connection c, int release, int scale, long seed) throws SQLException {
    SplittableRandom rnd = new SplittableRandom(seed);
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    exec(c, "INSERT INTO status (code, label) VALUES ('escalated', 'Escalated')");
    if (release <= 3) {
      exec(c, "INSERT INTO country (code, name) VALUES ('IS', 'Iceland')");
    }
    int agents = 3 + scale;
    String agentTable = release == 1 ? "agent" : "staff";
    try (PreparedStatement ps =
        c.prepareStatement(
            release == 1
                ? "INSERT INTO agent (id, full_name, email, role) VALUES (?, ?, ?, ?)"
                : "INSERT INTO staff (id, name, email, role_id) VALUES (?, ?, ?, ?)")) {
      for (int i = 1; i <= agents; i++) {
        ps.setLong(1, i);
        ps.setString(2, FIRST[i % FIRST.length] + " " + LAST[(i * 7) % LAST.length]);
        ps.setString(3, "agent" + i + "@helpdesk.example");
        String role = ROLES[i == 1 ? 0 : 1 + rnd.nextInt(2)];
        if (release == 1) {
          ps.setString(4, role);
        } else {
          ps.setLong(4, V1ToV2.ROLE_IDS.get(role));
        }
        ps.executeUpdate();
      }
    }
    int customers = 10 * scale;
    for (int i = 1; i <= customers; i++) {
      String name = FIRST[rnd.nextInt(FIRST.length)] + " " + LAST[rnd.nextInt(LAST.length)];
      String email = rnd.nextInt(10) == 0 ? null : "c" + i + "@mail.example";
      boolean hasAddress = rnd.nextInt(10) < 7;
      String street =
          hasAddress
              ? (1 + rnd.nextInt(200)) + " " + LAST[rnd.nextInt(LAST.length)] + " Street"
              : null;
      String city = hasAddress ? CITIES[rnd.nextInt(CITIES.length)] : null;
      String country =
          hasAddress && rnd.nextInt(8) > 0
              ? COUNTRIES[rnd.nextInt(release <= 3 ? COUNTRIES.length : COUNTRIES.length - 1)]
              : null;
      if (release <= 2) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO customer (id, name, email, street, city, country_code) VALUES (?, ?, ?, ?, ?, ?)")) {
          ps.setLong(1, i);
          ps.setString(2, name);
          ps.setString(3, email);
          ps.setString(4, street);
          ps.setString(5, city);
          ps.setString(6, country);
          ps.executeUpdate();
        }
      } else {
        try (PreparedStatement ps =
            c.prepareStatement("INSERT INTO customer (id, name, email, vip) VALUES (?, ?, ?, ?)")) {
          ps.setLong(1, i);
          ps.setString(2, name);
          ps.setString(3, email);
          ps.setLong(4, rnd.nextInt(10) == 0 ? 1 : 0);
          ps.executeUpdate();
        }
        if (hasAddress) {
          String sql =
              release == 3
                  ? "INSERT INTO address (id, customer_id, street, city, country_code) VALUES (?, ?, ?, ?, ?)"
                  : "INSERT INTO address (id, customer_id, street, city, country_name) VALUES (?, ?, ?, ?, ?)";
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, i);
            ps.setLong(2, i);
            ps.setString(3, street);
            ps.setString(4, city);
            ps.setString(5, release == 3 ? country : countryName(country));
            ps.executeUpdate();
          }
        }
      }
    }
    int tickets = 30 * scale;
    List<Long> deleted = new ArrayList<>();
    for (long id = 1; id <= tickets; id++) {
      String[] statuses =
          release == 1
              ? new String[] {"open", "pending", "closed", "deleted", "escalated"}
              : release == 4
                  ? new String[] {"open", "pending", "resolved", "closed", "escalated"}
                  : new String[] {"open", "pending", "closed", "escalated"};
      String status = statuses[rnd.nextInt(statuses.length)];
      int priority = 1 + rnd.nextInt(3);
      String created =
          String.format(
              Locale.ROOT,
              "2025-%02d-%02d %02d:%02d:%02d",
              1 + rnd.nextInt(12),
              1 + rnd.nextInt(28),
              rnd.nextInt(24),
              rnd.nextInt(60),
              rnd.nextInt(60));
      String iso = release == 1 ? created : created.replace(' ', 'T') + "Z";
      List<String> tags = new ArrayList<>();
      int nt = rnd.nextInt(4);
      for (int k = 0; k < nt; k++) {
        tags.add(TAGS[rnd.nextInt(TAGS.length)]);
      }
      String tagText = tags.isEmpty() ? null : String.join(",", tags);
      Long agent = rnd.nextInt(6) == 0 ? null : (long) (1 + rnd.nextInt(agents));
      StringBuilder cols =
          new StringBuilder("id, customer_id, agent_id, status, subject, body, created, priority");
      int extra = 0;
      if (release <= 2) {
        cols.append(", tags");
        extra++;
      }
      if (release >= 2) {
        cols.append(", updated");
        extra++;
      }
      if (release == 4) {
        cols.append(", sla_hours");
        extra++;
      }
      String marks = "?, ?, ?, ?, ?, ?, ?, ?" + ", ?".repeat(extra);
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO ticket (" + cols + ") VALUES (" + marks + ")")) {
        ps.setLong(1, id);
        ps.setLong(2, 1 + rnd.nextInt(customers));
        if (agent == null) {
          ps.setNull(3, java.sql.Types.BIGINT);
        } else {
          ps.setLong(3, agent);
        }
        ps.setString(4, status);
        ps.setString(
            5, "Ticket " + id + ": " + (rnd.nextBoolean() ? "cannot log in" : "invoice question"));
        ps.setString(
            6,
            rnd.nextInt(5) == 0
                ? null
                : "Hello,\nplease help with ticket " + id + ". Grüße, 你好 🙂");
        ps.setString(7, iso);
        if (release == 4) {
          ps.setString(8, V3ToV4.priorityWord((long) priority));
        } else {
          ps.setLong(8, priority);
        }
        int p = 9;
        if (release <= 2) {
          ps.setString(p++, tagText);
        }
        if (release >= 2) {
          ps.setString(p++, iso);
        }
        if (release == 4) {
          Long sla = V3ToV4.sla((long) priority, status);
          if (sla == null) {
            ps.setNull(p, java.sql.Types.BIGINT);
          } else {
            ps.setLong(p, sla);
          }
        }
        ps.executeUpdate();
      }
      if (release >= 3) {
        for (String t : V2ToV3.tags(dev.porter.transforms.Record.of("tags", tagText))) {
          insertIgnore(c, "tag", "name", t);
          try (PreparedStatement ps =
              c.prepareStatement("INSERT INTO ticket_tag (ticket_id, tag) VALUES (?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, t);
            ps.executeUpdate();
          }
        }
      }
      if (rnd.nextInt(12) == 0) {
        deleted.add(id);
      }
    }
    // Deleted tickets leave gaps, and the last ticket is deleted too: its id must never come back.
    deleted.add((long) tickets);
    for (long id : deleted) {
      if (release >= 3) {
        exec(c, "DELETE FROM ticket_tag WHERE ticket_id = " + id);
      }
      exec(c, "DELETE FROM ticket WHERE id = " + id);
    }
    if (release == 1) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO session (token, agent_id, expires) VALUES (?, ?, ?)")) {
        for (int i = 1; i <= agents; i++) {
          ps.setString(1, Long.toHexString(rnd.nextLong()));
          ps.setLong(2, i);
          ps.setString(3, "2026-01-01 00:00:00");
          ps.executeUpdate();
        }
      }
    }
    if (release <= 2) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO audit_log (id, at, message) VALUES (?, ?, ?)")) {
        for (int i = 1; i <= 5 * scale; i++) {
          ps.setLong(1, i);
          ps.setString(2, "2025-06-01 12:00:0" + (i % 10));
          ps.setString(3, agentTable + " " + (1 + i % agents) + " did something");
          ps.executeUpdate();
        }
      }
    }
    c.commit();
    c.setAutoCommit(auto);
  }

  private static String countryName(String code) {
    if (code == null) {
      return null;
    }
    return switch (code) {
      case "DE" -> "Germany";
      case "FR" -> "France";
      case "NZ" -> "New Zealand";
      case "US" -> "United States";
      case "JP" -> "Japan";
      default -> "Iceland";
    };
  }

  private static void insertIgnore(Connection c, String table, String column, String value)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + table
                + " ("
                + column
                + ") SELECT ? WHERE NOT EXISTS (SELECT 1 FROM "
                + table
                + " WHERE "
                + column
                + " = ?)")) {
      ps.setString(1, value);
      ps.setString(2, value);
      ps.executeUpdate();
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
