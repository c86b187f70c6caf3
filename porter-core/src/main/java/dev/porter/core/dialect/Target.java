package dev.porter.core.dialect;

import dev.porter.core.app.VersionProbe;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.TableDef;
import java.util.List;
import java.util.Map;

/**
 * An import in progress: a staging database beside the target, written by porter alone, swapped in
 * by {@link #commit} only after it passed every check. Closing a target that was not committed
 * discards the staging database; the target's data is never touched before {@link #commit}.
 */
public interface Target extends AutoCloseable {
  /**
   * A plain restore: creates the schema recorded in the archive in the staging database, or, where
   * the application already created its schema there (PostgreSQL), uses it. Returns how many rows
   * each table already holds (tables the application seeded), empty when the schema is new.
   */
  java.util.Map<String, Long> createSchema(ArchiveHeader header);

  /** An app import: runs the target release's baseline DDL in the staging database. */
  Baseline createBaseline(String ddl);

  /**
   * Opens the loader of one table, inserting {@code columns} in that order (a plain restore names
   * the table's rowid column, if it carries one, as it is). Several loaders may be open at once;
   * finish them all before {@link #finishLoad} or {@link #finishBaseline}.
   */
  RowSink loader(TableDef table, List<String> columns, LoadMode mode);

  /** A plain restore: indexes, triggers, counters and settings, after the rows. */
  void finishLoad(ArchiveHeader header);

  /**
   * An app import: runs the release's after-load SQL, lets every counter continue above the loaded
   * rows ({@code sequenceFloors}: table → the least next-value base the archive recorded), and
   * records the schema version where the probe reads it, if porter can write it.
   */
  void finishBaseline(
      String afterLoadSql, Map<String, Long> sequenceFloors, VersionProbe probe, String version);

  /** Reads the app schema version in the staging database. */
  String readVersion(VersionProbe probe);

  /**
   * Checks the staging database: row counts against {@code expectedRows} (table name → rows),
   * integrity and foreign keys. Throws VERIFICATION_FAILED naming the first failure.
   */
  List<Check> verify(Map<String, Long> expectedRows);

  /** Makes the staging database the target, atomically; keeps the previous one as a pre-image. */
  CommitResult commit();

  @Override
  void close();
}
