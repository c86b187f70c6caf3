package dev.porter.core.sqlite;

import dev.porter.core.PorterException;
import dev.porter.core.archive.ValueWriter;
import dev.porter.core.dialect.RowCursor;
import dev.porter.core.io.IoErrors;
import dev.porter.core.model.RawText;
import dev.porter.core.model.Utf8Text;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a rowid table's rows straight from the pages of its B-tree, in rowid order
 * (docs/decisions/0030): the mirror of the import's page writer (0027). The caller holds SQLite's
 * shared lock on the file in a read transaction, so no process can write a page of it until the
 * scan ends, and has checked that the table's records are exactly its columns (no generated
 * column), that the file is UTF-8 and not in WAL mode.
 *
 * <p>The values are those SQLite's own scan returns: each record's values by their serial types
 * (sqlite.org/fileformat2.html, "Record Format"), an integer in a column of REAL affinity as a real
 * (SQLite stores integral reals there as integers and converts them back when read), the rowid in
 * place of the NULL that an INTEGER PRIMARY KEY column stores. ASCII text comes as its bytes
 * ({@link Utf8Text}), for the archive writer to store as they are. A record shorter than the table
 * (rows written before an {@code ALTER TABLE ADD COLUMN}) takes the missing columns' values from
 * SQLite itself, asked once for such a row.
 *
 * <p>Anything that does not fit the format — a page of the wrong type or out of the file, a cell or
 * a record running past its page or payload, rowids not in ascending order, a tree deeper than any
 * SQLite writes — stops the scan with one line naming the table, the file and the page.
 */
final class SqliteTableScan implements RowCursor {
  /** What SQLite answers for the row with a given rowid: the columns a short record lacks. */
  interface Fill {
    Object[] row(long rowid);
  }

  private static final byte LEAF = 0x0D;
  private static final byte INTERIOR = 0x05;

  /** SQLite's B-trees of 2^32 pages of 512 bytes are at most about 20 levels deep. */
  private static final int MAX_DEPTH = 24;

  private static final int MAX_PAYLOAD = Integer.MAX_VALUE - 16;

  /**
   * The bytes of a value of serial type 0 to 11 in a record's body; -1 for 10 and 11 (reserved).
   */
  private static final int[] SERIAL_SIZES = {0, 1, 2, 3, 4, 6, 8, 8, 0, 0, -1, -1};

  private final FileChannel file;
  private final String what;
  private final long root;
  private final int pageSize;
  private final int usable;
  private final long pages;
  private final boolean[] real;
  private final int fields;
  private final int width;
  private final int first;
  private final int rowidAt;
  private final Fill fill;

  private final byte[][] levels = new byte[MAX_DEPTH][];
  private final ByteBuffer[] levelBuffers = new ByteBuffer[MAX_DEPTH];
  private final long[] levelPage = new long[MAX_DEPTH];
  private final int[] nextChild = new int[MAX_DEPTH];
  private int depth;
  private boolean started;

  private byte[] leaf;
  private ByteBuffer leafBuffer;
  private long leafPage;
  private int leafCells;
  private int leafCell;
  private final byte[] overflow;
  private final ByteBuffer overflowBuffer;

  /** The most read at once when pages are read in the file's order. */
  private static final int AHEAD_BYTES = 128 << 10;

  /** Pages read ahead: {@link #aheadPages} of them from page {@link #aheadFirst} on. */
  private ByteBuffer ahead;

  private long aheadFirst;
  private int aheadPages;

  /** The page read last, or -1. */
  private long lastRead = -1;

  private byte[] payload = new byte[0];

  private long lastRowid;
  private boolean anyRow;
  private int known;
  private Object[] defaults;
  private final ObjectRow objects = new ObjectRow();

  /** Where the last varint read ended. */
  private int at;

  /**
   * @param what "table T of F", for messages
   * @param root the table's root page
   * @param pageSize the file's page size
   * @param reserved bytes reserved at the end of each page
   * @param real per record field: the column has REAL affinity
   * @param first where record field 0 goes in a row: 1 when the rowid is carried first, else 0
   * @param rowidAt where the rowid goes in a row (the carried rowid or the INTEGER PRIMARY KEY
   *     column)
   */
  SqliteTableScan(
      FileChannel file,
      String what,
      long root,
      int pageSize,
      int reserved,
      boolean[] real,
      int first,
      int rowidAt,
      Fill fill)
      throws IOException {
    this.file = file;
    this.what = what;
    this.root = root;
    this.pageSize = pageSize;
    this.usable = pageSize - reserved;
    this.pages = file.size() / pageSize;
    this.real = real.clone();
    this.fields = real.length;
    this.width = first + fields;
    this.first = first;
    this.rowidAt = rowidAt;
    this.fill = fill;
    this.known = fields;
    this.leaf = new byte[pageSize];
    this.leafBuffer = ByteBuffer.wrap(leaf);
    this.overflow = new byte[pageSize];
    this.overflowBuffer = ByteBuffer.wrap(overflow);
  }

