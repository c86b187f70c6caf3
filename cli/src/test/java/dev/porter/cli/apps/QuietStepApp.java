package dev.porter.cli.apps;

import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.PorterApp;
import dev.porter.core.app.VersionProbe;
import dev.porter.transforms.Steps;
import dev.porter.transforms.Transform;
import java.util.Locale;

/**
 * An app whose step changes no row: release 2 renames a table and a column and adds an index and a
 * table. Every route of the step is the identity, so an import from release 1 loads the rows as a
 * plain restore does (ADR 0034). The seed table {@code meta} takes the node graph. Release 3
 * changes the labels' rows and not the notes': an import into it loads the notes as a restore does
 * and the labels through the graph, in one import (ADR 0034, amended).
 */
public final class QuietStepApp implements PorterApp {
  public static final String V1 =
      """
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('version', '1');
      CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT, data BLOB, score REAL, n INTEGER);
      CREATE TABLE tag (
        id INTEGER PRIMARY KEY,
        note_id INTEGER NOT NULL REFERENCES note(id),
        text TEXT NOT NULL
      );
      """;

  public static final String V2 =
      """
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('version', '2');
      CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT, data BLOB, score REAL, rank INTEGER);
      CREATE TABLE label (
        id INTEGER PRIMARY KEY,
        note_id INTEGER NOT NULL REFERENCES note(id),
        text TEXT NOT NULL
      );
      CREATE INDEX label_text ON label (text);
      CREATE TABLE pin (id INTEGER PRIMARY KEY, note_id INTEGER REFERENCES note(id));
      """;

  public static final String V3 = V2.replace("('version', '2')", "('version', '3')");

  /** Release 1 → 2: names only. */
  public static final class Rename extends Transform {
    public Rename() {
      super("1", "2");
    }

    @Override
    protected void define(Steps s) {
      s.renameTable("tag", "label");
      s.table("note").renameColumn("n", "rank");
    }
  }

  /** Release 2 → 3: the labels' text in capitals; the notes as they were. */
  public static final class Shout extends Transform {
    public Shout() {
      super("2", "3");
    }

    @Override
    protected void define(Steps s) {
      s.table("label").convert("text", v -> ((String) v).toUpperCase(Locale.ROOT));
    }
  }

  @Override
  public AppDefinition definition() {
    return AppDefinition.builder("quietstep", QuietStepApp.class)
        .engines("sqlite")
        .versionProbe("*", VersionProbe.query("SELECT value FROM meta WHERE key = 'version'"))
        .release("1", r -> r.ddl("sqlite", V1))
        .release("2", r -> r.ddl("sqlite", V2))
        .release("3", r -> r.ddl("sqlite", V3))
        .steps(new Rename(), new Shout())
        .build();
  }
}
