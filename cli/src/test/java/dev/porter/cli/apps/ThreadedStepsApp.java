package dev.porter.cli.apps;

import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.PorterApp;
import dev.porter.core.app.VersionProbe;
import dev.porter.core.model.LogicalType;
import dev.porter.transforms.Steps;
import dev.porter.transforms.Transform;

/**
 * An app whose one step records, in each row it makes, the name of the thread that ran it. {@code
 * tag}'s route reads nothing but tag's own rows, so its steps may run on the archive's decoding
 * thread (ADR 0039); {@code note} folds in its author's name, a lookup, and {@code author} is the
 * table looked up, so both go through the graph on the loading thread. A tag whose text is {@code
 * boom} fails the step.
 */
public final class ThreadedStepsApp implements PorterApp {
  public static final String V1 =
      """
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('version', '1');
      CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE note (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES author(id), body TEXT);
      CREATE TABLE tag (id INTEGER PRIMARY KEY, note_id INTEGER REFERENCES note(id), text TEXT);
      """;

  public static final String V2 =
      """
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('version', '2');
      CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL, ran_on TEXT NOT NULL);
      CREATE TABLE note (
        id INTEGER PRIMARY KEY,
        author_id INTEGER REFERENCES author(id),
        body TEXT,
        author_name TEXT,
        ran_on TEXT NOT NULL
      );
      CREATE TABLE tag (
        id INTEGER PRIMARY KEY,
        note_id INTEGER REFERENCES note(id),
        label TEXT,
        ran_on TEXT NOT NULL
      );
      """;

  /** Release 1 → 2: every table notes where its step ran; tags lose every tenth row. */
  public static final class Record extends Transform {
    public Record() {
      super("1", "2");
    }

    @Override
    protected void define(Steps s) {
      s.table("author").addColumn("ran_on", LogicalType.TEXT, r -> thread());
      s.table("note")
          .fold("author", "author_id", "id", "author_name=name")
          .addColumn("ran_on", LogicalType.TEXT, r -> thread());
      s.table("tag")
          .filter(r -> (Long) r.get("id") % 10 != 0)
          .convert(
              "text",
              v -> {
                if ("boom".equals(v)) {
                  throw new IllegalStateException("a tag may not say boom");
                }
                return v == null ? null : ((String) v).toUpperCase(java.util.Locale.ROOT);
              })
          .renameColumn("text", "label")
          .addColumn("ran_on", LogicalType.TEXT, r -> thread());
    }

    private static String thread() {
      return Thread.currentThread().getName();
    }
  }

  @Override
  public AppDefinition definition() {
    return AppDefinition.builder("threadedsteps", ThreadedStepsApp.class)
        .engines("sqlite")
        .versionProbe("*", VersionProbe.query("SELECT value FROM meta WHERE key = 'version'"))
        .release("1", r -> r.ddl("sqlite", V1))
        .release("2", r -> r.ddl("sqlite", V2))
        .steps(new Record())
        .build();
  }
}
