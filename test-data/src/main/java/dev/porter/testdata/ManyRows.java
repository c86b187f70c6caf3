package dev.porter.testdata;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A database with one large table, written fast by SQLite itself (a recursive CTE), for memory,
 * kill and speed tests. Deterministic: row {@code x} (1-based, also its id) holds {@code n = x *
 * 2654435761 mod 1000003}, {@code r = x / 7.0}, a text of about {@value #TEXT_CHARS} characters
 * starting with {@code x} in nine digits, and an 8-byte blob.
 */
public final class ManyRows {
  /** The table's name. */
  public static final String TABLE = "big";

  /** About how many characters each row's text has. */
  public static final int TEXT_CHARS = 120;

  private ManyRows() {}

  /** Writes {@code rows} rows into a new database {@code file}. */
  public static void create(Path file, long rows) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode = OFF");
      s.execute("PRAGMA synchronous = OFF");
      s.execute(
          "CREATE TABLE big (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, r REAL, t TEXT NOT NULL,"
              + " b BLOB)");
      try (PreparedStatement ps =
          c.prepareStatement(
              "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?)"
                  + " INSERT INTO big SELECT x, (x * 2654435761) % 1000003, x / 7.0,"
                  + " printf('%09d %s', x, substr(replace(hex(zeroblob(64)), '0',"
                  + " char(97 + x % 26)), 1, 110)), CAST(printf('%08x', x) AS BLOB) FROM c")) {
        ps.setLong(1, rows);
        ps.executeUpdate();
      }
      s.execute("PRAGMA journal_mode = DELETE");
    }
  }
}
