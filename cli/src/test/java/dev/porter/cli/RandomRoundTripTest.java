package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.porter.testdata.RandomSqlite;
import dev.porter.testdata.SqliteCompare;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: any database {@link RandomSqlite} writes (random tables, names, declared types, STRICT
 * and WITHOUT ROWID, values of every storage class mixed in a column, random settings) comes back
 * identical from an export and an import. A failure names the seed: {@code
 * RandomSqlite.create(file, seed)} writes that database again.
 */
class RandomRoundTripTest {
  @TempDir Path dir;

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 40);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomDatabaseRoundTrips(long seed) throws Exception {
    Path source = dir.resolve("random.db");
    Path archive = dir.resolve("random.porter");
    Path restored = dir.resolve("restored.db");
    String what = RandomSqlite.create(source, seed);

    Cli.Result export = Cli.run("export", "--db", source, "--output", archive);
    assertEquals(0, export.code(), () -> "export failed for " + what + "\n" + export);
    Cli.Result imp = Cli.run("import", archive, "--db", restored);
    assertEquals(0, imp.code(), () -> "import failed for " + what + "\n" + imp);

    String difference = SqliteCompare.difference(source, restored);
    assertNull(difference, () -> "restored database differs for " + what + ": " + difference);
  }
}
