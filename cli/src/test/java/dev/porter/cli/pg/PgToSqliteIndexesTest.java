package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL archive restored into SQLite keeps its UNIQUE constraints and the indexes SQLite can
 * take (b-tree on columns, with a partial index's WHERE clause); the others are named in the
 * report.
 */
class PgToSqliteIndexesTest {
  @TempDir Path dir;

  @Test
  void uniqueConstraintsAndPlainIndexesReachSqlite() throws Exception {
    String src = TestPostgres.newDatabase();
    PgKit.sql(
        src,
        "CREATE TABLE member (id int PRIMARY KEY, org int NOT NULL, \"Login\" text NOT NULL,"
            + " email text, status text NOT NULL, CONSTRAINT one_login UNIQUE (org, \"Login\"))",
        "CREATE INDEX by_status ON member (status DESC, id)",
        "CREATE UNIQUE INDEX one_open ON member (org) WHERE status = 'open'",
        "CREATE INDEX by_email ON member (lower(email))",
        "CREATE INDEX hashed ON member USING hash (email)",
        "INSERT INTO member VALUES (1, 1, 'ann', 'a@x', 'open'), (2, 1, 'bob', NULL, 'closed'),"
            + " (3, 2, 'ann', NULL, 'closed')");
    Path archive = dir.resolve("m.porter");
    porter("export", "--db", src, "-o", archive).expect(0);
    Path db = dir.resolve("m.db");
    PgKit.Run run = porter("import", archive, "--db", db).expect(0);
    assertTrue(
        run.out()
            .contains(
                "check indexes            FAILED: 3 of 5 PostgreSQL unique constraints and indexes recreated;"
                    + " not recreated: by_email on member (an expression index);"
                    + " hashed on member (a hash index)\n"),
        run.out());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      List<String> sql = new ArrayList<>();
      try (ResultSet r =
          s.executeQuery(
              "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")) {
        while (r.next()) {
          sql.add(r.getString(1));
        }
      }
      assertEquals(
          List.of(
              "CREATE INDEX \"by_status\" ON \"member\" (\"status\" DESC, \"id\")",
              "CREATE UNIQUE INDEX \"one_login\" ON \"member\" (\"org\", \"Login\")",
              "CREATE UNIQUE INDEX \"one_open\" ON \"member\" (\"org\") WHERE (status = 'open')"),
          sql);
      // both unique rules hold in SQLite as they did in PostgreSQL
      s.execute("INSERT INTO member VALUES (4, 2, 'bob', NULL, 'open')");
      assertThrows(
          SQLException.class,
          () -> s.execute("INSERT INTO member VALUES (5, 1, 'ann', NULL, 'closed')"));
      assertThrows(
          SQLException.class,
          () -> s.execute("INSERT INTO member VALUES (6, 1, 'cyd', NULL, 'open')"));
    }
  }
}
