package dev.porter.core.dialect;

import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.TableEntry;
import java.util.List;
import java.util.Map;

/**
 * An import in progress: a staging database beside the target, written by porter alone, swapped in
 * by {@link #commit} only after it passed every check. Closing a target that was not committed
 * discards the staging database; the target is never touched before {@link #commit}.
 */
public interface Target extends AutoCloseable {
  /** Creates the schema recorded in the archive (a plain restore) in the staging database. */
  void createSchema(ArchiveHeader header);

  /** Opens the loader of one table; close it before opening the next. */
  RowSink loader(TableEntry entry);

  /** Completes the staging database after the rows: indexes, triggers, counters, settings. */
  void finishLoad(ArchiveHeader header);

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
