package dev.porter.bench;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * A realistic shop database at a chosen scale, the same rows on SQLite and on PostgreSQL: six
 * tables with foreign keys, text, JSON, BLOB/bytea, timestamps, numeric, uuid and arrays. Scale 1
 * is 1,200,000 rows, among them 20,000 products with a 0.5–3 KB binary image each.
 */
final class DataGen {
  static final String[] TABLES = {
    "customer", "product", "orders", "order_item", "payment", "event"
  };
  private static final String[] COUNTRIES = {"DE", "FR", "NZ", "US", "JP", "IS", "BR", "IN"};
  private static final String[] STATUS = {"new", "paid", "shipped", "delivered", "returned"};
  private static final String[] METHOD = {"card", "transfer", "voucher"};
  private static final String[] WORDS = {
    "red", "blue", "steel", "oak", "mini", "pro", "eco", "max", "soft", "loud"
  };

  private final int scale;

  DataGen(int scale) {
    this.scale = scale;
  }

  long customers() {
    return 60_000L * scale;
  }

  long products() {
    return 20_000L * scale;
  }

  long orders() {
    return 240_000L * scale;
  }

  long items() {
    return 720_000L * scale;
  }

  long payments() {
    return 120_000L * scale;
  }

  long events() {
    return 40_000L * scale;
  }

  long rows() {
    return customers() + products() + orders() + items() + payments() + events();
  }

  static final String PG_DDL =
      """
      CREATE TABLE app_meta (key text PRIMARY KEY, value text NOT NULL);
      INSERT INTO app_meta VALUES ('schema_version', '1');
      CREATE TABLE customer (id bigint PRIMARY KEY, uuid uuid NOT NULL, name text NOT NULL, email text,
        country char(2), created timestamptz NOT NULL, vip boolean NOT NULL);
      CREATE TABLE product (id bigint PRIMARY KEY, sku text NOT NULL UNIQUE, title text NOT NULL,
        price numeric(10,2) NOT NULL, image bytea NOT NULL, tags text[]);
      CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customer(id),
        created timestamptz NOT NULL, status text NOT NULL, total numeric(12,2) NOT NULL, meta jsonb);
      CREATE TABLE order_item (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders(id),
        product_id bigint NOT NULL REFERENCES product(id), qty integer NOT NULL, unit_price numeric(10,2) NOT NULL);
      CREATE TABLE payment (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders(id),
        amount numeric(12,2) NOT NULL, method text NOT NULL, paid_at timestamptz NOT NULL, ref uuid NOT NULL);
      CREATE TABLE event (id bigint PRIMARY KEY, customer_id bigint REFERENCES customer(id), kind text NOT NULL,
        payload jsonb NOT NULL, at timestamptz NOT NULL);
      CREATE INDEX orders_customer ON orders (customer_id);
      CREATE INDEX order_item_order ON order_item (order_id);
      CREATE INDEX payment_order ON payment (order_id);
      CREATE INDEX event_customer ON event (customer_id);
      """;

  static final String SQLITE_DDL = dev.porter.bench.app.Ddl.SQLITE;

