package dev.porter.core.archive;

import dev.porter.core.model.TableSummary;

/** Receives the rows of one table; values are in {@code TableDef.dataColumns()} order. */
public interface TableWriter {
  void write(Object[] row);

  /**
   * A writer of this table's rows value by value, or null (the default) when rows come only as
   * objects. Rows given either way may follow each other.
   */
  default ValueWriter values() {
    return null;
  }

  /** Completes the member and returns its row count, size and checksum. */
  TableSummary finish();
}