  @Override
  public Object[] next() {
    objects.start();
    return advance(objects) ? objects.row : null;
  }

  /** Rows go to the archive writer value by value (ADR 0035). */
  @Override
  public boolean writesValues() {
    return true;
  }

  @Override
  public boolean nextInto(ValueWriter out) {
    return advance(out);
  }

  /** Decodes the next row into {@code out}; false at the end. */
  private boolean advance(ValueWriter out) {
    try {
      while (leafCell >= leafCells) {
        if (!nextLeaf()) {
          return false;
        }
      }
      int cell = cellAt(leaf, 8, leafCell++);
      row(cell, out);
      return true;
    } catch (IOException e) {
      throw PorterException.unavailable("cannot read " + what + ": " + IoErrors.reason(e, what), e);
    } catch (IndexOutOfBoundsException e) {
      throw broken(leafPage, "a cell or a record runs past its page");
    }
  }

  /** Moves to the next leaf of the tree, left to right; false at the end. */
  private boolean nextLeaf() throws IOException {
    long child;
    if (!started) {
      started = true;
      child = root;
    } else {
      child = 0;
      while (child == 0) {
        if (depth == 0) {
          return false;
        }
        int d = depth - 1;
        byte[] p = levels[d];
        int cells = int16(p, 3);
        int i = nextChild[d]++;
        if (i < cells) {
          child = int32(p, cellAt(p, 12, i));
        } else if (i == cells) {
          child = int32(p, 8);
        } else {
          depth--;
        }
      }
    }
    while (true) {
      if (depth >= MAX_DEPTH) {
        throw broken(child, "the tree is deeper than " + MAX_DEPTH + " levels (a loop?)");
      }
      byte[] p = levels[depth];
      if (p == null) {
        p = levels[depth] = new byte[pageSize];
        levelBuffers[depth] = ByteBuffer.wrap(p);
      }
      read(child, levelBuffers[depth]);
      if (p[0] == LEAF) {
        // the page read becomes the leaf, the last leaf's array this level's next buffer
        ByteBuffer pb = levelBuffers[depth];
        levels[depth] = leaf;
        levelBuffers[depth] = leafBuffer;
        leaf = p;
        leafBuffer = pb;
        leafPage = child;
        leafCells = int16(leaf, 3);
        leafCell = 0;
        if (8 + 2 * leafCells > usable) {
          throw broken(child, "more cells than the page holds");
        }
        return true;
      }
      if (p[0] != INTERIOR) {
        throw broken(child, "not a table B-tree page (type " + (p[0] & 0xFF) + ")");
      }
      int cells = int16(p, 3);
      if (12 + 2 * cells > usable) {
        throw broken(child, "more cells than the page holds");
      }
      levelPage[depth] = child;
      nextChild[depth] = 1;
      depth++;
      child = cells > 0 ? int32(p, cellAt(p, 12, 0)) : int32(p, 8);
    }
  }

  /** The row of the leaf cell at {@code cell}, into {@code out}. */
  private void row(int cell, ValueWriter out) throws IOException {
    long size = varint(leaf, cell);
    long rowid = varint(leaf, at);
    int start = at;
    if (anyRow && rowid <= lastRowid) {
      throw broken(leafPage, "rowid " + rowid + " follows " + lastRowid);
    }
    anyRow = true;
    lastRowid = rowid;
    if (size > MAX_PAYLOAD) {
      throw broken(leafPage, "a record of " + size + " bytes");
    }
    int length = (int) size;
    byte[] data;
    int offset;
    if (length <= usable - 35) {
      if (start + length > usable) {
        throw broken(leafPage, "a cell runs past the page");
      }
      data = leaf;
      offset = start;
    } else {
      data = spilled(start, length, rowid);
      offset = 0;
    }
    decode(data, offset, length, rowid, out);
  }

