package dev.porter.core.sqlite;

import dev.porter.core.archive.RawRow;
import dev.porter.core.archive.RowPreparer;
import dev.porter.core.model.Rows;
import java.util.Arrays;

/**
 * A batch of one table's rows on their way to its page loader: each either prepared on the
 * archive's decoding thread (its record, its rowid, and the integer values its key sets and indexes
 * take) or, when the preparer did not take it, as objects
 * (docs/decisions/0033-sqlite-records-made-on-the-decoding-thread.md).
 */
final class SqlitePreparedRows implements RowPreparer.Batch {
  private final Preparer preparer;
  private final int width;

  /**
   * The rows' records, one after another; it grows as rows come. It starts small: a table's batches
   * are many when its rows are short (ADR 0042), and each is kept for the whole table.
   */
  private byte[] records = new byte[1 << 14];

  private int used;
  private int rows;

  /** For each row, where its record ends in {@link #records} (a row as objects: where it would). */
  private int[] ends = new int[ROWS];

  private long[] rowids = new long[ROWS];

  /** For each row, its objects when it was not prepared; else null. */
  private Object[][] objects = new Object[ROWS][];

  /** For each row and value, the kind ({@link RawRow#NULL}…) and, for an integer, the value. */
  private byte[] kinds;

  private long[] values;
  private long objectBytes;

  /** Rows a batch has room for before it grows (an archive reader's batches hold 512). */
  private static final int ROWS = 512;

  private SqlitePreparedRows(Preparer preparer, int width) {
    this.preparer = preparer;
    this.width = width;
    this.kinds = new byte[ROWS * width];
    this.values = new long[ROWS * width];
  }

  /**
   * Gives the batch back to its preparer, to be filled again: its rows were all written. The arrays
   * of rows given as objects are not the batch's and stay with whoever took them.
   */
  void recycle() {
    Arrays.fill(objects, 0, rows, null);
    rows = 0;
    used = 0;
    objectBytes = 0;
    preparer.free.offer(this);
  }

  @Override
  public boolean add(RawRow row) {
    if (!preparer.prepare(row)) {
      return false;
    }
    SqliteRecords r = preparer.records;
    int length = r.length();
    room(length);
    System.arraycopy(r.record(), 0, records, used, length);
    used += length;
    int base = rows * width;
    for (int i = 0; i < width; i++) {
      int k = row.kind(i);
      kinds[base + i] = (byte) k;
      values[base + i] = k == RawRow.INTEGER ? row.integer(i) : 0;
    }
    ends[rows] = used;
    rowids[rows] = preparer.last;
    objects[rows] = null;
    rows++;
    return true;
  }

  @Override
  public void addObjects(Object[] row) {
    room(0);
    ends[rows] = used;
    objects[rows] = row;
    objectBytes += Rows.approximateBytes(row);
    rows++;
  }

  /** Makes room for one more row and {@code bytes} more bytes of records. */
  private void room(int bytes) {
    if (used + bytes > records.length) {
      records = Arrays.copyOf(records, Math.max(used + bytes, records.length * 2));
    }
    if (rows == ends.length) {
      int n = rows * 2;
      ends = Arrays.copyOf(ends, n);
      rowids = Arrays.copyOf(rowids, n);
      objects = Arrays.copyOf(objects, n);
      kinds = Arrays.copyOf(kinds, n * width);
      values = Arrays.copyOf(values, n * width);
    }
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public long bytes() {
    // a row's entries in the arrays beside its record: its end, rowid and objects, its kinds and
    // values (the archive reader bounds what it reads ahead by this, ADR 0042)
    return used + objectBytes + (16L + 9L * width) * rows;
  }

  /** Row {@code r}'s objects, or null when it was prepared. */
  Object[] objects(int r) {
    return objects[r];
  }

  long rowid(int r) {
    return rowids[r];
  }

  byte[] records() {
    return records;
  }

  /** Where row {@code r}'s record starts in {@link #records()}. */
  int start(int r) {
    return r == 0 ? 0 : ends[r - 1];
  }

  int end(int r) {
    return ends[r];
  }

  /** The kind of value {@code i} of prepared row {@code r} ({@link RawRow#NULL}…). */
  int kind(int r, int i) {
    return kinds[r * width + i];
  }

  /** Value {@code i} of prepared row {@code r}, where it is an integer. */
  long value(int r, int i) {
    return values[r * width + i];
  }

  /**
   * Prepares one table's rows, on the decoding thread, as its page loader would write them: the
   * same record, and only where the loader would write the row as a page of the table's tree. A row
   * it cannot take, and every row after it, go to the loader as objects, which decides for them as
   * before (the loader may go on by INSERT from such a row, and then takes objects only).
   */
  static final class Preparer implements RowPreparer {
    private final SqliteRecords records;
    private final int rowidSource;
    private final int width;
    private long prepared;
    private long last;
    private boolean refused;

    /**
     * {@code records}: an encoder of the decoding thread's own; {@code rowidSource}: where the
     * rowid alias is in a row, or -1; {@code width}: the values in a row.
     */
    Preparer(SqliteRecords records, int rowidSource, int width) {
      this.records = records;
      this.rowidSource = rowidSource;
      this.width = width;
    }

    /**
     * Batches the loader has written and given back ({@link #recycle}): a table's batches are made
     * once, not for every 512 rows (at scale 10 of the benchmark, 2 GB of arrays otherwise).
     */
    private final java.util.Queue<SqlitePreparedRows> free =
        new java.util.concurrent.ConcurrentLinkedQueue<>();

    @Override
    public SqlitePreparedRows newBatch() {
      SqlitePreparedRows b = free.poll();
      return b != null ? b : new SqlitePreparedRows(this, width);
    }

    /**
     * Encodes {@code row} if the loader would write it as a page; its rowid is then {@link #last}.
     */
    private boolean prepare(RawRow row) {
      if (refused || row.size() != width) {
        refused = true;
        return false;
      }
      long rowid;
      if (rowidSource >= 0) {
        if (row.kind(rowidSource) != RawRow.INTEGER) {
          refused = true;
          return false;
        }
        rowid = row.integer(rowidSource);
        if (prepared > 0 && rowid <= last) {
          refused = true;
          return false;
        }
      } else if (prepared == 0) {
        rowid = 1;
      } else if (last < Long.MAX_VALUE) {
        rowid = last + 1;
      } else {
        refused = true;
        return false;
      }
      if (!records.encode(row)) {
        refused = true;
        return false;
      }
      last = rowid;
      prepared++;
      return true;
    }
  }
}
