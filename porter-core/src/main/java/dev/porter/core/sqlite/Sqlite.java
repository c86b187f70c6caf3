package dev.porter.core.sqlite;

import dev.porter.core.PorterException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Properties;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Small SQLite helpers shared by the source and the target. */
final class Sqlite {
  private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private static final int OPEN_READONLY = 0x1;
  private static final int OPEN_READWRITE = 0x2;
  private static final int OPEN_CREATE = 0x4;
  private static final int OPEN_NOMUTEX = 0x8000;

  private Sqlite() {}

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /**
   * Whether the file starts with SQLite's header, read through porter's one descriptor of the file,
   * since closing another would drop the locks SQLite's connections hold on it (SqliteFileReads). A
   * file that cannot be read is not called "not a SQLite database" (it may well be one, of another
   * user): that is exit 7, with the reason.
   */
  static boolean isSqliteFile(Path file) {
    try {
      return Arrays.equals(SqliteFileReads.head(file, MAGIC.length), MAGIC);
    } catch (IOException e) {
      String reason = e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
      throw PorterException.unavailable("cannot read " + file + ": " + reason, e);
    }
  }

  static Connection connect(Path file, boolean readOnly) throws SQLException {
    Properties p = new Properties();
    // SQLITE_OPEN_NOMUTEX: sqlite-jdbc already serializes every call on a connection (its native
    // methods are synchronized), so SQLite's own lock around each call is a second one, paid per
    // value read or bound. Each thread of porter has its own connection.
    int mode = (readOnly ? OPEN_READONLY : OPEN_READWRITE | OPEN_CREATE) | OPEN_NOMUTEX;
    p.setProperty("open_mode", Integer.toString(mode));
    p.setProperty("busy_timeout", "10000");
    // sqlite-jdbc would otherwise run a regex and SELECT last_insert_rowid() after every insert
    p.setProperty("jdbc.get_generated_keys", "false");
    return new org.sqlite.JDBC().connect("jdbc:sqlite:" + file, p);
  }

  /**
   * A database in memory, for SQLite to read DDL with. Through the driver itself: {@code
   * DriverManager} would first load and start every driver on the class path (PostgreSQL's, and the
   * JDK's logging with it), some 7 ms in the middle of a SQLite import.
   */
  static Connection memory() throws SQLException {
    return new org.sqlite.JDBC().connect("jdbc:sqlite::memory:", new Properties());
  }

  static String string(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getString(1) : null;
    }
  }

  static long number(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getLong(1) : 0;
    }
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static PorterException failure(String what, Path file, SQLException e) {
    if (e instanceof SQLiteException se
        && se.getResultCode() == SQLiteErrorCode.SQLITE_READONLY_ROLLBACK) {
      // porter reads a source read-only; SQLite's own words do not say what to do
      return PorterException.unavailable(
          what
              + " "
              + file
              + ": it has a hot journal ("
              + file.getFileName()
              + "-journal), left by a writer that stopped in the middle of a transaction;"
              + " SQLite rolls it back at the next read-write open (the app's, or"
              + " sqlite3 "
              + file.getFileName()
              + " 'PRAGMA quick_check'); run porter again after that",
          e);
    }
    return PorterException.unavailable(
        what + " " + file + ": " + e.getMessage().replace('\n', ' '), e);
  }
}
