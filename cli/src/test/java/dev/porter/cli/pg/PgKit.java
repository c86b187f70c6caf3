package dev.porter.cli.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.cli.Main;
import dev.porter.core.app.PorterApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the PostgreSQL tests of the sample app, the safety guarantees and the coercions share:
 * porter run in this JVM, SQL against a test database, a snapshot of everything a database holds
 * (to prove it unchanged), and a text form of rows that compares SQLite and PostgreSQL tables.
 */
final class PgKit {
  private PgKit() {}

  /** What one porter run printed and returned. */
  record Run(int code, String out, String err) {
    Run expect(int expected) {
      assertEquals(expected, code, () -> "exit code; stdout:\n" + out + "\nstderr:\n" + err);
      return this;
    }

    List<String> errLines() {
      return err.isEmpty() ? List.of() : Arrays.asList(err.split("\r?\n"));
    }
  }

  static Run porter(Object... args) {
    String[] a = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(o, e, a);
    }
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * Runs porter in this JVM with {@code user.dir} pointing at {@code dir}: an upgrade of a
   * PostgreSQL database writes its backup archive into the working directory, which must not be the
   * module's source tree.
   */
  static Run porterIn(Path dir, Object... args) {
    String old = System.getProperty("user.dir");
    System.setProperty("user.dir", dir.toAbsolutePath().toString());
    try {
      return porter(args);
    } finally {
      System.setProperty("user.dir", old);
    }
  }

  /** A directory that names {@code app} in META-INF/services, as {@code --app} expects. */
  static Path appDir(Path parent, Class<? extends PorterApp> app) throws IOException {
    Path dir = parent.resolve("app-" + app.getSimpleName());
    Path service = dir.resolve("META-INF/services/dev.porter.core.app.PorterApp");
    Files.createDirectories(service.getParent());
    Files.writeString(service, app.getName() + "\n");
    return dir;
  }

  /** The names of the files in a directory, sorted. */
  static List<String> files(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static void sql(String url, String... statements) throws SQLException {
    try (Connection c = TestPostgres.connect(url);
        Statement s = c.createStatement()) {
      for (String q : statements) {
        s.execute(q);
      }
    }
  }

  /** The rows of a query, every value as PostgreSQL's own text form (null as null). */
  static List<List<String>> rows(String url, String query) throws SQLException {
    try (Connection c = TestPostgres.connect(url)) {
      return rows(c, query);
    }
  }

  static List<List<String>> rows(Connection c, String query) throws SQLException {
    List<List<String>> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(query)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(r.getString(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  /** The single value of a query, as text. */
  /**
   * A column of a table as PostgreSQL shows it ({@code ::text}, UTC, floats in full), in id order.
   */
  static List<String> texts(Connection c, String table, String column) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute("SET extra_float_digits = 3");
    }
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT " + column + "::text FROM " + table + " ORDER BY id")) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  static String value(String url, String query) throws SQLException {
    List<List<String>> r = rows(url, query);
    return r.isEmpty() ? null : r.get(0).get(0);
  }

  static long count(String url, String query) throws SQLException {
    return Long.parseLong(value(url, query));
  }

  /** A copy of a database, made by the server (no other session may be connected to it). */
  static String copyOf(String url) throws SQLException {
    String name = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
    String copy = name + "_copy" + System.nanoTime() % 1_000_000;
    try (Connection c = TestPostgres.instance().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + copy + " TEMPLATE " + name);
    }
    return TestPostgres.url(copy);
  }

  /** The schemas of a database other than PostgreSQL's own. */
  static List<String> schemas(String url) throws SQLException {
    List<String> out = new ArrayList<>();
    for (List<String> r :
        rows(
            url,
            "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema')"
                + " AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp\\_%' ORDER BY 1")) {
      out.add(r.get(0));
    }
    return out;
  }

  /**
   * Everything a database holds, as text: its schemas, and for every relation outside the system
   * schemas its kind and its rows (sorted COPY text); every sequence's state. Two equal snapshots
   * mean an unchanged database, as far as data goes.
   */
  static Map<String, List<String>> snapshot(String url) throws Exception {
    Map<String, List<String>> out = new TreeMap<>();
    try (Connection c = TestPostgres.connect(url)) {
      out.put("(schemas)", flatten(schemasOf(c)));
      for (List<String> rel :
          rows(
              c,
              "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind::text FROM pg_class c"
                  + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'S', 'v', 'm')"
                  + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
                  + " ORDER BY 1")) {
        String name = rel.get(0);
        switch (rel.get(1)) {
          case "r" -> out.put(name, PgCompare.rows(c, name));
          case "S" -> out.put(name, flatten(rows(c, "SELECT last_value, is_called FROM " + name)));
          default -> out.put(name, List.of("(" + rel.get(1) + ")"));
        }
      }
      out.put(
          "(temporary porter tables)",
          flatten(rows(c, "SELECT relname FROM pg_class WHERE relname LIKE 'porter\\_merge%'")));
    }
    return out;
  }

  private static List<List<String>> schemasOf(Connection c) throws SQLException {
    return rows(
        c,
        "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp\\_%' ORDER BY 1");
  }

  private static List<String> flatten(List<List<String>> rows) {
    List<String> out = new ArrayList<>();
    for (List<String> r : rows) {
      out.add(String.join("|", r.stream().map(String::valueOf).toList()));
    }
    return out;
  }

  /**
   * The rows of a table of a SQLite or PostgreSQL database as engine-neutral text, sorted: integers
   * of any width as decimal digits, booleans as true/false, decimals without trailing zeros, bytes
   * as hex, text as it is, NULL as \N. Independent of porter's code.
   */
  static List<String> normalisedRows(Connection c, String table) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          if (i > 1) {
            b.append('\t');
          }
          b.append(r.getMetaData().getColumnName(i)).append('=').append(normalise(r.getObject(i)));
        }
        out.add(b.toString());
      }
    }
    out.sort(null);
    return out;
  }

  static String normalise(Object v) {
    if (v == null) {
      return "\\N";
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      return Long.toString(((Number) v).longValue());
    }
    if (v instanceof BigDecimal d) {
      return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }
    if (v instanceof byte[] b) {
      return HexFormat.of().formatHex(b);
    }
    return v.toString();
  }

  /** The tables of a SQLite file (without SQLite's own) or of PostgreSQL's public schema. */
  static List<String> tableNames(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    String q =
        c.getMetaData().getURL().startsWith("jdbc:sqlite")
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1"
            : "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 1";
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(q)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  /** The rows of a query on a SQLite file, each value as sqlite-jdbc's getObject gives it. */
  static List<List<Object>> sqliteRows(Path db, String sql) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
          row.add(r.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  /**
   * null when the SQLite file and the PostgreSQL database's public schema hold the same tables with
   * the same rows (in normalised text), else the first difference.
   */
  static String crossEngineDifference(Path sqlite, String pg) throws SQLException {
    try (Connection a = DriverManager.getConnection("jdbc:sqlite:" + sqlite.toAbsolutePath());
        Connection b = TestPostgres.connect(pg)) {
      List<String> ta = tableNames(a);
      List<String> tb = tableNames(b);
      if (!ta.equals(tb)) {
        return "tables differ: " + ta + " vs " + tb;
      }
      for (String t : ta) {
        List<String> ra = normalisedRows(a, t);
        List<String> rb = normalisedRows(b, t);
        if (ra.isEmpty()) {
          return "table " + t + " is empty: the comparison would prove nothing";
        }
        String d = PgCompare.firstDifference(t, ra, rb);
        if (d != null) {
          return d;
        }
      }
      return null;
    }
  }
}
