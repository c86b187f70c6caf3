package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testdata.ManyRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export told to stop (SIGTERM, as from a service manager, or Ctrl-C's SIGINT) in the middle of
 * its rows leaves neither an archive nor its hidden partial file behind: a partial the size of the
 * rows so far used to stay beside the output for good.
 */
class TerminatedExportTest {
  @TempDir Path dir;
  @TempDir Path tmp;

  @Test
  void aTerminatedExportLeavesNoPartialFile() throws Exception {
    Path source = dir.resolve("big.db");
    ManyRows.create(source, 400_000);
    Path out = Files.createDirectories(dir.resolve("out"));
    Path archive = out.resolve("big.porter");
    Process p =
        Cli.process(
                List.of("-Djava.io.tmpdir=" + tmp),
                "export",
                "--db",
                source,
                "--output",
                archive,
                "--progress",
                "always")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    // the first progress line past 10,000 rows: the partial file holds rows by now
    String seen = Cli.awaitOnStderr(p, "0,000 rows |");
    assertTrue(p.isAlive(), "the export ended before it could be stopped: " + seen);
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(128 + 15, p.exitValue(), "ended by SIGTERM, not finished: " + seen);
    assertEquals(List.of(), Cli.files(out), "an export stopped half-way leaves nothing");
  }
}
