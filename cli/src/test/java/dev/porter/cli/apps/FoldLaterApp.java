package dev.porter.cli.apps;

import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.PorterApp;
import dev.porter.core.app.VersionProbe;
import dev.porter.transforms.Steps;
import dev.porter.transforms.Transform;

/**
 * A tiny app whose step folds a table into one that an archive holds BEFORE it: team_lead
 * references team, so an export writes team first, yet team's rows need team_lead as a lookup.
 * Release 1's team also has a column (motto) that release 2 lacks and no step drops.
 */
public final class FoldLaterApp implements PorterApp {
  public static final String V1 =
      """
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('version', '1');
      CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT NOT NULL, motto TEXT);
      CREATE TABLE team_lead (
        team_id INTEGER PRIMARY KEY REFERENCES team(id),
        lead_name TEXT NOT NULL
      );
      """;

  public static final String V2 =
      """
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('version', '2');
      CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT NOT NULL, lead_name TEXT);
      """;

  /** Release 1 → 2: each team takes its lead's name; the team_lead table goes. */
  public static final class FoldLeads extends Transform {
    public FoldLeads() {
      super("1", "2");
    }

    @Override
    protected void define(Steps s) {
      s.table("team").fold("team_lead", "id", "team_id", "lead_name=lead_name");
      s.dropTable("team_lead");
    }
  }

  @Override
  public AppDefinition definition() {
    return AppDefinition.builder("foldlater", FoldLaterApp.class)
        .engines("sqlite")
        .versionProbe("*", VersionProbe.query("SELECT value FROM meta WHERE key = 'version'"))
        .release("1", r -> r.ddl("sqlite", V1))
        .release("2", r -> r.ddl("sqlite", V2))
        .steps(new FoldLeads())
        .build();
  }
}
