package dev.porter.testdata;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;

/**
 * A small shop database for tests: customers, products, orders with foreign keys, an AUTOINCREMENT
 * table with deleted rows, a trigger, a view, an FTS5 index and BLOBs.
 */
public final class DemoShop {
  private DemoShop() {}

  public static void create(Path file, int orders, long seed) throws SQLException {
    SplittableRandom random = new SplittableRandom(seed);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA user_version = 1");
        s.execute(
            "CREATE TABLE customer (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,"
                + " email TEXT UNIQUE, created_at TEXT NOT NULL)");
        s.execute(
            "CREATE TABLE product (sku TEXT PRIMARY KEY, title TEXT NOT NULL, price REAL NOT NULL,"
                + " photo BLOB) WITHOUT ROWID");
        s.execute(
            "CREATE TABLE \"order\" (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL"
                + " REFERENCES customer(id), sku TEXT NOT NULL REFERENCES product(sku),"
                + " quantity INTEGER NOT NULL, note)");
        s.execute("CREATE TABLE audit (at TEXT, what TEXT)");
        s.execute(
            "CREATE TRIGGER order_audit AFTER INSERT ON \"order\" BEGIN"
                + " INSERT INTO audit VALUES (datetime('now'), 'order ' || NEW.id); END");
        s.execute("CREATE INDEX order_customer ON \"order\"(customer_id)");
        s.execute(
            "CREATE VIEW customer_totals AS SELECT c.name, count(o.id) AS orders FROM customer c"
                + " LEFT JOIN \"order\" o ON o.customer_id = c.id GROUP BY c.id");
        s.execute("CREATE VIRTUAL TABLE product_search USING fts5(sku, title)");
      }
      c.setAutoCommit(false);
      String[] names = {"Ada", "Grace", "Linus", "Barbara", "Edsger", "Ken", "Margaret", "Dennis"};
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO customer (name, email, created_at) VALUES (?, ?, ?)")) {
        for (int i = 1; i <= 50; i++) {
          String n = names[random.nextInt(names.length)] + " " + i;
          ps.setString(1, n);
          ps.setString(2, "customer" + i + "@example.org");
          ps.setString(
              3, String.format("2024-%02d-%02d 10:%02d:00", 1 + i % 12, 1 + i % 28, i % 60));
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO product VALUES (?, ?, ?, ?)");
          PreparedStatement fts =
              c.prepareStatement("INSERT INTO product_search (sku, title) VALUES (?, ?)")) {
        for (int i = 1; i <= 20; i++) {
          byte[] photo = new byte[64 + random.nextInt(512)];
          random.nextBytes(photo);
          String sku = String.format("SKU-%03d", i);
          String title = "Widget model " + i + (i % 3 == 0 ? " (deluxe)" : "");
          ps.setString(1, sku);
          ps.setString(2, title);
          ps.setDouble(3, 0.99 + i * 1.25);
          ps.setBytes(4, i % 4 == 0 ? null : photo);
          ps.executeUpdate();
          fts.setString(1, sku);
          fts.setString(2, title);
          fts.executeUpdate();
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO \"order\" (customer_id, sku, quantity, note) VALUES (?, ?, ?, ?)")) {
        for (int i = 1; i <= orders; i++) {
          ps.setLong(1, 1 + random.nextInt(50));
          ps.setString(2, String.format("SKU-%03d", 1 + random.nextInt(20)));
          ps.setLong(3, 1 + random.nextInt(5));
          switch (i % 4) {
            case 0 -> ps.setString(4, "gift wrap");
            case 1 -> ps.setLong(4, i);
            case 2 -> ps.setDouble(4, i / 8.0);
            default -> ps.setNull(4, java.sql.Types.NULL);
          }
          ps.executeUpdate();
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute(
            "DELETE FROM customer WHERE id > 45 AND id NOT IN (SELECT customer_id FROM \"order\")");
      }
      c.commit();
    }
  }
}
