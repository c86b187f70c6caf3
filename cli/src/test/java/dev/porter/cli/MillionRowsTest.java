package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testdata.ManyRows;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export and import stream: a table of one million rows (about 120 characters of text each, so that
 * holding the rows in memory would need well over 256 MB) goes through porter processes whose heap
 * is capped at 256 MB.
 */
class MillionRowsTest {
  static final long ROWS = 1_000_000;
  static final List<String> SMALL_HEAP = List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError");

  @TempDir Path dir;

  @Test
  void millionRowsWith256MegabytesOfHeap() throws Exception {
    Path source = dir.resolve("big.db");
    ManyRows.create(source, ROWS);
    Path archive = dir.resolve("big.porter");
    Path restored = dir.resolve("restored.db");

    Cli.Result export = Cli.runProcess(SMALL_HEAP, "export", "--db", source, "--output", archive);
    assertEquals(0, export.code(), export::toString);
    assertTrue(export.out().contains("1,000,000 rows"), export::toString);

    Cli.Result imp = Cli.runProcess(SMALL_HEAP, "import", archive, "--db", restored);
    assertEquals(0, imp.code(), imp::toString);

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT count(*), sum(id), min(id), max(id), sum(length(t)), sum(n) FROM big")) {
      r.next();
      assertEquals(ROWS, r.getLong(1), "rows");
      assertEquals(ROWS * (ROWS + 1) / 2, r.getLong(2), "sum of ids 1..n");
      assertEquals(1, r.getLong(3));
      assertEquals(ROWS, r.getLong(4));
      assertEquals(ROWS * ManyRows.TEXT_CHARS, r.getLong(5), "text bytes");
      assertEquals(expectedSumOfN(), r.getLong(6), "sum of n");
    }
  }

  /** n = x * 2654435761 mod 1000003 for x in 1..ROWS, computed here, not read from a database. */
  private static long expectedSumOfN() {
    long sum = 0;
    for (long x = 1; x <= ROWS; x++) {
      sum += (x * 2654435761L) % 1000003;
    }
    return sum;
  }
}
