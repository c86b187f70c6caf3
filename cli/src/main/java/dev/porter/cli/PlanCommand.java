package dev.porter.cli;

import static dev.porter.cli.CommandModel.add;
import static dev.porter.cli.CommandModel.archive;
import static dev.porter.cli.CommandModel.command;
import static dev.porter.cli.CommandModel.flag;
import static dev.porter.cli.CommandModel.text;

import dev.porter.core.ErrorCategory;
import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.dialect.Dialects;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.engine.ImportJob;
import dev.porter.core.engine.ImportOptions;
import dev.porter.core.engine.ImportPlan;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ArchiveTrailer;
import dev.porter.formats.PorterArchive;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** porter plan: what an import would do, without writing anything. */
final class PlanCommand implements Callable<Integer> {
  final CommandSpec spec =
      command(
          this,
          "plan",
          "Show what an import of an archive into a release of an app would do, writing nothing.",
          "The plan names the steps, where every table and column goes, the seed policies, the"
              + " dropped tables and columns with their row counts, and every refusal."
              + " Exits 3 when the import would be refused.");

  private final PositionalParamSpec archive = archive(spec, "FILE", "The archive.");

  private final AppOptions appOptions = new AppOptions(spec);

  private final OptionSpec db =
      add(
          spec,
          text("--db")
              .paramLabel("DB")
              .description(
                  "The target database, when it is PostgreSQL (the baseline DDL runs there in a"
                      + " transaction that is rolled back) or when its file decides the engine."
                      + " Default: a SQLite target."));

  private final OptionSpec json =
      add(spec, flag("--json").description("Print the plan as JSON (docs/json-output.md)."));

  @Override
  public Integer call() {
    ArchiveHeader header;
    ArchiveTrailer trailer;
    try (ArchiveReader reader = PorterArchive.read(Path.of(archive.<String>getValue()), false)) {
      header = reader.header();
      trailer = reader.trailer();
    }
    DatabaseRef target = DatabaseRef.parse(db.getValue() == null ? "plan.db" : db.getValue());
    Dialect dialect = Dialects.forRef(target);
    ImportOptions options =
        ImportOptions.app(ImportMode.NEW, appOptions.require("plan"), appOptions.toVersion())
            .withFrom(appOptions.fromVersion())
            .withSeedPolicies(appOptions.seedPolicies());
    ImportPlan plan =
        new ImportJob(dialect, target, options, dev.porter.core.engine.Progress.NONE)
            .plan(header, trailer);
    PrintWriter out = spec.commandLine().getOut();
    if (json.<Boolean>getValue()) {
      out.println(Render.json(plan));
    } else {
      Render.plan(plan, out);
    }
    out.flush();
    return plan.refused() ? ErrorCategory.REFUSED.exitCode() : 0;
  }
}
