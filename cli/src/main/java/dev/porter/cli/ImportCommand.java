package dev.porter.cli;

import dev.porter.core.PorterException;
import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.Dialects;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.dialect.TargetOptions;
import dev.porter.core.engine.ImportJob;
import dev.porter.core.engine.ImportOptions;
import dev.porter.core.engine.ImportReport;
import dev.porter.formats.PorterArchive;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import an archive into a database: a plain restore of the archived schema, or, with --app,",
      "into a fresh baseline of a release of the app, the rows carried through its transform steps.",
      "The data is loaded into a staging database beside the target, checked (every archive",
      "checksum, row counts, integrity, foreign keys), and only then moved into place.",
      "If anything fails, or porter is killed, the target is exactly as it was."
    })
final class ImportCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE|-",
      description = "The archive; - reads standard input.")
  String archive;

  @Option(
      names = "--db",
      required = true,
      paramLabel = "DB",
      description = "The target: a SQLite file, or a jdbc:sqlite: or jdbc:postgresql: URL.")
  String db;

  @Mixin AppOptions appOptions;

  @Option(
      names = "--mode",
      defaultValue = "new",
      paramLabel = "new|replace",
      description = {
        "new (default): the target must not exist or be empty.",
        "replace: swap the new database in atomically; the old one is kept beside it as",
        "NAME.pre-import.TIMESTAMP."
      })
  String mode;

  @Option(
      names = "--accept-fk-violations",
      description = "Load rows that violate foreign keys (a source that already held such rows).")
  boolean acceptFkViolations;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Also write the report as JSON (docs/json-output.md).")
  Path report;

  @Option(
      names = "--allow-lossy",
      paramLabel = "TABLE.COLUMN",
      description = {
        "Convert this column's values even where the target type cannot hold them exactly",
        "(rounding, dropping NUL characters…). Repeatable; TABLE.* names every column of a table."
      })
  java.util.List<String> allowLossy = java.util.List.of();

  @Option(
      names = "--lookup-memory-rows",
      paramLabel = "N",
      defaultValue = "500000",
      description =
          "Rows a lookup table keeps in memory before it moves to a temporary file (default 500000).")
  long lookupRows;

  @Mixin ProgressOption progress;

  static ImportMode mode(String mode) {
    return switch (mode) {
      case "new" -> ImportMode.NEW;
      case "replace" -> ImportMode.REPLACE;
      default ->
          throw PorterException.usage("unknown --mode " + mode + " (expected new or replace)");
    };
  }

  @Override
  public Integer call() {
    ProgressPrinter printer = progress.printer(spec.commandLine().getErr());
    DatabaseRef ref = DatabaseRef.parse(db);
    TargetOptions target =
        new TargetOptions(
            mode(mode),
            acceptFkViolations,
            Clock.systemUTC(),
            "pre-import",
            java.util.Set.copyOf(allowLossy));
    ImportOptions options =
        new ImportOptions(
                target,
                appOptions.load(),
                appOptions.toVersion(),
                appOptions.fromVersion(),
                appOptions.seedPolicies(),
                lookupRows,
                Path.of(System.getProperty("java.io.tmpdir")))
            .withLookupMemoryRows(lookupRows);
    ImportReport result;
    try (ArchiveReader reader =
        archive.equals("-")
            ? PorterArchive.read(System.in, "standard input")
            : PorterArchive.read(Path.of(archive))) {
      result = new ImportJob(Dialects.forRef(ref), ref, options, printer).run(reader);
    } finally {
      printer.done();
    }
    Render.report(result, spec.commandLine().getOut());
    if (report != null) {
      Render.writeJson(report, result);
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
