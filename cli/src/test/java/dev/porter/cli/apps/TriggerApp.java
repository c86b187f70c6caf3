package dev.porter.cli.apps;

import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.PorterApp;
import dev.porter.core.app.VersionProbe;
import dev.porter.core.model.LogicalType;
import dev.porter.transforms.Steps;
import dev.porter.transforms.Transform;

/**
 * An app whose release 2 has triggers: an audit trigger that writes a row into another table for
 * every new book, and the triggers that keep an external-content FTS5 index current. Loaded rows
 * must fire neither; the after-load SQL rebuilds the index instead.
 */
public final class TriggerApp implements PorterApp {
  public static final String V1 =
      """
      CREATE TABLE book (id INTEGER PRIMARY KEY, title TEXT NOT NULL);
      """;

  public static final String V2 =
      """
      CREATE TABLE book (id INTEGER PRIMARY KEY, title TEXT NOT NULL, shelf TEXT);
      CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT NOT NULL);
      CREATE TRIGGER book_audit AFTER INSERT ON book BEGIN
        INSERT INTO audit(what) VALUES ('added ' || new.id);
      END;
      CREATE VIRTUAL TABLE book_search USING fts5(title, content='book', content_rowid='id');
      CREATE TRIGGER book_ai AFTER INSERT ON book BEGIN
        INSERT INTO book_search(rowid, title) VALUES (new.id, new.title);
      END;
      """;

  /** Release 1 → 2: every book goes on the shelf "unsorted". */
  public static final class AddShelf extends Transform {
    public AddShelf() {
      super("1", "2");
    }

    @Override
    protected void define(Steps s) {
      s.table("book").addColumn("shelf", LogicalType.TEXT, "unsorted");
    }
  }

  @Override
  public AppDefinition definition() {
    return AppDefinition.builder("triggers", TriggerApp.class)
        .engines("sqlite")
        .versionProbe("*", VersionProbe.userVersion())
        .release("1", r -> r.ddl("sqlite", V1))
        .release(
            "2",
            r ->
                r.ddl("sqlite", V2)
                    .afterLoad(
                        "sqlite", "INSERT INTO book_search(book_search) VALUES ('rebuild');"))
        .steps(new AddShelf())
        .build();
  }
}
