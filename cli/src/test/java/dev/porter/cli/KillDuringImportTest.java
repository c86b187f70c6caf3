package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.porter.testdata.DemoShop;
import dev.porter.testdata.ManyRows;
import dev.porter.testdata.SqliteCompare;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A real porter process running {@code import --mode replace} is killed with SIGKILL at several
 * moments, found from its own progress output: before the JVM is up, while rows load, while the
 * archive's checksums are verified, while the staging database is checked, and at the swap. The
 * original database survives every kill: either the target is byte-identical to it (the swap had
 * not happened), or the swap had happened and the original's bytes are kept as a pre-image. In both
 * cases the next import succeeds (the OS released the lock; stale staging and partial files are
 * cleaned up).
 */
class KillDuringImportTest {
  static final long ROWS = 150_000;

  @TempDir static Path shared;

  static Path source;
  static Path archive;
  static Path original;

  /** A small archive for the import after the kill (it only has to prove the target is free). */
  static Path nextSource;

  static Path nextArchive;

  @TempDir Path dir;

  /**
   * The killed process's temporary directory. What it leaves there stays out of the machine's
   * {@code /tmp}: sqlite-jdbc's copy of its native library is one a run, and a killed JVM never
   * deletes its own.
   */
  @TempDir Path tmp;

  @BeforeAll
  static void archiveAndOriginal() throws Exception {
    source = shared.resolve("big.db");
    ManyRows.create(source, ROWS);
    archive = shared.resolve("big.porter");
    Cli.ok("export", "--db", source, "--output", archive);
    original = shared.resolve("original.db");
    DemoShop.create(original, 500, 11);
    nextSource = shared.resolve("next.db");
    DemoShop.create(nextSource, 50, 12);
    nextArchive = shared.resolve("next.porter");
    Cli.ok("export", "--db", nextSource, "--output", nextArchive);
  }

  @ParameterizedTest(name = "killed {0}")
  @CsvSource({
    "before the JVM is up, , 0",
    // the first progress line after "big: 0 rows": tens of thousands of rows are in
    "while rows load, '0,000 rows |', 0",
    "while the archive is verified, verifying the archive, 0",
    "while indexes are built, building indexes, 0",
    "while the staging database is checked, checking, 0",
    "as the swap begins, swapping, 0",
    "5 ms into the swap, swapping, 5",
    "15 ms into the swap, swapping, 15",
    "40 ms into the swap, swapping, 40",
  })
  void originalSurvivesSigkill(String when, String marker, long delayMillis) throws Exception {
    Path target = dir.resolve("app.db");
    Files.copy(original, target);
    String before = Cli.sha256(target);

    Process p =
        Cli.process(
                List.of("-Djava.io.tmpdir=" + tmp),
                "import",
                archive,
                "--db",
                target,
                "--mode",
                "replace",
                "--progress",
                "always")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    String seen = "";
    if (marker != null) {
      seen = Cli.awaitOnStderr(p, marker.strip());
    }
    if (delayMillis > 0) {
      Thread.sleep(delayMillis);
    }
    p.destroyForcibly();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    boolean killed = p.exitValue() == 128 + 9;
    if (!killed && !(when.contains("swap") && p.exitValue() == 0)) {
      fail("porter was not killed " + when + ": exit " + p.exitValue() + ", stderr: " + seen);
    }

    List<String> left = Cli.files(dir);
    String outcome;
    if (before.equals(Cli.sha256(target))) {
      outcome = "target untouched";
    } else {
      // the swap happened: the new database is in place and the old bytes are kept
      assertNull(SqliteCompare.difference(source, target), "a swapped-in target must be complete");
      assertTrue(
          preImages(dir).stream().anyMatch(f -> sha256(f).equals(before)),
          "the swap happened, so the original must be kept as a pre-image: " + left);
      outcome = "swap completed, original kept as pre-image";
    }
    System.out.printf(
        "killed %s (exit %d): %s; files left: %s%n", when, p.exitValue(), outcome, left);
    // a plain restore keeps nothing of its own in the temporary directory that a kill could leave
    List<String> leftInTmp = Cli.files(tmp);
    assertTrue(
        leftInTmp.stream().allMatch(f -> f.startsWith("sqlite-") && f.contains("libsqlitejdbc")),
        "a killed import left files of its own in its temporary directory: " + leftInTmp);

    // the next import goes through: the lock is free, stale files are cleaned up
    Cli.ok("import", nextArchive, "--db", target, "--mode", "replace");
    assertNull(SqliteCompare.difference(nextSource, target));
    List<String> after = Cli.files(dir);
    assertTrue(
        after.stream().noneMatch(f -> f.contains("staging") || f.endsWith(".partial")),
        "stale staging or partial files after the next import: " + after);
    assertTrue(
        preImages(dir).stream().anyMatch(f -> sha256(f).equals(before)),
        "the original's bytes must still exist as a pre-image: " + after);
  }

  private static List<Path> preImages(Path dir) throws Exception {
    List<Path> out = new ArrayList<>();
    for (String f : Cli.files(dir)) {
      if (f.contains(".pre-import.")) {
        out.add(dir.resolve(f));
      }
    }
    return out;
  }

  private static String sha256(Path f) {
    try {
      return Cli.sha256(f);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
