package dev.porter.core.dialect;

/** Receives the rows of one table during an import. */
public interface RowSink {
  /**
   * Takes one row. The sink may hold on to the array until {@link #finish} (SQLite inserts rows
   * many at a time), so a caller passes a new array for every row and does not change it.
   */
  void accept(Object[] row);

  /** Completes the table and returns how many rows it received. */
  long finish();

  /** The conversions between kinds this loader made, e.g. "integer→boolean" → count. */
  default java.util.Map<String, Long> coercions() {
    return java.util.Map.of();
  }
}
