package dev.porter.core.postgres;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.dialect.DatabaseRef;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Small PostgreSQL helpers. */
final class Pg {
  private Pg() {}

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  static String qualified(String schema, String name) {
    return quote(schema) + "." + quote(name);
  }

  /** porter's name of a table: qualified with its schema unless the schema is public. */
  static String porterName(String schema, String table) {
    return "public".equals(schema) ? table : schema + "." + table;
  }

  /**
   * Opens a connection that speaks UTC, ISO dates and hex bytea, whatever the server's defaults.
   * Through the driver itself, as {@code Sqlite.connect} does: {@code DriverManager} would first
   * load and start every driver on the class path, and build a log line on each call whose string
   * concatenation (the JDK's {@code java.sql} uses invokedynamic for it) spins method-handle
   * classes at run time. Notices are not sent: porter reads none, and pgjdbc would make each one an
   * {@code SQLWarning}, whose constructor builds such a log line too.
   */
  static Connection connect(DatabaseRef ref) {
    try {
      Properties p = new Properties();
      p.setProperty("ApplicationName", "porter");
      Connection c = new org.postgresql.Driver().connect(ref.jdbcUrl(), p);
      if (c == null) {
        throw new SQLException("not a PostgreSQL URL: " + ref.display());
      }
      try (Statement s = c.createStatement()) {
        s.execute("SET TimeZone = 'UTC'");
        s.execute("SET DateStyle = 'ISO, YMD'");
        s.execute("SET IntervalStyle = 'postgres'");
        s.execute("SET bytea_output = 'hex'");
        s.execute("SET extra_float_digits = 3");
        s.execute("SET client_encoding = 'UTF8'");
        s.execute("SET client_min_messages = warning");
      }
      return c;
    } catch (SQLException e) {
      throw PorterException.unavailable(
          "cannot connect to PostgreSQL database " + ref.display() + ": " + oneLine(e), e);
    }
  }

  static String oneLine(SQLException e) {
    String m = e.getMessage();
    return m == null ? e.toString() : m.replace('\n', ' ').replaceAll("\\s+", " ").trim();
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static String string(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getString(1) : null;
    }
  }

  /**
   * The first row of a query with parameters, one value per column ({@code getObject}), or null
   * when there is none.
   */
  static Object[] first(Connection c, String sql, Object... parameters) throws SQLException {
    try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setObject(i + 1, parameters[i]);
      }
      try (ResultSet r = ps.executeQuery()) {
        if (!r.next()) {
          return null;
        }
        Object[] row = new Object[r.getMetaData().getColumnCount()];
        for (int i = 0; i < row.length; i++) {
          row[i] = r.getObject(i + 1);
        }
        return row;
      }
    }
  }

  static long number(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getLong(1) : 0;
    }
  }

  /**
   * Holds off the writers of every table in {@code schemas} until the connection's transaction
   * ends: SHARE locks, so INSERT, UPDATE and DELETE wait while reads go on. A writer that waited
   * finds its table by name again when the transaction ends, so after a swap of schemas it writes
   * into the new table, not into the pre-image. Waits up to 10 s for writers already inside a
   * transaction, then fails with {@link ErrorCategory#LOCKED}, whose message {@code holder}
   * completes ("an upgrade holds them off from its backup to its swap").
   */
  static void holdWriters(Connection c, List<String> schemas, DatabaseRef ref, String holder)
      throws SQLException {
    List<String> tables = new ArrayList<>();
    for (PgCatalog.Rel r : PgCatalog.relations(c, schemas)) {
      if (!r.partition()) { // a partitioned table's lock covers its partitions
        tables.add(qualified(r.schema(), r.name()));
      }
    }
    if (tables.isEmpty()) {
      return;
    }
    String before = string(c, "SHOW lock_timeout");
    try {
      exec(c, "SET LOCAL lock_timeout = '10s'");
      exec(c, "LOCK TABLE " + String.join(", ", tables) + " IN SHARE MODE");
    } catch (SQLException e) {
      if ("55P03".equals(e.getSQLState())) {
        throw new PorterException(
            ErrorCategory.LOCKED,
            "database "
                + ref.display()
                + " has writers that did not finish within 10 s; "
                + holder
                + ": stop the application's writes, or try again",
            e);
      }
      throw e;
    }
    exec(c, "SELECT set_config('lock_timeout', " + literal(before) + ", true)");
  }

  /**
   * Moves the extensions that live in schemas just renamed away back under the schema names they
   * had ({@code renamed}: new name → old name), creating those schemas if need be. An extension's
   * types and functions are then found by the name the application uses (public.citext), while the
   * renamed tables keep using them (they refer to them by their ids). An extension that cannot be
   * moved (not relocatable) stays where it is.
   */
  static void moveExtensions(Connection c, java.util.Map<String, String> renamed)
      throws SQLException {
    for (java.util.Map.Entry<String, String> e : renamed.entrySet()) {
      List<String> names = new ArrayList<>();
      try (java.sql.PreparedStatement ps =
          c.prepareStatement(
              "SELECT e.extname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
                  + " WHERE n.nspname = ? AND e.extrelocatable ORDER BY e.oid")) {
        ps.setString(1, e.getKey());
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            names.add(r.getString(1));
          }
        }
      }
      for (String name : names) {
        exec(c, "CREATE SCHEMA IF NOT EXISTS " + quote(e.getValue()));
        exec(c, "SAVEPOINT porter_extension");
        try {
          exec(c, "ALTER EXTENSION " + quote(name) + " SET SCHEMA " + quote(e.getValue()));
          exec(c, "RELEASE SAVEPOINT porter_extension");
        } catch (SQLException failed) {
          exec(c, "ROLLBACK TO SAVEPOINT porter_extension");
        }
      }
    }
  }

  static PorterException failure(String what, DatabaseRef ref, SQLException e) {
    return PorterException.unavailable(what + " " + ref.display() + ": " + oneLine(e), e);
  }
}
