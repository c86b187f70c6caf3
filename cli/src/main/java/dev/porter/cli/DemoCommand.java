package dev.porter.cli;

import static dev.porter.cli.CommandModel.add;
import static dev.porter.cli.CommandModel.command;
import static dev.porter.cli.CommandModel.directory;
import static dev.porter.cli.CommandModel.number;

import dev.porter.core.app.AppDefinition;
import dev.porter.core.archive.ArchiveCodec;
import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.archive.ArchiveWriter;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.dialect.Dialects;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.engine.ExportJob;
import dev.porter.core.engine.ExportResult;
import dev.porter.core.engine.ImportJob;
import dev.porter.core.engine.ImportOptions;
import dev.porter.core.engine.Progress;
import dev.porter.core.engine.UpgradeJob;
import dev.porter.formats.PorterArchive;
import dev.porter.testdata.helpdesk.HelpdeskApp;
import dev.porter.testdata.helpdesk.HelpdeskData;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** porter demo: porter's main job on the sample helpdesk app. */
final class DemoCommand implements Callable<Integer> {
  final CommandSpec spec =
      command(
          this,
          "demo",
          "Show porter's main job on a sample helpdesk app, in a scratch folder.",
          "The demo creates a release-1 SQLite database, shows the plan to the app's newest"
              + " release, upgrades the database in place (backup, staging, checks, atomic swap),"
              + " and prints the report and where the files are.");

  private final OptionSpec dir =
      directory(
          spec, "--dir", "The scratch folder (default: a new folder under the system temp dir).");

  private final OptionSpec scale =
      add(
          spec,
          number(int.class, "--scale")
              .defaultValue("20")
              .description("Data size: N × 30 tickets (default 20)."));

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = this.dir.getValue();
    int scale = this.scale.getValue();
    Path work =
        dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("porter-demo-");
    Path db = work.resolve("helpdesk.db");
    Path archive = work.resolve("helpdesk-release-1" + PorterArchive.SUFFIX);
    for (Path p : new Path[] {db, archive}) {
      Files.deleteIfExists(p);
    }
    Path appDir = work.resolve("helpdesk-app");
    Path service = appDir.resolve("META-INF/services/dev.porter.core.app.PorterApp");
    Files.createDirectories(service.getParent());
    Files.writeString(service, HelpdeskApp.class.getName() + "\n");

    AppDefinition app = HelpdeskApp.define();
    DatabaseRef ref = DatabaseRef.sqliteFile(db);
    Dialect dialect = Dialects.forRef(ref);
    out.println("porter demo, in " + work);
    out.println();
    HelpdeskData.createSqlite(db, 1, scale, 42);
    out.printf(
        "1. created %s: the sample helpdesk app at release %s%n",
        db, UpgradeJob.currentVersion(dialect, ref, app));
    out.printf("   %s%n", counts(db));

    ExportResult exported;
    try (ArchiveWriter w = PorterArchive.write(archive, PorterArchive.WriteOptions.defaults())) {
      exported =
          new ExportJob(dialect, ref, null, Clock.systemUTC(), Progress.NONE).forApp(app).run(w);
    }
    out.printf(
        "2. exported it to %s (%s, %s, %s)%n",
        archive,
        Fmt.plural(exported.tables(), "table"),
        Fmt.plural(exported.rows(), "row"),
        Fmt.bytes(Files.size(archive)));

    out.println(
        "3. the plan from release 1 to release "
            + app.newest().version()
            + ", computed before anything is written:");
    ImportOptions options = ImportOptions.app(ImportMode.REPLACE, app, null);
    try (ArchiveReader r = PorterArchive.read(archive, false)) {
      var plan = new ImportJob(dialect, ref, options, Progress.NONE).plan(r.header(), r.trailer());
      Render.plan(plan, indent(out));
    }
    out.flush();

    out.println("4. upgraded the database in place, in one pass through every step:");
    UpgradeJob.Result result =
        new UpgradeJob(dialect, ref, options, ArchiveCodec.load(), Progress.NONE).run();
    Render.report(result.report(), indent(out));
    out.printf("   backup archive written before the upgrade: %s%n", result.backup());
    out.printf(
        "   now at release %s: %s%n", UpgradeJob.currentVersion(dialect, ref, app), counts(db));
    out.println();
    out.println("Files: " + work);
    out.println("Try:");
    out.println("  ./porter status --db " + db + " --app " + appDir);
    out.println("  ./porter plan " + archive + " --app " + appDir + " --to 3");
    out.println("  ./porter rollback --db " + db + "      # puts release 1 back, byte for byte");
    out.println("  ./porter inspect " + archive);
    out.flush();
    return 0;
  }

  private static PrintWriter indent(PrintWriter out) {
    return new PrintWriter(
        new java.io.Writer() {
          private boolean lineStart = true;

          @Override
          public void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
              if (lineStart) {
                out.print("   ");
              }
              out.print(buf[i]);
              lineStart = buf[i] == '\n';
            }
          }

          @Override
          public void flush() {
            out.flush();
          }

          @Override
          public void close() {
            out.flush();
          }
        },
        true);
  }

  private static String counts(Path db) throws Exception {
    StringBuilder b = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
      java.util.List<String> names = new java.util.ArrayList<>();
      while (r.next()) {
        names.add(r.getString(1));
      }
      for (String n : names) {
        try (Statement s2 = c.createStatement();
            ResultSet cnt = s2.executeQuery("SELECT count(*) FROM \"" + n + "\"")) {
          cnt.next();
          b.append(b.length() == 0 ? "" : ", ").append(n).append(' ').append(cnt.getLong(1));
        }
      }
    }
    return b.toString();
  }
}
