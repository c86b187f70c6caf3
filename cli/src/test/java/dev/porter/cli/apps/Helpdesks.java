package dev.porter.cli.apps;

import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.SeedPolicy;
import dev.porter.core.app.VersionProbe;
import dev.porter.core.transform.VersionStep;
import dev.porter.testdata.helpdesk.HelpdeskApp;

/** Variants of the sample helpdesk app: its four releases, with other sets of steps. */
public final class Helpdesks {
  private Helpdesks() {}

  /** The helpdesk app's releases (DDL, seeds, probe, seed policies) with the given steps. */
  public static AppDefinition withSteps(VersionStep... steps) {
    AppDefinition.Builder b =
        AppDefinition.builder(HelpdeskApp.ID, HelpdeskApp.class)
            .engines("sqlite", "postgresql")
            .versionProbe(
                "*", VersionProbe.query("SELECT value FROM app_meta WHERE key = 'schema_version'"))
            .seedPolicy("status", SeedPolicy.MERGE)
            .seedPolicy("country", SeedPolicy.MERGE);
    for (int v = 1; v <= 4; v++) {
      String base = "/dev/porter/testdata/helpdesk/v" + v;
      int release = v;
      b.release(
          Integer.toString(v),
          r -> {
            r.ddlResource("sqlite", base + ".sqlite.sql")
                .ddlResource("postgresql", base + ".postgresql.sql");
            r.seedTables("app_meta", "status");
            if (release >= 2) {
              r.seedTables("role");
            }
          });
    }
    return b.steps(steps).build();
  }
}
