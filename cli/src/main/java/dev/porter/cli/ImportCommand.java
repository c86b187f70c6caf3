package dev.porter.cli;

import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.dialect.Check;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.Dialects;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.dialect.TargetOptions;
import dev.porter.core.engine.ImportJob;
import dev.porter.core.engine.ImportResult;
import dev.porter.formats.PorterArchive;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Restore an archive into a database.",
      "The data is loaded into a staging database beside the target, checked (row counts,",
      "integrity, foreign keys, every archive checksum), and only then moved into place.",
      "If anything fails, or porter is killed, the target is exactly as it was."
    })
final class ImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

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
      names = "--progress",
      paramLabel = "auto|always|never",
      defaultValue = "auto",
      description = "Progress on standard error (default: auto, when on a terminal).")
  String progress;

  @Override
  public Integer call() {
    ImportMode m =
        switch (mode) {
          case "new" -> ImportMode.NEW;
          case "replace" -> ImportMode.REPLACE;
          default ->
              throw dev.porter.core.PorterException.usage(
                  "unknown --mode " + mode + " (expected new or replace)");
        };
    DatabaseRef ref = DatabaseRef.parse(db);
    TargetOptions options = new TargetOptions(m, acceptFkViolations, Clock.systemUTC());
    ProgressPrinter printer = ProgressPrinter.forTerminal(spec.commandLine().getErr(), progress);
    ImportResult result;
    try (ArchiveReader reader =
        archive.equals("-")
            ? PorterArchive.read(System.in, "standard input")
            : PorterArchive.read(Path.of(archive))) {
      result = new ImportJob(Dialects.forRef(ref), ref, options, printer).run(reader);
    } finally {
      printer.done();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "imported %s, %s into %s in %s%n",
        Fmt.plural(result.tables().size(), "table"),
        Fmt.plural(result.rows(), "row"),
        result.commit().target(),
        Fmt.seconds(result.nanos()));
    for (Check c : result.checks()) {
      out.printf("  check %-18s %s%n", c.name(), c.detail());
    }
    if (result.commit().preImage() != null) {
      out.printf("  previous database kept as %s%n", result.commit().preImage());
    }
    return 0;
  }
}
