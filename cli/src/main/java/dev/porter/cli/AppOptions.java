package dev.porter.cli;

import dev.porter.core.PorterException;
import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.AppLoader;
import dev.porter.core.app.SchemaVersion;
import dev.porter.core.app.SeedPolicy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The options that name an app and a release: shared by import, plan, status and upgrade. */
final class AppOptions {
  private final OptionSpec app;
  private final OptionSpec to;
  private final OptionSpec from;
  private final OptionSpec seeds;

  /** Adds --app, --to, --from and --seed to {@code spec}. */
  AppOptions(CommandSpec spec) {
    app =
        CommandModel.add(
            spec,
            CommandModel.path("--app")
                .paramLabel("PATH")
                .description(
                    "The app definition: a directory or jar with its compiled PorterApp, DDL and steps."));
    to =
        CommandModel.add(
            spec,
            CommandModel.text("--to")
                .paramLabel("VERSION")
                .description("The release to reach (default: the app's newest)."));
    from =
        CommandModel.add(
            spec,
            CommandModel.text("--from")
                .paramLabel("VERSION")
                .description("The archive's release, when the archive does not record it."));
    seeds =
        CommandModel.add(
            spec,
            CommandModel.list("--seed")
                .paramLabel("TABLE=POLICY")
                .description(
                    "Seed-table policy: skip (default), merge (add rows whose key is absent) or replace. Repeatable."));
  }

  AppDefinition load() {
    Path app = this.app.getValue();
    return app == null ? null : AppLoader.load(app);
  }

  AppDefinition require(String verb) {
    if (app.getValue() == null) {
      throw PorterException.usage(verb + " needs --app PATH");
    }
    return load();
  }

  SchemaVersion toVersion() {
    String to = this.to.getValue();
    return to == null ? null : SchemaVersion.of(to);
  }

  SchemaVersion fromVersion() {
    String from = this.from.getValue();
    return from == null ? null : SchemaVersion.of(from);
  }

  Map<String, SeedPolicy> seedPolicies() {
    Map<String, SeedPolicy> m = new LinkedHashMap<>();
    for (String s : seeds.<List<String>>getValue()) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw PorterException.usage("--seed expects TABLE=POLICY, got " + s);
      }
      m.put(s.substring(0, eq), SeedPolicy.parse(s.substring(eq + 1)));
    }
    return m;
  }
}
