package dev.porter.core.app;

/**
 * How to read the schema version of a live database.
 *
 * @param kind how
 * @param sql for {@link Kind#QUERY}: a query whose first column of its first row is the version;
 *     for {@link Kind#TABLE_COLUMN}: ignored
 * @param table for {@link Kind#TABLE_COLUMN}: the table
 * @param column for {@link Kind#TABLE_COLUMN}: the column (the greatest value is the version)
 */
public record VersionProbe(Kind kind, String sql, String table, String column) {
  /** The ways a version can be recorded. */
  public enum Kind {
    /** SQLite's {@code PRAGMA user_version} (porter sets it after an import, too). */
    USER_VERSION,
    /** A query returning the version. */
    QUERY,
    /** The greatest value of a column of a table. */
    TABLE_COLUMN
  }

  public static VersionProbe userVersion() {
    return new VersionProbe(Kind.USER_VERSION, null, null, null);
  }

  public static VersionProbe query(String sql) {
    return new VersionProbe(Kind.QUERY, sql, null, null);
  }

  public static VersionProbe tableColumn(String table, String column) {
    return new VersionProbe(Kind.TABLE_COLUMN, null, table, column);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case USER_VERSION -> "PRAGMA user_version";
      case QUERY -> sql;
      case TABLE_COLUMN -> "max(" + column + ") of table " + table;
    };
  }
}
