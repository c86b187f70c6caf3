package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testdata.EdgeCases;
import dev.porter.testdata.SqliteCompare;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives written by the first porter release (format version 1) stay readable: the fixture kept
 * in test-data imports into a database identical to a freshly generated EdgeCases database.
 */
class FormatOneFixtureTest {
  static final String FIXTURE = "archives/format-1/edge-cases.porter";

  @TempDir Path dir;

  @Test
  void formatOneArchiveImportsIdentically() throws Exception {
    Path archive = dir.resolve("edge-cases.porter");
    try (InputStream in = EdgeCases.class.getResourceAsStream(FIXTURE)) {
      assertNotNull(in, FIXTURE + " is missing from porter-test-data");
      Files.copy(in, archive);
    }
    Cli.Result inspect = Cli.ok("inspect", archive);
    assertTrue(
        inspect.out().contains("porter-archive 1 (porter 0.1.0-SNAPSHOT)"), inspect::toString);
    Cli.ok("verify", archive);

    Path restored = dir.resolve("restored.db");
    Cli.ok("import", archive, "--db", restored);

    Path expected = dir.resolve("expected.db");
    EdgeCases.create(expected, EdgeCases.FIXTURE_BIG_VALUE_BYTES);
    assertNull(SqliteCompare.difference(expected, restored));
  }

  @Test
  void edgeCasesGeneratorIsDeterministic() throws Exception {
    Path a = dir.resolve("a.db");
    Path b = dir.resolve("b.db");
    EdgeCases.create(a, 1000);
    EdgeCases.create(b, 1000);
    assertNull(SqliteCompare.difference(a, b));
    assertEquals(Files.size(a), Files.size(b));
  }
}
