package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testdata.EdgeCases;
import dev.porter.testdata.SqliteCompare;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives stream: {@code porter export --output -} piped into {@code porter import -} (two real
 * processes, connected by an OS pipe) restores an identical database, and verify reads stdin.
 */
class StreamingTest {
  @TempDir Path dir;

  @Test
  void exportToStdoutPipedIntoImportFromStdin() throws Exception {
    Path source = dir.resolve("edge.db");
    EdgeCases.create(source, 300_000);
    Path restored = dir.resolve("restored.db");

    List<Process> pipeline =
        ProcessBuilder.startPipeline(
            List.of(
                Cli.process(List.of(), "export", "--db", source, "--output", "-"),
                Cli.process(List.of(), "import", "-", "--db", restored)));
    Cli.Result imp = Cli.finish(pipeline.get(1));
    Cli.Result export = Cli.finish(pipeline.get(0));

    assertEquals(0, export.code(), export::toString);
    assertEquals(0, imp.code(), imp::toString);
    assertTrue(
        export.err().startsWith("exported ") && export.err().contains("to standard output"),
        "with --output -, the summary goes to stderr: " + export);
    assertTrue(imp.out().startsWith("imported "), imp::toString);
    assertNull(SqliteCompare.difference(source, restored));
  }

  @Test
  void verifyReadsStandardInput() throws Exception {
    Path source = dir.resolve("edge.db");
    EdgeCases.create(source, 1000);
    Path archive = dir.resolve("edge.porter");
    Cli.ok("export", "--db", source, "--output", archive);

    Process p = Cli.process(List.of(), "verify", "-").redirectInput(archive.toFile()).start();
    Cli.Result r = Cli.finish(p);
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().startsWith("ok: "), r::toString);
  }
}
