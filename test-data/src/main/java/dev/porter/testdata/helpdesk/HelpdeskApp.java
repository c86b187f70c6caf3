package dev.porter.testdata.helpdesk;

import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.PorterApp;
import dev.porter.core.app.SeedPolicy;
import dev.porter.core.app.VersionProbe;

/**
 * A realistic sample app with four releases, on SQLite and PostgreSQL: a helpdesk with agents,
 * customers and tickets. Its steps use every transform operation; it has seed tables (statuses,
 * roles, countries) and tables dropped in later releases (sessions, the audit log, countries).
 */
public final class HelpdeskApp implements PorterApp {
  public static final String ID = "helpdesk";

  @Override
  public AppDefinition definition() {
    return define();
  }

  public static AppDefinition define() {
    AppDefinition.Builder b =
        AppDefinition.builder(ID, HelpdeskApp.class)
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
    return b.steps(new V1ToV2(), new V2ToV3(), new V3ToV4(), new V4ToV3()).build();
  }
}
