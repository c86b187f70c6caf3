package dev.porter.core.archive;

import dev.porter.core.model.TableEntry;

/** The rows of one table, in {@code TableDef.dataColumns()} order. */
public interface TableReader {
  TableEntry entry();

  /** The next row, or null at the end of the member. */
  Object[] next();

  /** How many rows have been returned so far. */
  long rowsRead();

  /**
   * Asks for TEXT values that are ASCII as {@link dev.porter.core.model.Utf8Text} rather than
   * {@code String}, from the first row on; for a sink that said it takes them ({@link
   * dev.porter.core.dialect.RowSink#takesUtf8Text}). Called before the first {@link #next}; a
   * reader may ignore it.
   */
  default void asciiTextAsBytes() {}

  /**
   * Asks for NUMERIC values in plain decimal text as {@link dev.porter.core.model.DecimalText}
   * rather than {@code BigDecimal}, from the first row on; for a sink that said it takes them
   * ({@link dev.porter.core.dialect.RowSink#takesDecimalText}). Called before the first {@link
   * #next}; a reader may ignore it.
   */
  default void decimalsAsText() {}

  /**
   * Asks for the rows prepared by {@code preparer} on the reader's decoding thread, read with
   * {@link #nextBatch} instead of {@link #next}; false if this reader cannot (then nothing
   * changes). Called before the first row is read.
   */
  default boolean prepareWith(RowPreparer preparer) {
    return false;
  }

  /**
   * The next batch of rows made by the preparer {@link #prepareWith} took, or null at the end of
   * the member; {@link #rowsRead} counts the rows of the batches returned.
   */
  default RowPreparer.Batch nextBatch() {
    throw new UnsupportedOperationException("rows are read with next()");
  }
}
