package dev.porter.cli;

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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Show everything an import of an archive into a release of an app would do, without writing",
      "anything: the steps, where every table and column goes, seed policies, dropped tables and",
      "columns with row counts, and every refusal. Exits 3 when the import would be refused."
    })
final class PlanCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The archive.")
  Path archive;

  @Mixin AppOptions appOptions;

  @Option(
      names = "--db",
      paramLabel = "DB",
      description = {
        "The target database, when it is PostgreSQL (the baseline DDL runs there in a transaction",
        "that is rolled back) or when its file decides the engine. Default: a SQLite target."
      })
  String db;

  @Option(names = "--json", description = "Print the plan as JSON (docs/json-output.md).")
  boolean json;

  @Override
  public Integer call() {
    ArchiveHeader header;
    ArchiveTrailer trailer;
    try (ArchiveReader reader = PorterArchive.read(archive, false)) {
      header = reader.header();
      trailer = reader.trailer();
    }
    DatabaseRef target = DatabaseRef.parse(db == null ? "plan.db" : db);
    Dialect dialect = Dialects.forRef(target);
    ImportOptions options =
        ImportOptions.app(ImportMode.NEW, appOptions.require("plan"), appOptions.toVersion())
            .withFrom(appOptions.fromVersion())
            .withSeedPolicies(appOptions.seedPolicies());
    ImportPlan plan =
        new ImportJob(dialect, target, options, dev.porter.core.engine.Progress.NONE)
            .plan(header, trailer);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Render.json(plan));
    } else {
      Render.plan(plan, out);
    }
    out.flush();
    return plan.refused() ? ErrorCategory.REFUSED.exitCode() : 0;
  }
}
