package dev.porter.core.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs a multi-statement SQL script (an app's DDL) the way the sqlite3 shell does. sqlite-jdbc's
 * {@code executeUpdate} on a plain statement hands the whole text to {@code sqlite3_exec}, which
 * runs every statement; {@code execute} would run only the first.
 */
final class SqliteScript {
  private SqliteScript() {}

  static void run(Connection c, String script) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate(script);
    }
  }
}
