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
import picocli.CommandLine.Option;

/** The options that name an app and a release: shared by import, plan, status and upgrade. */
final class AppOptions {
  @Option(
      names = "--app",
      paramLabel = "PATH",
      description =
          "The app definition: a directory or jar with its compiled PorterApp, DDL and steps.")
  Path app;

  @Option(
      names = "--to",
      paramLabel = "VERSION",
      description = "The release to reach (default: the app's newest).")
  String to;

  @Option(
      names = "--from",
      paramLabel = "VERSION",
      description = "The archive's release, when the archive does not record it.")
  String from;

  @Option(
      names = "--seed",
      paramLabel = "TABLE=POLICY",
      description =
          "Seed-table policy: skip (default), merge (add rows whose key is absent) or replace. Repeatable.")
  List<String> seeds = List.of();

  AppDefinition load() {
    return app == null ? null : AppLoader.load(app);
  }

  AppDefinition require(String verb) {
    if (app == null) {
      throw PorterException.usage(verb + " needs --app PATH");
    }
    return load();
  }

  SchemaVersion toVersion() {
    return to == null ? null : SchemaVersion.of(to);
  }

  SchemaVersion fromVersion() {
    return from == null ? null : SchemaVersion.of(from);
  }

  Map<String, SeedPolicy> seedPolicies() {
    Map<String, SeedPolicy> m = new LinkedHashMap<>();
    for (String s : seeds) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw PorterException.usage("--seed expects TABLE=POLICY, got " + s);
      }
      m.put(s.substring(0, eq), SeedPolicy.parse(s.substring(eq + 1)));
    }
    return m;
  }
}