  /**
   * One row's values, generated from its table and id alone (so both engines get the same rows).
   */
  Object[] row(String table, long id) {
    SplittableRandom r = new SplittableRandom(table.hashCode() * 1_000_003L + id);
    Instant t =
        Instant.ofEpochSecond(
            1_600_000_000L + r.nextLong(150_000_000L), r.nextInt(1_000_000) * 1000L);
    return switch (table) {
      case "customer" ->
          new Object[] {
            id,
            new UUID(r.nextLong(), r.nextLong()),
            WORDS[r.nextInt(10)] + " " + WORDS[r.nextInt(10)] + " " + id,
            r.nextInt(8) == 0 ? null : "user" + id + "@mail.example",
            COUNTRIES[r.nextInt(COUNTRIES.length)],
            t,
            r.nextInt(10) == 0
          };
      case "product" -> {
        byte[] img = new byte[512 + r.nextInt(2560)];
        for (int i = 0; i < img.length; i++) {
          img[i] = (byte) (i % 64 == 0 ? r.nextInt(256) : (img[Math.max(0, i - 1)] + r.nextInt(3)));
        }
        yield new Object[] {
          id,
          String.format(Locale.ROOT, "SKU-%08d", id),
          WORDS[r.nextInt(10)] + " " + WORDS[r.nextInt(10)] + " widget",
          String.format(Locale.ROOT, "%d.%02d", 1 + r.nextInt(999), r.nextInt(100)),
          img,
          new String[] {WORDS[r.nextInt(10)], WORDS[r.nextInt(10)]}
        };
      }
      case "orders" ->
          new Object[] {
            id,
            1 + r.nextLong(customers()),
            t,
            STATUS[r.nextInt(STATUS.length)],
            String.format(Locale.ROOT, "%d.%02d", r.nextInt(5000), r.nextInt(100)),
            r.nextInt(3) == 0
                ? null
                : "{\"channel\": \""
                    + WORDS[r.nextInt(10)]
                    + "\", \"gift\": "
                    + r.nextBoolean()
                    + ", \"items\": "
                    + (1 + r.nextInt(5))
                    + "}"
          };
      case "order_item" ->
          new Object[] {
            id,
            1 + (id - 1) / 3,
            1 + r.nextLong(products()),
            1 + r.nextInt(5),
            String.format(Locale.ROOT, "%d.%02d", 1 + r.nextInt(999), r.nextInt(100))
          };
      case "payment" ->
          new Object[] {
            id,
            1 + (id - 1) * 2 % orders(),
            String.format(Locale.ROOT, "%d.%02d", r.nextInt(5000), r.nextInt(100)),
            METHOD[r.nextInt(3)],
            t,
            new UUID(r.nextLong(), r.nextLong())
          };
      default ->
          new Object[] {
            id,
            r.nextInt(5) == 0 ? null : 1 + r.nextLong(customers()),
            WORDS[r.nextInt(10)],
            "{\"page\": \"/"
                + WORDS[r.nextInt(10)]
                + "/"
                + id
                + "\", \"ms\": "
                + r.nextInt(2000)
                + ", \"ok\": "
                + r.nextBoolean()
                + "}",
            t
          };
    };
  }

  long count(String table) {
    return switch (table) {
      case "customer" -> customers();
      case "product" -> products();
      case "orders" -> orders();
      case "order_item" -> items();
      case "payment" -> payments();
      default -> events();
    };
  }

  void fillSqlite(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode = OFF");
        s.execute("PRAGMA synchronous = OFF");
        s.executeUpdate(SQLITE_DDL);
      }
      c.setAutoCommit(false);
      for (String table : TABLES) {
        int width = row(table, 1).length;
        String marks = "?" + ", ?".repeat(width - 1);
        try (PreparedStatement ps =
            c.prepareStatement("INSERT INTO " + table + " VALUES (" + marks + ")")) {
          for (long id = 1; id <= count(table); id++) {
            Object[] v = row(table, id);
            for (int i = 0; i < v.length; i++) {
              Object x = v[i];
              if (x instanceof String[] arr) {
                x = "[\"" + String.join("\", \"", arr) + "\"]";
              } else if (x instanceof Instant ins) {
                x = ins.toString();
              } else if (x instanceof Boolean b) {
                x = b ? 1 : 0;
              } else if (x instanceof UUID u) {
                x = u.toString();
              } else if (x instanceof String s
                  && i > 0
                  && (table.equals("product") && i == 3
                      || table.equals("orders") && i == 4
                      || table.equals("order_item") && i == 4
                      || table.equals("payment") && i == 2)) {
                x = Double.parseDouble(s);
              }
              ps.setObject(i + 1, x);
            }
            ps.executeUpdate();
          }
        }
      }
      c.commit();
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode = DELETE");
      }
    }
  }

  void fillPostgres(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url)) {
      try (Statement s = c.createStatement()) {
        s.execute(PG_DDL);
      }
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      for (String table : TABLES) {
        StringBuilder b = new StringBuilder();
        for (long id = 1; id <= count(table); id++) {
          Object[] v = row(table, id);
          for (int i = 0; i < v.length; i++) {
            if (i > 0) {
              b.append('\t');
            }
            Object x = v[i];
            if (x == null) {
              b.append("\\N");
            } else if (x instanceof byte[] bytes) {
              b.append("\\\\x").append(HexFormat.of().formatHex(bytes));
            } else if (x instanceof String[] arr) {
              b.append('{').append(String.join(",", arr)).append('}');
            } else if (x instanceof Boolean bool) {
              b.append(bool ? 't' : 'f');
            } else {
              b.append(x.toString().replace("\\", "\\\\"));
            }
          }
          b.append('\n');
          if (b.length() > (8 << 20)) {
            copy.copyIn(
                "COPY " + table + " FROM STDIN",
                new ByteArrayInputStream(b.toString().getBytes(StandardCharsets.UTF_8)));
            b.setLength(0);
          }
        }
        copy.copyIn(
            "COPY " + table + " FROM STDIN",
            new ByteArrayInputStream(b.toString().getBytes(StandardCharsets.UTF_8)));
      }
      try (Statement s = c.createStatement()) {
        s.execute("VACUUM ANALYZE");
      }
    }
  }
}
