package dev.porter.core.dialect;

import dev.porter.core.app.VersionProbe;
import dev.porter.core.model.SourceSchema;
import dev.porter.core.model.TableDef;

/** A database opened for export, inside one consistent read snapshot. */
public interface Source extends AutoCloseable {
  SourceSchema schema();

  /**
   * Streams one table's rows in {@code TableDef.dataColumns()} order, for an archive writer: text
   * may come as its UTF-8 bytes ({@link dev.porter.core.model.Utf8Text}), which the archive reader
   * gives back as a {@code String}.
   */
  RowCursor rows(TableDef table);

  /**
   * Another reader of the same snapshot, for reading a second table in parallel, or null when the
   * engine cannot share a snapshot between connections. Close it before this source.
   */
  default Source fork() {
    return null;
  }

  /** The app schema version recorded in the database, read with the app's probe; null if none. */
  String readVersion(VersionProbe probe);

  @Override
  void close();
}
