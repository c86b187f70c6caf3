package dev.porter.cli;

import static dev.porter.cli.CommandModel.add;
import static dev.porter.cli.CommandModel.archive;
import static dev.porter.cli.CommandModel.command;
import static dev.porter.cli.CommandModel.database;
import static dev.porter.cli.CommandModel.flag;
import static dev.porter.cli.CommandModel.list;
import static dev.porter.cli.CommandModel.number;
import static dev.porter.cli.CommandModel.path;
import static dev.porter.cli.CommandModel.text;

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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** porter import: an archive into a database, through a staging copy that is checked first. */
final class ImportCommand implements Callable<Integer> {
  final CommandSpec spec =
      command(
          this,
          "import",
          "Import an archive into a database, through a staging copy that is checked first.",
          "A plain restore loads the archived schema; with --app, the rows go through the app's"
              + " transform steps into a fresh baseline of one of its releases.",
          "The data is loaded into a staging database beside the target, checked (every archive"
              + " checksum, row counts, integrity, foreign keys), and only then moved into place."
              + " If anything fails, or porter is killed, the target is exactly as it was.");

  private final PositionalParamSpec archive =
      archive(spec, "FILE|-", "The archive; - reads standard input.");

  private final OptionSpec db =
      database(spec, "The target: a SQLite file, or a jdbc:sqlite: or jdbc:postgresql: URL.");

  private final AppOptions appOptions = new AppOptions(spec);

  private final OptionSpec mode =
      add(
          spec,
          text("--mode")
              .defaultValue("new")
              .paramLabel("new|replace")
              .description(
                  "new (default): the target must not exist or be empty.",
                  "replace: swap the new database in atomically; the old one is kept beside it as"
                      + " NAME.pre-import.TIMESTAMP."));

  private final OptionSpec acceptFkViolations =
      add(
          spec,
          flag("--accept-fk-violations")
              .description(
                  "Load rows that violate foreign keys (a source that already held such rows)."));

  private final OptionSpec report =
      add(
          spec,
          path("--report")
              .paramLabel("FILE")
              .description("Also write the report as JSON (docs/json-output.md)."));

  private final OptionSpec allowLossy =
      add(
          spec,
          list("--allow-lossy")
              .paramLabel("TABLE.COLUMN")
              .description(
                  "Convert this column's values even where the target type cannot hold them exactly"
                      + " (rounding, dropping NUL characters…). Repeatable; TABLE.* names every"
                      + " column of a table."));

  private final OptionSpec lookupRows =
      add(
          spec,
          number(long.class, "--lookup-memory-rows")
              .defaultValue("500000")
              .description(
                  "Rows a lookup table keeps in memory before it moves to a temporary file (default 500000)."));

  private final ProgressOption progress = new ProgressOption(spec);

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
    String archive = this.archive.getValue();
    long lookupRows = this.lookupRows.getValue();
    ProgressPrinter printer = progress.printer(spec.commandLine().getErr());
    DatabaseRef ref = DatabaseRef.parse(db.getValue());
    TargetOptions target =
        new TargetOptions(
            mode(mode.getValue()),
            acceptFkViolations.getValue(),
            Clock.systemUTC(),
            "pre-import",
            java.util.Set.copyOf(allowLossy.<java.util.List<String>>getValue()));
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
    Path report = this.report.getValue();
    if (report != null) {
      Render.writeJson(report, result);
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
