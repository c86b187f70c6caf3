package dev.porter.core.dialect;

/** Receives the rows of one table during an import. */
public interface RowSink {
  void accept(Object[] row);

  /** Completes the table and returns how many rows it received. */
  long finish();
}
