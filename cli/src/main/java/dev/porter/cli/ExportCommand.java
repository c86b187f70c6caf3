package dev.porter.cli;

import dev.porter.core.archive.ArchiveWriter;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.Dialects;
import dev.porter.core.engine.ExportJob;
import dev.porter.core.engine.ExportResult;
import dev.porter.formats.PorterArchive;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Export every table of a database into one .porter archive, from one consistent snapshot.",
      "The archive appears under its name only when it is complete."
    })
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--db",
      required = true,
      paramLabel = "DB",
      description = "The database: a SQLite file, or a jdbc:sqlite: or jdbc:postgresql: URL.")
  String db;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "FILE|-",
      description = "The archive to write; - writes it to standard output.")
  String output;

  @Option(names = "--force", description = "Replace an existing archive of the same name.")
  boolean force;

  @Option(
      names = "--temp-dir",
      paramLabel = "DIR",
      description =
          "Where each table is encoded before it is appended (default: the system temp dir).")
  Path tempDir;

  @Option(
      names = "--progress",
      paramLabel = "auto|always|never",
      defaultValue = "auto",
      description = "Progress on standard error (default: auto, when on a terminal).")
  String progress;

  @Override
  public Integer call() {
    DatabaseRef ref = DatabaseRef.parse(db);
    boolean toStdout = output.equals("-");
    PrintWriter report = toStdout ? spec.commandLine().getErr() : spec.commandLine().getOut();
    PorterArchive.WriteOptions options =
        PorterArchive.WriteOptions.defaults().withReplaceExisting(force);
    if (tempDir != null) {
      options = options.withSpoolDir(tempDir);
    }
    ProgressPrinter printer = ProgressPrinter.forTerminal(spec.commandLine().getErr(), progress);
    ExportResult result;
    try (ArchiveWriter writer =
        toStdout
            ? PorterArchive.write(new FileOutputStream(FileDescriptor.out), options)
            : PorterArchive.write(Path.of(output), options)) {
      result =
          new ExportJob(Dialects.forRef(ref), ref, null, Clock.systemUTC(), printer).run(writer);
    } finally {
      printer.done();
    }
    report.printf(
        "exported %s, %s (%s) from %s to %s in %s%n",
        Fmt.plural(result.tables(), "table"),
        Fmt.plural(result.rows(), "row"),
        Fmt.bytes(result.bytes()),
        ref.display(),
        toStdout ? "standard output" : output,
        Fmt.seconds(result.nanos()));
    return 0;
  }
}
