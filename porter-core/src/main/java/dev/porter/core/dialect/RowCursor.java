package dev.porter.core.dialect;

/** A forward-only stream of rows; each call returns a new array. */
public interface RowCursor extends AutoCloseable {
  /** The next row, or null at the end. */
  Object[] next();

  /**
   * Hands the next row to {@code out} value by value; false at the end. Only where {@link
   * #writesValues} says so.
   */
  default boolean nextInto(dev.porter.core.archive.ValueWriter out) {
    throw new UnsupportedOperationException("this cursor gives rows as objects");
  }

  /** Whether {@link #nextInto} may be used. */
  default boolean writesValues() {
    return false;
  }

  @Override
  void close();
}
