package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testdata.ManyRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports stopped half-way. Told to stop (SIGTERM, as from a service manager, or Ctrl-C's SIGINT),
 * an export deletes its hidden partial file; killed (SIGKILL), it cannot, and the next export to
 * the same name removes it, but never the partial of an export that is still running (ADR 0032).
 */
class StoppedExportTest {
  @TempDir Path dir;
  @TempDir Path tmp;
  Path source;
  Path out;
  Path archive;

  @BeforeEach
  void setUp() throws Exception {
    source = dir.resolve("big.db");
    ManyRows.create(source, 400_000);
    out = Files.createDirectories(dir.resolve("out"));
    archive = out.resolve("big.porter");
  }

  /** An export in its own process, once it has written its first 10,000 rows. */
  Process exportUnderWay() throws Exception {
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
    String seen = Cli.awaitOnStderr(p, "0,000 rows |");
    assertTrue(p.isAlive(), "the export ended before it could be stopped: " + seen);
    return p;
  }

  /** The one partial file in the output directory, made two minutes old. */
  Path agedPartial() throws Exception {
    List<String> files = Cli.files(out);
    assertEquals(1, files.size(), files::toString);
    assertTrue(files.get(0).matches("\\.big\\.porter\\.\\d+\\.partial"), files::toString);
    Path partial = out.resolve(files.get(0));
    Files.setLastModifiedTime(partial, FileTime.from(Instant.now().minusSeconds(120)));
    return partial;
  }

  static void signal(Process p, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
    assertEquals(0, kill.waitFor());
  }

  @Test
  void aTerminatedExportLeavesNoPartialFile() throws Exception {
    Process p = exportUnderWay();
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(128 + 15, p.exitValue(), "ended by SIGTERM, not finished");
    assertEquals(List.of(), Cli.files(out), "an export stopped half-way leaves nothing");
  }

  @Test
  void theNextExportRemovesAKilledExportsPartialButNeverALiveOnes() throws Exception {
    Process live = exportUnderWay();
    signal(live, "STOP"); // frozen, holding its partial's lock
    Path livePartial = agedPartial();
    try {
      Cli.ok("export", "--db", source, "--output", archive);
      assertTrue(Files.exists(livePartial), "the partial of a running export must stay");
    } finally {
      live.destroyForcibly(); // SIGKILL: the partial stays, its lock goes with the process
      assertTrue(live.waitFor(60, TimeUnit.SECONDS));
    }
    assertTrue(Files.exists(livePartial));
    Files.setLastModifiedTime(livePartial, FileTime.from(Instant.now().minusSeconds(120)));

    Cli.ok("export", "--db", source, "--output", archive, "--force");
    assertEquals(List.of("big.porter"), Cli.files(out), "the dead export's partial is removed");
    Cli.ok("verify", archive);
  }
}
