package dev.porter.core.sqlite;

import dev.porter.core.archive.RawRow;
import dev.porter.core.model.SqliteSchema;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Indexes whose pages a restore writes itself, from the keys of the rows it writes as pages (ADR
 * 0029), instead of building them with {@code CREATE INDEX} after the load. Only the simplest and
 * most common kind: an index on one column, ascending, without WHERE, whose values are all integers
 * between -2^31 and 2^31 - 1 or NULL, in rows whose rowids are below 2^31. For such keys every
 * collation orders alike, and an entry and its rowid fit one {@code long}, which Java sorts many
 * times faster than SQLite's sorter does its records. Any other value abandons the index for {@code
 * CREATE INDEX}, as before. The import's integrity_check then holds every entry to its row.
 */
final class SqliteIndexPages {
  /**
   * Entries sorted in memory at a time (1 MB), shared by the indexes of one table; more are sorted
   * in runs kept in a scratch file. Larger buffers outlived the young collections while their table
   * loaded, filled the survivor spaces and went to the old generation: 8 MB, then 4 MB, weighed on
   * a large import's peak memory (ADR 0029, amended twice).
   */
  static final int RUN = 1 << 17;

  /** Below this many entries a run is sorted by {@link Arrays#sort}; above, by {@link #sort}. */
  static final int RADIX_FROM = 1 << 12;

  /** Entries read at a time from each run while they are merged. */
  private static final int READ = 8192;

  private SqliteIndexPages() {}

  /**
   * Sorts index entries as signed longs: for more than a few thousand, by their digits of 16 bits,
   * lowest first, skipping a digit they all share. A scale-1 restore spent about 40 ms sorting an
   * index's 240,000 entries in random order with {@link Arrays#sort}, much of it before C2 had
   * compiled its many loops; these two loops compile early and take a few ms.
   *
   * <p>One sorter keeps its counts and its second array from run to run of an index: allocated for
   * each run, they were a third of what a scale-10 restore allocated (2 MB for each of {@code
   * order_item}'s 55 runs), and every young collection they brought grew the heap.
   */
  static final class Sorter {
    private int[][] counts;
    private long[] spare;

    /** Sorts the first {@code n} entries of {@code a}. */
    void sort(long[] a, int n) {
      if (n < RADIX_FROM) {
        Arrays.sort(a, 0, n);
        return;
      }
      if (counts == null) {
        counts = new int[4][1 << 16];
      } else {
        for (int[] c : counts) {
          Arrays.fill(c, 0);
        }
      }
      if (spare == null || spare.length < n) {
        spare = new long[Math.max(n, a.length)];
      }
      radix(a, n, counts, spare);
    }
  }

  private static void radix(long[] a, int n, int[][] counts, long[] spare) {
    for (int i = 0; i < n; i++) {
      long u = a[i] ^ Long.MIN_VALUE; // unsigned order of u is the signed order of a[i]
      counts[0][(int) u & 0xFFFF]++;
      counts[1][(int) (u >>> 16) & 0xFFFF]++;
      counts[2][(int) (u >>> 32) & 0xFFFF]++;
      counts[3][(int) (u >>> 48)]++;
    }
    long[] from = a;
    long[] to = spare;
    for (int d = 0; d < 4; d++) {
      int shift = 16 * d;
      int[] c = counts[d];
      if (c[(int) ((from[0] ^ Long.MIN_VALUE) >>> shift) & 0xFFFF] == n) {
        continue; // every entry has this digit: the order stays
      }
      int sum = 0;
      for (int b = 0; b < c.length; b++) {
        int k = c[b];
        c[b] = sum;
        sum += k;
      }
      for (int i = 0; i < n; i++) {
        long x = from[i];
        to[c[(int) ((x ^ Long.MIN_VALUE) >>> shift) & 0xFFFF]++] = x;
      }
      long[] t = from;
      from = to;
      to = t;
    }
    if (from != a) {
      System.arraycopy(from, 0, a, 0, n);
    }
  }

  /**
   * An index to write: its name and where its column's value is in a loaded row.
   *
   * @param index the index's name, as in {@code sqlite_master}
   * @param source the position of the indexed column's value in a row
   * @param unique a UNIQUE index: a key two rows share leaves it to CREATE UNIQUE INDEX, whose
   *     failure names it
   */
  record Plan(String index, int source, boolean unique) {}

  /** The indexed table column of a simple index, and whether the index is UNIQUE. */
  private record Key(int column, boolean unique) {}

