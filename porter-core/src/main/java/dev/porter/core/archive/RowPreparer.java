package dev.porter.core.archive;

/**
 * Turns a table's rows into a sink's own form on the archive reader's decoding thread, value by
 * value, so that no value becomes an object ({@link RawRow}). Used by one thread at a time, row
 * after row in the table's order; the batches it makes go to the sink that made it, in that order
 * (docs/decisions/0033-sqlite-records-made-on-the-decoding-thread.md).
 */
public interface RowPreparer {
  /** A new, empty batch. */
  Batch newBatch();

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
