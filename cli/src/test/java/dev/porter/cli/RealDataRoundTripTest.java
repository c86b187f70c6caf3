package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testdata.SqliteCompare;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The public sample databases in ../shared/realdata survive export and import unchanged: schema,
 * settings, and every value with its storage class (SqliteCompare).
 */
class RealDataRoundTripTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // file, a table, its row count as the realdata README states it
    "chinook/chinook.db, Track, 3503",
    "chinook/chinook_autoinc.db, InvoiceLine, 2240",
    "northwind/northwind.db, Order Details, 2155",
    "northwind/northwind-populated.db, Order Details, 608452",
    "sakila/sakila.db, rental, 16044",
  })
  void roundTripIsIdentical(String file, String table, long rows) throws Exception {
    Path shared = Cli.realData().resolve(file);
    assertTrue(Files.isRegularFile(shared), shared + " is missing from ../shared/realdata");
    // ../shared is read-only: work on a copy
    Path source = dir.resolve("source.db");
    Files.copy(shared, source);
    Path archive = dir.resolve("source.porter");
    Path restored = dir.resolve("restored.db");

    Cli.ok("export", "--db", source, "--output", archive);
    Cli.ok("verify", archive);
    Cli.ok("import", archive, "--db", restored);

    assertNull(SqliteCompare.difference(source, restored), file + " differs after the round trip");
    assertEquals(rows, count(restored, table), table + " rows in the restored " + file);
  }

  private static long count(Path db, String table) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
      r.next();
      return r.getLong(1);
    }
  }
}
