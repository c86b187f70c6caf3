package dev.porter.core.archive;

/**
 * Turns a table's rows into a sink's own form on the archive reader's decoding thread, value by
 * value, so that no value becomes an object ({@link RawRow}). Used by one thread at a time, row
 * after row in the table's order; the batches it makes go to the sink that made it, in that order
 * (docs/decisions/0033-sqlite-records-made-on-the-decoding-thread.md). A preparer that can {@link
 * #fork()} lets the reader prepare runs of rows on several threads, each fork in the order of its
 * own runs.
 */
public interface RowPreparer {
  /** A new, empty batch. */
  Batch newBatch();

  /**
   * For a reader that prepares a table's runs of rows (an archive's blocks) on several threads at
   * once (docs/decisions/0040-blocks-decoded-on-two-threads.md): a preparer of the same table for
   * one more thread, which prepares each run ({@link #restart}) as if every row before it had been
   * prepared. Null, the default, when rows can only be prepared one after another.
   */
  default RowPreparer fork() {
    return null;
  }

  /**
   * Of a {@link #fork()}: the rows that come next are a run that starts at the table's row {@code
   * first}, counted from 0.
   */
  default void restart(long first) {
    throw new UnsupportedOperationException("not a fork");
  }

  /**
   * Of the preparer the reader was given, on the thread that takes the batches: called for each
   * batch a fork made, in the table's order, before the batch is handed on. True when the batch
   * holds what this preparer would have made of its rows after the batches before it; this preparer
   * then stands after it. False, with nothing changed, when it does not: the reader then prepares
   * that batch's rows, and every row after them, with this preparer, in order.
   */
  default boolean follows(Batch batch) {
    throw new UnsupportedOperationException("not forked");
  }

  /** Rows on their way to the sink, prepared or as objects, in the table's order. */
  interface Batch {
    /**
     * Prepares {@code row} into this batch; false, with nothing added, when the preparer does not
     * take it, and the reader then adds the row as objects.
     */
    boolean add(RawRow row);

    /** Adds a row the preparer did not take, decoded as {@link TableReader#next} gives rows. */
    void addObjects(Object[] row);

    /** The rows added. */
    int rows();

    /** About how many bytes the batch holds, to bound what is in flight. */
    long bytes();
  }
}
