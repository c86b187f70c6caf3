package dev.porter.core.archive;

import dev.porter.core.model.TableSummary;

/** Receives the rows of one table; values are in {@code TableDef.dataColumns()} order. */
public interface TableWriter {
  void write(Object[] row);

  /** Completes the member and returns its row count, size and checksum. */
  TableSummary finish();
}
