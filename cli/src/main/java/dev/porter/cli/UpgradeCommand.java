package dev.porter.cli;

import static dev.porter.cli.CommandModel.add;
import static dev.porter.cli.CommandModel.command;
import static dev.porter.cli.CommandModel.database;
import static dev.porter.cli.CommandModel.directory;
import static dev.porter.cli.CommandModel.path;

import dev.porter.core.archive.ArchiveCodec;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.Dialects;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.engine.ImportOptions;
import dev.porter.core.engine.UpgradeJob;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** porter upgrade: a database in place to a newer release, with a backup and an atomic swap. */
final class UpgradeCommand implements Callable<Integer> {
  final CommandSpec spec =
      command(
          this,
          "upgrade",
          "Upgrade a database in place to a newer release of its app, keeping a backup.",
          "porter writes a timestamped backup archive beside the database, imports it into a"
              + " staging database at the target release, checks it, swaps it in atomically, and"
              + " keeps the previous database as NAME.pre-upgrade.TIMESTAMP.",
          "A failure or kill at any moment leaves the database as it was; rollback undoes it.");

  private final OptionSpec db = database(spec, "The database.");

  private final AppOptions appOptions = new AppOptions(spec);

  private final OptionSpec report =
      add(spec, path("--report").paramLabel("FILE").description("Also write the report as JSON."));

  private final OptionSpec backupDir =
      directory(
          spec,
          "--backup-dir",
          "Write the backup archive into DIR (it must exist). Default: beside a SQLite database;"
              + " the current directory for PostgreSQL. cleanup --backup-dir DIR removes older"
              + " ones.");

  private final ProgressOption progress = new ProgressOption(spec);

  @Override
  public Integer call() {
    ProgressPrinter printer = progress.printer(spec.commandLine().getErr());
    DatabaseRef ref = DatabaseRef.parse(db.getValue());
    ImportOptions options =
        ImportOptions.app(ImportMode.REPLACE, appOptions.require("upgrade"), appOptions.toVersion())
            .withSeedPolicies(appOptions.seedPolicies());
    UpgradeJob.Result r;
    try {
      r =
          new UpgradeJob(
                  Dialects.forRef(ref),
                  ref,
                  options,
                  ArchiveCodec.load(),
                  printer,
                  backupDir.getValue())
              .run();
    } finally {
      printer.done();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (!r.upgraded()) {
      out.printf("%s is already at release %s: nothing to do%n", ref.display(), r.fromVersion());
    } else {
      out.printf(
          "upgraded %s from release %s to %s%n", ref.display(), r.fromVersion(), r.toVersion());
      out.printf("  backup archive written first: %s%n", r.backup());
      Render.report(r.report(), out);
      Path report = this.report.getValue();
      if (report != null) {
        Render.writeJson(report, r.report());
      }
    }
    out.flush();
    return 0;
  }
}
