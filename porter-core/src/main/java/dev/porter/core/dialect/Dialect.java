package dev.porter.core.dialect;

import dev.porter.core.model.ColumnDef;
import dev.porter.core.transform.FlowColumn;

/**
 * What porter needs from one database engine. One implementation per engine (SQLite, PostgreSQL);
 * the export and import engines are written once against this seam.
 */
public interface Dialect {
  /** "sqlite" or "postgresql", as recorded in archives. */
  String engine();

  /**
   * Takes porter's exclusive lock on a database, or fails at once with LOCKED naming the holder.
   * Every job that writes holds it from start to end.
   */
  DbLock lock(DatabaseRef ref);

  /** Opens the database for export, inside one read-only snapshot held until the source closes. */
  Source openSource(DatabaseRef ref);

  /**
   * Prepares an import into {@code ref} (whose lock the caller holds): checks the mode's
   * precondition and creates the staging database the rows go into.
   */
  Target openTarget(DatabaseRef ref, TargetOptions options);

  /**
   * What a baseline DDL creates, without writing anything: SQLite runs it in a scratch database;
   * PostgreSQL runs it in {@code ref} inside a transaction it rolls back (or, when the app already
   * created its schema there, describes that).
   */
  Baseline inspectBaseline(DatabaseRef ref, String ddl);

  /**
   * What the baseline of an import in {@code mode} is, without writing anything: in replace mode
   * the DDL's fresh baseline even where {@code ref} already holds a schema (which the import moves
   * aside), in new mode as {@link #inspectBaseline(DatabaseRef, String)}.
   */
  default Baseline inspectBaseline(DatabaseRef ref, String ddl, ImportMode mode) {
    return inspectBaseline(ref, ddl);
  }

  /**
   * Why values of {@code column} cannot be stored in {@code target}, or null when they can (or when
   * only the values themselves can tell, which the loader then checks row by row).
   */
  String incompatibility(FlowColumn column, ColumnDef target);

  /** The pre-images and backups kept beside a database, for rollback and cleanup. */
  PreImages preImages(DatabaseRef ref);

  /**
   * Holds the application's writers off {@code ref} until closed, while readers go on: an upgrade
   * takes it before its backup and closes it after its swap, so that nothing is committed between
   * the two. An engine whose target takes such a guard itself (SQLite's, in replace mode) returns
   * one that holds nothing.
   */
  default DbLock holdWriters(DatabaseRef ref) {
    return () -> {};
  }
}