  /**
   * Which of {@code indexes} (the CREATE INDEX statements of a table about to be written as pages)
   * qualify. SQLite itself reads them: the table and each index are created in a scratch database
   * in memory and described by its pragmas. An index it cannot create there is left to CREATE
   * INDEX, which names the failure.
   */
  static List<Plan> plans(
      SqlitePagedTables.Shape shape, int[] source, List<SqliteSchema.MasterEntry> indexes) {
    if (indexes.isEmpty()) {
      return List.of();
    }
    List<Plan> out = new ArrayList<>();
    try (Connection c = Sqlite.memory()) {
      Sqlite.exec(c, shape.definition());
      for (SqliteSchema.MasterEntry m : indexes) {
        try {
          Sqlite.exec(c, m.sql());
        } catch (SQLException e) {
          continue;
        }
        Key key = simpleKey(c, m.name());
        if (key == null) {
          continue;
        }
        int column = key.column();
        if (column < 0 || column == shape.alias() || column >= source.length) {
          continue;
        }
        SqliteRecords.Affinity a = shape.affinity()[column];
        boolean integersStay =
            a == SqliteRecords.Affinity.INTEGER
                || a == SqliteRecords.Affinity.NUMERIC
                || a == SqliteRecords.Affinity.BLOB;
        if (integersStay && source[column] >= 0) {
          out.add(new Plan(m.name(), source[column], key.unique()));
        }
      }
    } catch (SQLException e) {
      return List.of(); // a definition the scratch database cannot take: CREATE INDEX, as before
    }
    return out;
  }

