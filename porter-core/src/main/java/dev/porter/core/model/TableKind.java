package dev.porter.core.model;

/** What kind of table an archive entry describes. */
public enum TableKind {
  /** An ordinary table; its rows are in the archive. */
  TABLE,
  /**
   * A virtual table (SQLite FTS5, R*Tree…). It holds no data of its own: it is recreated from its
   * declaration and its shadow tables carry the data.
   */
  VIRTUAL,
  /**
   * A table a virtual table keeps its data in; restored verbatim after the virtual table exists.
   */
  SHADOW,
  /**
   * A PostgreSQL database's large objects ({@code pg_largeobject}), each in chunks: not a table of
   * any schema, restored with {@code lo_create} and {@code lo_put}. Format version 2.
   */
  LARGE_OBJECTS;

  /** The lower-case name used in the archive manifest. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
