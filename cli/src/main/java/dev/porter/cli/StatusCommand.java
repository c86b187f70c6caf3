package dev.porter.cli;

import static dev.porter.cli.CommandModel.command;
import static dev.porter.cli.CommandModel.database;

import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.SchemaVersion;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.dialect.Dialects;
import dev.porter.core.dialect.PreImages;
import dev.porter.core.engine.UpgradeJob;
import dev.porter.core.transform.VersionStep;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** porter status: a database's release, the app's newest, and what porter keeps beside it. */
final class StatusCommand implements Callable<Integer> {
  final CommandSpec spec =
      command(
          this,
          "status",
          "Show the release a database is at, the app's newest, the steps between, and what porter keeps beside it.");

  private final OptionSpec db = database(spec, "The database.");

  private final AppOptions appOptions = new AppOptions(spec);

  @Override
  public Integer call() {
    AppDefinition app = appOptions.require("status");
    DatabaseRef ref = DatabaseRef.parse(db.getValue());
    Dialect dialect = Dialects.forRef(ref);
    String current = UpgradeJob.currentVersion(dialect, ref, app);
    SchemaVersion newest = app.newest().version();
    PrintWriter out = spec.commandLine().getOut();
    out.printf("database       %s%n", ref.display());
    out.printf("app            %s (releases %s)%n", app.id(), releases(app));
    out.printf(
        "release        %s%n",
        current == null ? "unknown (" + app.probe(dialect.engine()) + " finds none)" : current);
    out.printf("newest         %s%n", newest);
    if (current != null) {
      SchemaVersion v = SchemaVersion.of(current);
      int c = v.compareTo(newest);
      if (c == 0) {
        out.println("status         up to date");
      } else if (c > 0) {
        out.println("status         NEWER than the app's newest release");
      } else {
        List<String> names = new ArrayList<>();
        for (VersionStep s : app.chain(v, newest)) {
          names.add(s.name() + " (" + s.from() + " → " + s.to() + ")");
        }
        out.println("status         upgrade available: " + String.join(", ", names));
      }
    }
    PreImages preImages = dialect.preImages(ref);
    for (PreImages.Kept k : preImages.list()) {
      out.printf("kept           %s (%s)%n", k.path(), Fmt.bytes(k.bytes()));
    }
    for (PreImages.Kept k : preImages.leftovers()) {
      out.printf(
          "left over      %s (%s): %s%n",
          k.path(),
          Fmt.bytes(k.bytes()),
          k.label().equals("staging")
              ? "the staging file of an import or upgrade that was killed, unless one runs now;"
                  + " porter cleanup removes it"
              : "the previous database of a run killed during its swap; the next import, upgrade,"
                  + " rollback or cleanup gives it its name");
    }
    out.flush();
    return 0;
  }

  private static String releases(AppDefinition app) {
    List<String> v = new ArrayList<>();
    for (AppDefinition.Release r : app.releases()) {
      v.add(r.version().toString());
    }
    return String.join(", ", v);
  }
}
