package dev.porter.core.archive;

import dev.porter.core.model.TableEntry;

/** The rows of one table, in {@code TableDef.dataColumns()} order. */
public interface TableReader {
  TableEntry entry();

  /** The next row, or null at the end of the member. */
  Object[] next();

  /** How many rows have been returned so far. */
  long rowsRead();
}
