package dev.porter.core.model;

/**
 * porter's engine-neutral name for what a column holds. It decides how values travel in the archive
 * (docs/archive-format.md, "Value encodings") and how they are coerced across engines.
 */
public enum LogicalType {
  /**
   * A SQLite column without STRICT typing: each value keeps its own storage class (NULL, INTEGER,
   * REAL, TEXT or BLOB), so one column may hold all of them.
   */
  ANY,
  /** A signed 64-bit integer. */
  INTEGER,
  /** An IEEE 754 double, carried bit for bit. */
  REAL,
  /** Unicode text. */
  TEXT,
  /** Bytes. */
  BLOB;

  /** The lower-case name used in the archive manifest. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