  /** A payload that overflows its page, gathered from its overflow chain. */
  private byte[] spilled(int start, int length, long rowid) throws IOException {
    int max = usable - 35;
    int min = ((usable - 12) * 32 / 255) - 23;
    int local = min + (int) ((length - (long) min) % (usable - 4));
    if (local > max) {
      local = min;
    }
    if (start + local + 4 > usable) {
      throw broken(leafPage, "the cell of rowid " + rowid + " runs past the page");
    }
    if (payload.length < length) {
      payload = new byte[Math.max(length, Math.min(MAX_PAYLOAD, payload.length * 2))];
    }
    System.arraycopy(leaf, start, payload, 0, local);
    long next = int32(leaf, start + local);
    int have = local;
    while (have < length) {
      if (next == 0) {
        throw broken(leafPage, "the overflow chain of rowid " + rowid + " ends early");
      }
      read(next, overflowBuffer);
      int n = Math.min(length - have, usable - 4);
      System.arraycopy(overflow, 4, payload, have, n);
      have += n;
      next = int32(overflow, 0);
    }
    return payload;
  }

  /**
   * Decodes a record into {@code out}, value by value in the row's order, then ends the row: the
   * rowid where the row carries it or an INTEGER PRIMARY KEY stands for it, an integer stored in a
   * column of REAL affinity as a real, and the columns a short record lacks as SQLite fills them.
   */
  private void decode(byte[] b, int start, int length, long rowid, ValueWriter out) {
    int end = start + length;
    long headerSize = varint(b, start);
    int h = at;
    if (headerSize > length || start + headerSize < h) {
      throw broken(leafPage, "the record of rowid " + rowid + " has a bad header");
    }
    int headerEnd = start + (int) headerSize;
    int body = headerEnd;
    if (first == 1) {
      out.integer(rowid); // the carried rowid
    }
    int f = 0;
    while (h < headerEnd) {
      long type = varint(b, h);
      h = at;
      if (f >= fields) {
        throw broken(leafPage, "the record of rowid " + rowid + " has more values than columns");
      }
      long size =
          type >= 12
              ? (type - 12) >> 1 // TEXT and BLOB: the length is in the type
              : type >= 0 ? SERIAL_SIZES[(int) type] : -1;
      if (size < 0) {
        throw broken(leafPage, "the record of rowid " + rowid + " has serial type " + type);
      }
      if (body + size > end) {
        throw pastEnd(rowid);
      }
      int n = (int) size;
      if (first + f == rowidAt) {
        out.integer(rowid); // an INTEGER PRIMARY KEY's record holds NULL: the rowid is its value
      } else if (type == 0) {
        out.nullValue();
      } else if (type <= 6) {
        number(signed(b, body, n), f, out);
      } else if (type == 7) {
        out.real(Double.longBitsToDouble(signed(b, body, 8)));
      } else if (type <= 9) {
        number(type - 8, f, out);
      } else if ((type & 1) == 0) {
        out.blob(b, body, n);
      } else {
        text(b, body, n, out);
      }
      body += n;
      f++;
    }
    if (f < fields) {
      shortRecord(f, rowid, out);
    }
    out.endRow();
  }

  /** An integer of the record: a real in a column of REAL affinity, as SQLite reads it back. */
  private void number(long x, int f, ValueWriter out) {
    if (real[f]) {
      out.real((double) x);
    } else {
      out.integer(x);
    }
  }

  /** Fills the columns a record written before they were added lacks, as SQLite reads them. */
  private void shortRecord(int present, long rowid, ValueWriter out) {
    if (present < known) {
      Object[] full = fill.row(rowid);
      if (full == null || full.length != width) {
        throw broken(leafPage, "SQLite does not find rowid " + rowid);
      }
      defaults = full;
      known = present;
    }
    for (int f = present; f < fields; f++) {
      if (first + f == rowidAt) {
        out.integer(rowid);
      } else {
        out.value(defaults[first + f]);
      }
    }
  }

  /**
   * A TEXT value: ASCII bytes as they are ({@link Utf8Text}, which the archive writer stores
   * without a {@code String} between), any other text decoded, and bytes that are not UTF-8 as
   * {@link RawText}.
   */
  private static void text(byte[] b, int at, int n, ValueWriter out) {
    if (ascii(b, at, n)) {
      out.asciiText(b, at, n);
      return;
    }
    String s = new String(b, at, n, StandardCharsets.UTF_8);
    out.value(
        s.indexOf('\uFFFD') >= 0
            ? SqliteSource.exactText(s, Arrays.copyOfRange(b, at, at + n))
            : s);
  }

  /** The rows {@link #next} gives: a new array of the objects each value was always given as. */
  private final class ObjectRow implements ValueWriter {
    Object[] row;
    private int i;

    void start() {
      row = new Object[width];
      i = 0;
    }

