package dev.porter.core.model;

import java.util.List;

/**
 * The first member of every archive: everything an importer needs to accept or refuse it, and the
 * source schema. Counts and checksums come at the end, in the {@link ArchiveTrailer}.
 *
 * @param format always {@link #FORMAT_NAME}
 * @param formatVersion the archive format version (docs/archive-format.md)
 * @param porterVersion the porter release that wrote the archive
 * @param createdAt when the export's snapshot was taken, UTC, ISO-8601
 * @param app the app and its schema version, or null when the export was not made for an app
 * @param source the source engine and database
 * @param tables every table, in archive order
 * @param sqlite what a SQLite source records beyond its tables; null for other engines
 * @param postgresql what a PostgreSQL source records beyond its tables; null for other engines
 */
public record ArchiveHeader(
    String format,
    int formatVersion,
    String porterVersion,
    String createdAt,
    AppInfo app,
    SourceInfo source,
    List<TableEntry> tables,
    SqliteSchema sqlite,
    PostgresSchema postgresql) {

  public static final String FORMAT_NAME = "porter-archive";

  /** The format version this porter writes, unless the archive holds large objects. */
  public static final int CURRENT_FORMAT_VERSION = 1;

  /**
   * The format version of an archive that holds a PostgreSQL database's large objects (a member of
   * kind {@code large_objects}): version 1 has no such kind, so older readers refuse it whole.
   */
  public static final int LARGE_OBJECTS_FORMAT_VERSION = 2;

  /** The highest format version this porter reads. */
  public static final int HIGHEST_READABLE_FORMAT_VERSION = 2;

  public ArchiveHeader {
    tables = List.copyOf(tables);
  }

  public ArchiveHeader(
      String format,
      int formatVersion,
      String porterVersion,
      String createdAt,
      AppInfo app,
      SourceInfo source,
      List<TableEntry> tables,
      SqliteSchema sqlite) {
    this(format, formatVersion, porterVersion, createdAt, app, source, tables, sqlite, null);
  }

  /** The header with its tables replaced (member names assigned, for instance). */
  public ArchiveHeader withTables(List<TableEntry> newTables) {
    return new ArchiveHeader(
        format,
        formatVersion,
        porterVersion,
        createdAt,
        app,
        source,
        newTables,
        sqlite,
        postgresql);
  }

  public TableEntry table(String name) {
    for (TableEntry t : tables) {
      if (t.table().name().equals(name)) {
        return t;
      }
    }
    return null;
  }
}
