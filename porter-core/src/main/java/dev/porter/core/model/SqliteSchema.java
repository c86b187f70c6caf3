package dev.porter.core.model;

import java.util.List;

/**
 * What a SQLite source database records beyond its tables, so that a restore is identical.
 *
 * @param master every {@code sqlite_master} row (rootpage aside), in the source's order
 * @param userVersion {@code PRAGMA user_version}
 * @param applicationId {@code PRAGMA application_id}
 * @param pageSize {@code PRAGMA page_size}
 * @param encoding {@code PRAGMA encoding} ("UTF-8", "UTF-16le" or "UTF-16be")
 * @param autoVacuum {@code PRAGMA auto_vacuum} (0 none, 1 full, 2 incremental)
 * @param journalMode {@code PRAGMA journal_mode} ("wal" is kept by the file; others are not)
 * @param sequences the rows of {@code sqlite_sequence}, in the source's order
 */
public record SqliteSchema(
    List<MasterEntry> master,
    long userVersion,
    long applicationId,
    int pageSize,
    String encoding,
    int autoVacuum,
    String journalMode,
    List<SequenceValue> sequences) {

  public SqliteSchema {
    master = List.copyOf(master);
    sequences = sequences == null ? List.of() : List.copyOf(sequences);
  }

  /** One row of {@code sqlite_master}; {@code sql} is null for automatic indexes. */
  public record MasterEntry(String type, String name, String tblName, String sql) {}

  /** One row of {@code sqlite_sequence}. */
  public record SequenceValue(String name, long seq) {}
}
