package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.porter.testdata.SqliteCompare;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database that has run ANALYZE carries sqlite_stat1, which only ANALYZE may create. */
class SqliteStatisticsRoundTripTest {
  @TempDir Path dir;

  @Test
  void analyzedDatabaseRestoresWithItsStatistics() throws Exception {
    Path src = dir.resolve("src.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + src);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
      s.execute("CREATE INDEX t_name ON t(name)");
      s.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) INSERT INTO t SELECT i, 'n' || (i % 7) FROM n");
      s.execute("ANALYZE");
    }
    Path archive = dir.resolve("a.porter");
    Path restored = dir.resolve("restored.db");
    assertEquals(0, run("export", "--db", src.toString(), "--output", archive.toString()));
    assertEquals(0, run("import", archive.toString(), "--db", restored.toString()));
    assertNull(SqliteCompare.difference(src, restored));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT stat FROM sqlite_stat1 WHERE idx = 't_name'")) {
      r.next();
      assertEquals("100 15", r.getString(1)); // 100 rows, about 15 per distinct name
    }
  }

  private static int run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    return Main.run(new PrintStream(out), new PrintStream(err), args);
  }
}
