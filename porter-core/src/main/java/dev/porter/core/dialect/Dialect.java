package dev.porter.core.dialect;

/**
 * What porter needs from one database engine. One implementation per engine (SQLite, PostgreSQL);
 * the export and import engines are written once against this seam.
 */
public interface Dialect {
  /** "sqlite" or "postgresql", as recorded in archives. */
  String engine();

  /** Opens the database for export, inside one read-only snapshot held until the source closes. */
  Source openSource(DatabaseRef ref);

  /**
   * Prepares an import into {@code ref}: takes the porter lock on it, checks the mode's
   * precondition, and creates the staging database the rows go into.
   */
  Target openTarget(DatabaseRef ref, TargetOptions options);
}
