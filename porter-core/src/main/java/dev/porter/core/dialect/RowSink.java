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

  /** The conversions between kinds this loader made, e.g. "integer→boolean" → count. */
  default java.util.Map<String, Long> coercions() {
    return java.util.Map.of();
  }
}