    @Override
    public void nullValue() {
      i++;
    }

    @Override
    public void integer(long v) {
      row[i++] = v;
    }

    @Override
    public void real(double v) {
      row[i++] = v;
    }

    @Override
    public void asciiText(byte[] b, int from, int length) {
      row[i++] = Utf8Text.owning(Arrays.copyOfRange(b, from, from + length));
    }

    @Override
    public void blob(byte[] b, int from, int length) {
      row[i++] = Arrays.copyOfRange(b, from, from + length);
    }

    @Override
    public void value(Object v) {
      row[i++] = v instanceof byte[] bytes ? bytes.clone() : v; // a default shared by rows
    }

    @Override
    public void endRow() {
      // the row is complete
    }
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** True if every byte is below 0x80, looked at eight at a time. */
  static boolean ascii(byte[] b, int at, int n) {
    int i = at;
    int end = at + n;
    for (; i + 8 <= end; i += 8) {
      if (((long) LONGS.get(b, i) & 0x8080808080808080L) != 0) {
        return false;
      }
    }
    for (; i < end; i++) {
      if (b[i] < 0) {
        return false;
      }
    }
    return true;
  }

  private void read(long page, ByteBuffer into) throws IOException {
    if (page < 2 || page > pages) {
      throw broken(page, "no such page in a file of " + pages + " pages");
    }
    into.clear();
    if (!buffered(page) && page == lastRead + 1) {
      readAhead(page);
    }
    if (buffered(page)) {
      // an absolute copy: a slice would be an object per page (20 MB at scale 10)
      into.put(into.position(), ahead, (int) (page - aheadFirst) * pageSize, pageSize);
      into.position(into.position() + pageSize);
    } else {
      SqlitePages.readFully(file, into, (page - 1) * pageSize);
    }
    lastRead = page;
    if (into.hasRemaining()) {
      throw broken(page, "the file ends inside it");
    }
  }

  /**
   * Reads the pages from {@code page} on, up to {@link #AHEAD_BYTES}, into {@link #ahead}: a table
   * written in rowid order has its leaves one after another in the file, and one read then serves
   * many of them, where a read per page cost a system call and two copies (the JDK's own direct
   * buffer, then the page's array).
   */
  private void readAhead(long page) throws IOException {
    if (ahead == null) {
      ahead = ByteBuffer.allocateDirect(Math.max(pageSize, AHEAD_BYTES / pageSize * pageSize));
    }
    long n = Math.min(ahead.capacity() / pageSize, pages - page + 1);
    ahead.clear().limit((int) n * pageSize);
    SqlitePages.readFully(file, ahead, (page - 1) * pageSize);
    aheadFirst = page;
    aheadPages = ahead.position() / pageSize;
  }

  /** Whether {@code page} is among the pages read ahead. */
  private boolean buffered(long page) {
    return page >= aheadFirst && page < aheadFirst + aheadPages;
  }

  private PorterException pastEnd(long rowid) {
    return broken(leafPage, "a value of rowid " + rowid + " runs past its record");
  }

  private PorterException broken(long page, String problem) {
    return PorterException.unavailable(
        "cannot read "
            + what
            + ": page "
            + page
            + ": "
            + problem
            + " (the file is damaged; PRAGMA integrity_check tells more)",
        null);
  }

  /** A big-endian two's-complement integer of {@code n} bytes. */
  private static long signed(byte[] b, int p, int n) {
    long v = b[p]; // sign-extended
    for (int i = 1; i < n; i++) {
      v = (v << 8) | (b[p + i] & 0xFF);
    }
    return v;
  }

  /** A varint at {@code p}; where it ends goes to {@link #at}. */
  private long varint(byte[] b, int p) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      int x = b[p + i] & 0xFF;
      v = (v << 7) | (x & 0x7F);
      if ((x & 0x80) == 0) {
        at = p + i + 1;
        return v;
      }
    }
    at = p + 9;
    return (v << 8) | (b[p + 8] & 0xFF);
  }

  private int cellAt(byte[] page, int header, int i) {
    int c = int16(page, header + 2 * i);
    if (c < header || c >= usable) {
      throw broken(
          page == leaf ? leafPage : levelPage[depth - 1], "a cell pointer out of the page");
    }
    return c;
  }

  private static int int16(byte[] b, int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }

  /** An unsigned 32-bit number: a page number. */
  private static long int32(byte[] b, int at) {
    return SqlitePages.int32(b, at) & 0xFFFFFFFFL;
  }

  @Override
  public void close() {
    // the channel is shared and never closed (SqliteFileReads)
  }
}
