package dev.porter.cli;

import static dev.porter.cli.CommandModel.add;
import static dev.porter.cli.CommandModel.command;
import static dev.porter.cli.CommandModel.database;
import static dev.porter.cli.CommandModel.directory;
import static dev.porter.cli.CommandModel.flag;
import static dev.porter.cli.CommandModel.list;
import static dev.porter.cli.CommandModel.path;
import static dev.porter.cli.CommandModel.text;

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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** porter export: a database into one archive. */
final class ExportCommand implements Callable<Integer> {
  final CommandSpec spec =
      command(
          this,
          "export",
          "Export every table of a database into one .porter archive, from one consistent snapshot.",
          "The archive appears under its name only when it is complete.");

  private final OptionSpec db =
      database(spec, "The database: a SQLite file, or a jdbc:sqlite: or jdbc:postgresql: URL.");

  private final OptionSpec output =
      add(
          spec,
          text("-o", "--output")
              .required(true)
              .paramLabel("FILE|-")
              .description("The archive to write; - writes it to standard output."));

  private final OptionSpec app =
      add(
          spec,
          path("--app")
              .paramLabel("PATH")
              .description(
                  "Record the app and the release the database is at (read with the app's version probe)."));

  private final OptionSpec codec =
      add(
          spec,
          text("--codec")
              .paramLabel("zstandard|deflate|null")
              .defaultValue("zstandard")
              .description(
                  "Compression of the table files (default zstandard; deflate for DuckDB, whose Avro reader lacks zstandard)."));

  private final OptionSpec schemas =
      add(
          spec,
          list("--schema")
              .paramLabel("NAME")
              .description(
                  "PostgreSQL: export this schema (repeatable; default: every non-system schema)."));

  private final OptionSpec withoutLargeObjects =
      add(
          spec,
          flag("--without-large-objects")
              .description(
                  "PostgreSQL: leave the database's large objects out of the archive; it then names them"
                      + " as not carried (an archive with them is format version 2)."));

  private final OptionSpec force =
      add(spec, flag("--force").description("Replace an existing archive of the same name."));

  private final OptionSpec tempDir =
      directory(
          spec,
          "--temp-dir",
          "Where each table is encoded before it is appended (default: the system temp dir).");

  private final ProgressOption progress = new ProgressOption(spec);

  @Override
  public Integer call() {
    String output = this.output.getValue();
    List<String> schemas = this.schemas.getValue();
    Path app = this.app.getValue();
    Path tempDir = this.tempDir.getValue();
    ProgressPrinter printer = progress.printer(spec.commandLine().getErr());
    DatabaseRef ref = DatabaseRef.parse(this.db.getValue());
    boolean toStdout = output.equals("-");
    PrintWriter report = toStdout ? spec.commandLine().getErr() : spec.commandLine().getOut();
    PorterArchive.WriteOptions options =
        PorterArchive.WriteOptions.defaults()
            .withCodec(codec.getValue())
            .withReplaceExisting(force.<Boolean>getValue());
    if (tempDir != null) {
      options = options.withSpoolDir(tempDir);
    }
    dev.porter.core.dialect.Dialect dialect =
        schemas.isEmpty() ? Dialects.forRef(ref) : Dialects.forRef(ref, schemas);
    ExportJob job = new ExportJob(dialect, ref, null, Clock.systemUTC(), printer);
    if (app != null) {
      job.forApp(dev.porter.core.app.AppLoader.load(app));
    }
    if (withoutLargeObjects.<Boolean>getValue()) {
      job.withoutLargeObjects();
    }
    ExportResult result;
    try (ArchiveWriter writer =
        toStdout
            ? PorterArchive.write(new FileOutputStream(FileDescriptor.out), options)
            : PorterArchive.write(Path.of(output), options)) {
      result = job.run(writer);
    } finally {
      printer.done();
    }
    report.printf(
        "exported %s, %s (%s) from %s to %s in %s%s%n",
        Fmt.plural(result.tables(), "table"),
        Fmt.plural(result.rows(), "row"),
        Fmt.bytes(result.bytes()),
        ref.display(),
        toStdout ? "standard output" : output,
        Fmt.seconds(result.nanos()),
        result.header().app() == null
            ? ""
            : " (app "
                + result.header().app().id()
                + ", release "
                + result.header().app().schemaVersion()
                + ")");
    if (result.header().postgresql() != null
        && !result.header().postgresql().notCarried().isEmpty()) {
      // the archive holds every row, but a restore will not bring these back: say so now
      List<String> missing = result.header().postgresql().notCarried();
      report.printf(
          Locale.ROOT,
          "  not in the archive (%d): %s%n",
          missing.size(),
          String.join("; ", missing));
    }
    report.flush();
    return 0;
  }
}