  /**
   * The key of an index made by CREATE [UNIQUE] INDEX on one ascending column without WHERE, or
   * null. Its collation does not matter: only integers and NULL are ever written.
   */
  private static Key simpleKey(Connection c, String index) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT l.\"unique\", l.origin, l.partial,"
                + " (SELECT count(*) FROM pragma_index_xinfo(l.name) x WHERE x.key = 1),"
                + " (SELECT x.cid FROM pragma_index_xinfo(l.name) x WHERE x.key = 1),"
                + " (SELECT x.\"desc\" FROM pragma_index_xinfo(l.name) x WHERE x.key = 1)"
                + " FROM pragma_index_list((SELECT tbl_name FROM sqlite_master"
                + " WHERE type = 'index' AND name = ?1)) l WHERE l.name = ?1")) {
      ps.setString(1, index);
      try (ResultSet r = ps.executeQuery()) {
        if (!r.next()) {
          return null;
        }
        boolean simple =
            "c".equals(r.getString(2)) && r.getInt(3) == 0 && r.getInt(4) == 1 && r.getInt(6) == 0;
        return simple ? new Key(r.getInt(5), r.getInt(1) != 0) : null;
      }
    }
  }

  /**
   * Enters an index written as pages in {@code sqlite_master}: the row CREATE INDEX would have
   * written, with the root page of the pages written, then a new schema version, so that every
   * connection to the file reads the schema again and knows the index.
   */
  static void enter(Connection c, SqliteSchema.MasterEntry m, long root) throws SQLException {
    Sqlite.exec(c, "PRAGMA writable_schema = ON");
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO main.sqlite_master (type, name, tbl_name, rootpage, sql)"
                + " VALUES ('index', ?, ?, ?, ?)")) {
      ps.setString(1, m.name());
      ps.setString(2, m.tblName());
      ps.setLong(3, root);
      ps.setString(4, m.sql());
      ps.executeUpdate();
    } finally {
      Sqlite.exec(c, "PRAGMA writable_schema = OFF");
    }
    long version = Sqlite.number(c, "PRAGMA main.schema_version");
    Sqlite.exec(c, "PRAGMA main.schema_version = " + (version + 1));
  }

  /**
   * Gathers one index's entries as its table's rows are written, and writes its B-tree once they
   * all are. An entry is one {@code long}: the key's place in SQLite's order (NULL first) above the
   * rowid, sign-flipped so that a signed sort gives that order. Full runs go, sorted, to a scratch
   * file that is deleted when closed, or by the JVM's exit.
   */
  static final class Collector implements Closeable {
    private final Plan plan;
    private final int run;
    private long[] buffer;
    private int count;
    private FileChannel scratch;
    private final List<long[]> runs = new ArrayList<>(); // {first byte, entries}
    private boolean abandoned;
    private final Sorter sorter = new Sorter();

    /** The bytes of a run on their way to the scratch file, kept from run to run. */
    private ByteBuffer spillBytes;

    /** Every entry so far came after the one before it: no sort is needed. */
    private boolean inOrder = true;

    private long last = Long.MIN_VALUE;

    /** {@code run}: entries sorted in memory at a time. */
    Collector(Plan plan, int run) {
      this.plan = plan;
      this.run = run;
      this.buffer = new long[Math.min(1024, run)];
    }

    String index() {
      return plan.index();
    }

    boolean abandoned() {
      return abandoned;
    }

    /** True when every entry came after the one before it: the index's keys follow the rowids. */
    boolean inOrder() {
      return inOrder;
    }

    /**
     * Takes the entry of a written row; false (the index left to CREATE INDEX) if it cannot: a key
     * or rowid out of range, or no room for a run in the temporary directory.
     */
    boolean add(Object[] row, long rowid) throws IOException {
      Object v = row[plan.source()];
      if (v == null) {
        return add(RawRow.NULL, 0, rowid);
      }
      if (v instanceof Long || v instanceof Integer) {
        return add(RawRow.INTEGER, ((Number) v).longValue(), rowid);
      }
      return add(RawRow.OTHER, 0, rowid);
    }

    /** Where the indexed column's value is in a row. */
    int source() {
      return plan.source();
    }

    /**
     * As {@link #add(Object[], long)}, for the indexed value given by its kind ({@link
     * RawRow#NULL}, {@link RawRow#INTEGER}, or any other) and, for an integer, its value.
     */
    boolean add(int kind, long value, long rowid) throws IOException {
      if (abandoned) {
        return false;
      }
      long place;
      if (kind == RawRow.NULL) {
        place = 0;
      } else if (kind == RawRow.INTEGER
          && value >= Integer.MIN_VALUE
          && value <= Integer.MAX_VALUE) {
        place = value - Integer.MIN_VALUE + 1;
      } else {
        close();
        return false;
      }
      if (rowid < 0 || rowid > Integer.MAX_VALUE) {
        close();
        return false;
      }
      if (count == buffer.length) {
        if (buffer.length < run) {
          buffer = Arrays.copyOf(buffer, Math.min(run, buffer.length * 2));
        } else {
          try {
            spill();
          } catch (IOException e) {
            close(); // no scratch space: CREATE INDEX builds it, as before
            return false;
          }
        }
      }
      long entry = ((place << 31) | rowid) ^ Long.MIN_VALUE;
      inOrder &= entry >= last;
      last = entry;
      buffer[count++] = entry;
      return true;
    }

    private void spill() throws IOException {
      if (!inOrder) {
        sorter.sort(buffer, count);
      }
      if (scratch == null) {
        Path file = Files.createTempFile("porter-index-", ".run");
        scratch =
            FileChannel.open(
                file,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE);
      }
      long at = scratch.size();
      if (spillBytes == null) {
        spillBytes = ByteBuffer.allocate(READ * 8);
      }
      ByteBuffer b = spillBytes;
      for (int i = 0; i < count; ) {
        b.clear();
        int n = Math.min(READ, count - i);
        b.asLongBuffer().put(buffer, i, n);
        b.limit(n * 8);
        long pos = at + (long) i * 8;
        while (b.hasRemaining()) {
          pos += scratch.write(b, pos);
        }
        i += n;
      }
      runs.add(new long[] {at, count});
      count = 0;
    }

    /**
     * Writes the index's B-tree, entries in order, into {@code pages}; returns its root page, or -1
     * with nothing written when two rows share a key of a UNIQUE index. The scratch file is closed
     * and gone afterwards.
     */
    long write(SqlitePages pages) throws IOException {
      try {
        if (!inOrder) {
          if (runs.isEmpty()) {
            sorter.sort(buffer, count);
          } else if (count > 0) {
            spill();
          }
        }
        if (plan.unique()) {
          Repeats repeats = new Repeats();
          each(repeats);
          if (repeats.found) {
            return -1;
          }
        }
        SqlitePages.IndexTree tree = pages.indexTree();
        Entries entries = new Entries(tree, pages.smallIntegers());
        each(entries);
        return tree.finish();
      } finally {
        close();
      }
    }

    /** Gives every entry, in order, to {@code sink}; the buffer is sorted or spilled already. */
    private void each(Sink sink) throws IOException {
      if (inOrder) {
        // keys that came in order (a child table loaded in its parent's order): no sort, and
        // the runs follow one another
        for (long[] r : runs) {
          Run run = new Run(scratch, r[0], r[1]);
          while (run.next()) {
            sink.accept(run.head);
          }
        }
        for (int i = 0; i < count; i++) {
          sink.accept(buffer[i]);
        }
      } else if (runs.isEmpty()) {
        for (int i = 0; i < count; i++) {
          sink.accept(buffer[i]);
        }
      } else {
        merge(sink);
      }
    }

    /** Merges the sorted runs: a binary heap of the runs by their next entry. */
    private void merge(Sink sink) throws IOException {
      Run[] heap = new Run[runs.size()];
      int n = 0;
      for (long[] r : runs) {
        Run run = new Run(scratch, r[0], r[1]);
        if (run.next()) {
          heap[n++] = run;
        }
      }
      for (int i = n / 2 - 1; i >= 0; i--) {
        siftDown(heap, i, n);
      }
      while (n > 0) {
        Run top = heap[0];
        sink.accept(top.head);
        if (!top.next()) {
          heap[0] = heap[--n];
        }
        siftDown(heap, 0, n);
      }
    }

    private static void siftDown(Run[] heap, int i, int n) {
      Run moving = heap[i];
      while (true) {
        int child = 2 * i + 1;
        if (child >= n) {
          break;
        }
        if (child + 1 < n && heap[child + 1].head < heap[child].head) {
          child++;
        }
        if (heap[child].head >= moving.head) {
          break;
        }
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = moving;
    }

    @Override
    public void close() throws IOException {
      abandoned = true;
      buffer = null;
      if (scratch != null) {
        FileChannel c = scratch;
        scratch = null;
        c.close();
      }
    }
  }

  /** One sorted run of the scratch file, read {@link #READ} entries at a time. */
  private static final class Run {
    private final FileChannel file;
    private long at;
    private long left;
    private final ByteBuffer bytes = ByteBuffer.allocate(READ * 8);
    private final LongBuffer longs;
    long head;

    Run(FileChannel file, long at, long entries) {
      this.file = file;
      this.at = at;
      this.left = entries;
      this.longs = bytes.asLongBuffer();
      longs.limit(0);
    }

    boolean next() throws IOException {
      if (!longs.hasRemaining()) {
        if (left == 0) {
          return false;
        }
        int n = (int) Math.min(READ, left);
        bytes.clear();
        bytes.limit(n * 8);
        while (bytes.hasRemaining()) {
          int r = file.read(bytes, at + bytes.position());
          if (r < 0) {
            throw new IOException("the index scratch file ended early");
          }
        }
        at += n * 8L;
        left -= n;
        longs.clear();
        longs.limit(n);
      }
      head = longs.get();
      return true;
    }
  }

  /** Takes entries in order. */
  private interface Sink {
    void accept(long entry) throws IOException;
  }

  /** Finds a key that two entries share; NULLs never repeat one (sqlite.org/lang_createindex). */
  private static final class Repeats implements Sink {
    private long previous;
    boolean found;

    @Override
    public void accept(long entry) {
      long place = (entry ^ Long.MIN_VALUE) >>> 31;
      found |= place != 0 && place == previous;
      previous = place;
    }
  }

  /** Encodes entries as index records: the key, then the rowid (fileformat2.html, §2.1). */
  private static final class Entries implements Sink {
    private final SqlitePages.IndexTree tree;
    private final boolean small;
    private final byte[] record = new byte[3 + 8 + 8];

    Entries(SqlitePages.IndexTree tree, boolean small) {
      this.tree = tree;
      this.small = small;
    }

    @Override
    public void accept(long entry) throws IOException {
      long u = entry ^ Long.MIN_VALUE;
      long rowid = u & 0x7FFFFFFFL;
      long place = u >>> 31;
      int keyType =
          place == 0 ? 0 : SqliteRecords.integerType(place - 1 + Integer.MIN_VALUE, small);
      int rowType = SqliteRecords.integerType(rowid, small);
      record[0] = 3;
      record[1] = (byte) keyType;
      record[2] = (byte) rowType;
      int p = 3;
      p = put(p, place - 1 + Integer.MIN_VALUE, SqliteRecords.bodyLength(keyType));
      p = put(p, rowid, SqliteRecords.bodyLength(rowType));
      tree.add(record, p);
    }

    private int put(int p, long value, int n) {
      long x = value;
      for (int i = n - 1; i >= 0; i--) {
        record[p + i] = (byte) x;
        x >>= 8;
      }
      return p + n;
    }
  }
}
