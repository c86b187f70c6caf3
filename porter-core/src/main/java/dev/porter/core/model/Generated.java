package dev.porter.core.model;

/** Whether a column is computed by the database rather than stored from data. */
public enum Generated {
  /** An ordinary column: its values travel in the archive. */
  NO,
  /** Computed on read (SQLite VIRTUAL). */
  VIRTUAL,
  /** Computed on write and stored (SQLite and PostgreSQL STORED). */
  STORED;

  /** The lower-case name used in the archive manifest. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
