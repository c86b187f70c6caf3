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

  /**
   * Whether rows may hold {@link dev.porter.core.model.Utf8Text} for TEXT values: a sink that
   * stores text as its UTF-8 bytes is spared decoding them into a {@code String} and encoding it
   * back (docs/decisions/0031-ascii-text-as-bytes-on-export.md, amended).
   */
  default boolean takesUtf8Text() {
    return false;
  }

  /**
   * Whether rows may hold {@link dev.porter.core.model.DecimalText} for NUMERIC values: a sink that
   * writes numbers from their digits is spared parsing them into a {@code BigDecimal} first.
   */
  default boolean takesDecimalText() {
    return false;
  }

  /**
   * A preparer of this sink's rows, used on the archive reader's decoding thread, whose batches
   * then come to {@link #accept(dev.porter.core.archive.RowPreparer.Batch)}; null (the default)
   * when rows come as objects. Asked once, before the table's first row.
   */
  default dev.porter.core.archive.RowPreparer preparer() {
    return null;
  }

  /** Takes a batch made by this sink's {@link #preparer()}, its rows in the table's order. */
  default void accept(dev.porter.core.archive.RowPreparer.Batch batch) {
    throw new UnsupportedOperationException("this sink prepares no rows");
  }

  /** The conversions between kinds this loader made, e.g. "integer→boolean" → count. */
  default java.util.Map<String, Long> coercions() {
    return java.util.Map.of();
  }
}
