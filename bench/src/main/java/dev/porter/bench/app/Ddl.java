package dev.porter.bench.app;

/** The benchmark's SQLite shop schema (release 1 of the benchmark app). */
public final class Ddl {
  private Ddl() {}

  public static final String SQLITE =
      """
      CREATE TABLE app_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO app_meta VALUES ('schema_version', '1');
      CREATE TABLE customer (id INTEGER PRIMARY KEY, uuid TEXT NOT NULL, name TEXT NOT NULL, email TEXT,
        country TEXT, created TEXT NOT NULL, vip INTEGER NOT NULL);
      CREATE TABLE product (id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
        price NUMERIC(10,2) NOT NULL, image BLOB NOT NULL, tags TEXT);
      CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customer(id),
        created TEXT NOT NULL, status TEXT NOT NULL, total NUMERIC(12,2) NOT NULL, meta TEXT);
      CREATE TABLE order_item (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id),
        product_id INTEGER NOT NULL REFERENCES product(id), qty INTEGER NOT NULL, unit_price NUMERIC(10,2) NOT NULL);
      CREATE TABLE payment (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id),
        amount NUMERIC(12,2) NOT NULL, method TEXT NOT NULL, paid_at TEXT NOT NULL, ref TEXT NOT NULL);
      CREATE TABLE event (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customer(id), kind TEXT NOT NULL,
        payload TEXT NOT NULL, at TEXT NOT NULL);
      CREATE INDEX orders_customer ON orders (customer_id);
      CREATE INDEX order_item_order ON order_item (order_id);
      CREATE INDEX payment_order ON payment (order_id);
      CREATE INDEX event_customer ON event (customer_id);
      """;
}
