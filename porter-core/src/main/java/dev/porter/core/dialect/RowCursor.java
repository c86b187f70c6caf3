package dev.porter.core.dialect;

/** A forward-only stream of rows; each call returns a new array. */
public interface RowCursor extends AutoCloseable {
  /** The next row, or null at the end. */
  Object[] next();

  @Override
  void close();
}
