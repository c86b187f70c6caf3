package dev.porter.core.sqlite;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the B-trees of rowid tables straight into a SQLite file that no connection has open
 * (sqlite.org/fileformat2.html): the staging file of an import, between its schema and its indexes.
 * Rows arrive in rowid order; leaves are filled one after the other and appended to the file, the
 * interior pages above them are built as leaves complete, and the top page of each tree is written
 * over the table's empty root page. The file header's page count and change counter are updated at
 * {@link #close}. Nothing here decides what may be written: the caller gives records that SQLite
 * would have stored (see {@link SqliteRecords}), and the import's integrity_check reads every page
 * before the file is used.
 */
final class SqlitePages implements Closeable {
  /** The page holding this byte offset is never used by SQLite (its locks live there). */
  private static final long PENDING_BYTE = 0x40000000L;

  private static final byte LEAF = 0x0D;
  private static final byte INTERIOR = 0x05;
  private static final byte INDEX_LEAF = 0x0A;
  private static final byte INDEX_INTERIOR = 0x02;

  /**
   * Zeros for a page's unused space, copied rather than filled: C2 compiles {@code Arrays.fill} as
   * a loop a byte at a time where loops are not unrolled (ADR 0019), while {@code System.arraycopy}
   * is the JDK's vectorized copy. The largest SQLite page is 64 KB.
   */
  private static final byte[] ZEROS = new byte[65536];

  private final FileChannel channel;
  private final int pageSize;
  private final long pendingPage;
  private final byte[] header;
  private final boolean smallIntegers;

  /** Pages in the file, written or waiting in {@link #buffer}. */
  private long pages;

  /** Appended pages not yet written, the first of them page {@link #bufferFirst}. */
  private final ByteBuffer buffer;

  private long bufferFirst;

  private SqlitePages(FileChannel channel, byte[] header, int pageSize, long pages) {
    this.channel = channel;
    this.header = header;
    this.pageSize = pageSize;
    this.pages = pages;
    this.pendingPage = PENDING_BYTE / pageSize + 1;
    this.smallIntegers = int32(header, 44) >= 4;
    this.buffer = ByteBuffer.allocate(Math.max(1, (1 << 20) / pageSize) * pageSize);
    this.bufferFirst = pages + 1;
  }

  /**
   * Opens {@code file} for writing tables, or returns null when its header describes a file these
   * pages are not made for: reserved bytes per page, an encoding other than UTF-8, auto-vacuum,
   * WAL, or a size that does not match its page count.
   */
  static SqlitePages open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      byte[] h = new byte[100];
      ByteBuffer b = ByteBuffer.wrap(h);
      readFully(ch, b, 0);
      int pageSize = ((h[16] & 0xFF) << 8) | (h[17] & 0xFF);
      pageSize = pageSize == 1 ? 65536 : pageSize;
      long pages = int32(h, 28) & 0xFFFFFFFFL;
      boolean fits =
          !b.hasRemaining()
              && new String(h, 0, 16, java.nio.charset.StandardCharsets.US_ASCII)
                  .equals("SQLite format 3\0")
              && pageSize >= 512
              && Integer.bitCount(pageSize) == 1
              && h[18] == 1
              && h[19] == 1 // rollback journal, not WAL
              && h[20] == 0 // no reserved bytes
              && int32(h, 52) == 0 // no auto-vacuum
              && int32(h, 56) == 1 // UTF-8
              && int32(h, 24) == int32(h, 92) // the page count is current
              && pages > 0
              && ch.size() == pages * pageSize;
      if (!fits) {
        ch.close();
        return null;
      }
      return new SqlitePages(ch, h, pageSize, pages);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  boolean smallIntegers() {
    return smallIntegers;
  }

  /**
   * Starts the B-tree of a table whose root page is {@code root}; null if that page is not empty.
   */
  Tree tree(long root) throws IOException {
    if (root < 2 || root > pages || root >= bufferFirst) {
      return null;
    }
    ByteBuffer b = ByteBuffer.allocate(8);
    readFully(channel, b, (root - 1) * pageSize);
    if (b.hasRemaining()) {
      return null;
    }
    byte[] h = b.array();
    boolean emptyLeaf = h[0] == LEAF && h[3] == 0 && h[4] == 0;
    return emptyLeaf ? new Tree(root) : null;
  }

  /** Reads until {@code b} is full or the file ends. */
  static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, at + b.position());
      if (n < 0) {
        return;
      }
    }
  }

  /** The file's size in bytes, with the pages appended so far. */
  long size() {
    return pages * pageSize;
  }

  /** The number the next appended page gets. */
  private long next() {
    long n = pages + 1;
    return n == pendingPage ? n + 1 : n;
  }

  /** The page after {@code page} among appended pages. */
  private long after(long page) {
    long n = page + 1;
    return n == pendingPage ? n + 1 : n;
  }

  /** Appends a page at the end of the file and returns its number. */
  private long append(byte[] page, int offset) throws IOException {
    if (pages + 1 == pendingPage) {
      put(new byte[pageSize], 0); // SQLite's lock page: never used, present in the file
    }
    put(page, offset);
    return pages;
  }

  private void put(byte[] page, int offset) throws IOException {
    if (!buffer.hasRemaining()) {
      flush();
    }
    buffer.put(page, offset, pageSize);
    pages++;
  }

  private void flush() throws IOException {
    buffer.flip();
    long at = (bufferFirst - 1) * pageSize;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
    buffer.clear();
    bufferFirst = pages + 1;
  }

  private void writeAt(long page, byte[] content) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(content, 0, pageSize);
    long at = (page - 1) * pageSize;
    while (b.hasRemaining()) {
      at += channel.write(b, at);
    }
  }

  /**
   * Writes what is buffered and the header's new page count, with a new change counter that also
   * marks that count as current, and closes the file.
   */
  @Override
  public void close() throws IOException {
    try (FileChannel ch = channel) {
      flush();
      long counter = (int32(header, 24) & 0xFFFFFFFFL) + 1;
      putInt32(header, 24, (int) counter);
      putInt32(header, 28, (int) pages);
      putInt32(header, 92, (int) counter);
      ByteBuffer b = ByteBuffer.wrap(header);
      long at = 0;
      while (b.hasRemaining()) {
        at += ch.write(b, at);
      }
    }
  }

  static int int32(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24)
        | ((b[at + 1] & 0xFF) << 16)
        | ((b[at + 2] & 0xFF) << 8)
        | (b[at + 3] & 0xFF);
  }

  private static void putInt32(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  private static void putInt16(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
  }

  /** One table's B-tree, built from rows in ascending rowid order. */
  final class Tree {
    private final long root;
    private final byte[] leaf = new byte[pageSize];
    private int cells;
    private int contentStart = pageSize;
    private long lastKey;
    private long rows;
    private final List<Level> levels = new ArrayList<>();

    /** SQLite's thresholds for a table leaf's local payload (fileformat2.html, §1.6). */
    private final int maxLocal = pageSize - 35;

    private final int minLocal = ((pageSize - 12) * 32 / 255) - 23;

    private Tree(long root) {
      this.root = root;
    }

    /** The rowid of the last row added; meaningful once a row is. */
    long lastKey() {
      return lastKey;
    }

    long rows() {
      return rows;
    }

    /** Adds a row; its rowid must be greater than the last one's. */
    void add(long rowid, byte[] record, int length) throws IOException {
      add(rowid, record, 0, length);
    }

    /** Adds a row whose record is {@code record[offset, offset + length)}. */
    void add(long rowid, byte[] record, int offset, int length) throws IOException {
      if (rows > 0 && rowid <= lastKey) {
        throw new IllegalArgumentException("rowids out of order: " + rowid + " after " + lastKey);
      }
      int local = length;
      if (length > maxLocal) {
        int k = minLocal + ((length - minLocal) % (pageSize - 4));
        local = k <= maxLocal ? k : minLocal;
      }
      int size =
          SqliteRecords.varintLength(length)
              + SqliteRecords.varintLength(rowid)
              + local
              + (local < length ? 4 : 0);
      size = Math.max(size, 4);
      if (8 + 2 * (cells + 1) + size > contentStart) {
        flushLeaf();
      }
      long overflow = local < length ? writeOverflow(record, offset + local, offset + length) : 0;
      contentStart -= size;
      int p = SqliteRecords.putVarint(leaf, contentStart, length);
      p = SqliteRecords.putVarint(leaf, p, rowid);
      System.arraycopy(record, offset, leaf, p, local);
      p += local;
      if (overflow != 0) {
        putInt32(leaf, p, (int) overflow);
      }
      putInt16(leaf, 8 + 2 * cells, contentStart);
      cells++;
      lastKey = rowid;
      rows++;
    }

    /** Writes a payload's tail to a chain of overflow pages; returns the first page's number. */
    private long writeOverflow(byte[] record, int from, int length) throws IOException {
      long first = next();
      byte[] page = new byte[pageSize];
      int per = pageSize - 4;
      long page0 = first;
      for (int at = from; at < length; at += per) {
        int n = Math.min(per, length - at);
        boolean last = at + n >= length;
        putInt32(page, 0, last ? 0 : (int) after(page0));
        System.arraycopy(record, at, page, 4, n);
        zero(page, 4 + n, pageSize);
        long written = append(page, 0);
        if (written != page0) {
          throw new IllegalStateException("overflow page " + written + ", expected " + page0);
        }
        page0 = after(page0);
      }
      return first;
    }

    private void sealLeaf() {
      sealPage(leaf, LEAF, 8, cells, contentStart);
    }

    private void flushLeaf() throws IOException {
      sealLeaf();
      long page = append(leaf, 0);
      level(0).add(page, lastKey);
      cells = 0;
      contentStart = pageSize;
    }

    private Level level(int i) {
      if (i == levels.size()) {
        levels.add(new Level(i));
      }
      return levels.get(i);
    }

    /** Completes the tree: its top page goes over the root page. */
    void finish() throws IOException {
      if (rows == 0) {
        return; // the root stays the empty leaf it is
      }
      if (levels.isEmpty()) {
        sealLeaf();
        writeAt(root, leaf);
        return;
      }
      flushLeaf();
      for (int i = 0; ; i++) {
        Level l = levels.get(i);
        if (l.flushed == 0) {
          l.seal();
          writeAt(root, l.page);
          return;
        }
        l.seal();
        long page = append(l.page, 0);
        level(i + 1).add(page, l.heldKey);
      }
    }

    /**
     * The interior pages of one level. The last child given is held back, to become either the next
     * cell or the page's right-most child; a full page gives its last cell's child that role, so
     * that no page is left with a right-most child alone.
     */
    private final class Level {
      private final int index;
      private final byte[] page = new byte[pageSize];
      private int cells;
      private int contentStart = pageSize;
      private boolean holding;
      private long heldPage;
      private long heldKey;
      private int flushed;

      Level(int index) {
        this.index = index;
      }

      void add(long child, long key) throws IOException {
        if (holding) {
          int size = 4 + SqliteRecords.varintLength(heldKey);
          if (12 + 2 * (cells + 1) + size > contentStart) {
            // the last cell's child becomes the right-most one
            int last = cellAt(page, 12, cells - 1);
            long lastChild = int32(page, last) & 0xFFFFFFFFL;
            long lastKeyOfPage = readVarint(page, last + 4);
            cells--;
            contentStart = last + 4 + SqliteRecords.varintLength(lastKeyOfPage);
            sealWith(lastChild);
            long written = append(page, 0);
            flushed++;
            level(index + 1).add(written, lastKeyOfPage);
            cells = 0;
            contentStart = pageSize;
          }
          contentStart -= size;
          putInt32(page, contentStart, (int) heldPage);
          SqliteRecords.putVarint(page, contentStart + 4, heldKey);
          putInt16(page, 12 + 2 * cells, contentStart);
          cells++;
        }
        heldPage = child;
        heldKey = key;
        holding = true;
      }

      /** Seals the page with the held child as its right-most one. */
      void seal() {
        sealWith(heldPage);
      }

      private void sealWith(long rightMost) {
        putInt32(page, 8, (int) rightMost);
        sealPage(page, INTERIOR, 12, cells, contentStart);
      }
    }
  }

  /** Starts the B-tree of an index, written wholly to new pages; see {@link IndexTree}. */
  IndexTree indexTree() {
    return new IndexTree();
  }

  /**
   * One index's B-tree, built from its entries in ascending order (ADR 0029). Unlike a table's, an
   * index's interior cells hold entries of their own: when a page is full, its last entry moves up
   * to the level above as the divider between that page and the next, which starts with the entry
   * that did not fit. So no page is ever left without cells. The top page is the index's root,
   * wherever it falls: {@link #finish} returns its number for {@code sqlite_master}. Entries must
   * fit a page whole (no overflow): at most {@link #maxEntry} bytes.
   */
  final class IndexTree {
    private final byte[] leaf = new byte[pageSize];
    private int cells;
    private int contentStart = pageSize;
    private int lastSize;
    private final List<IndexLevel> levels = new ArrayList<>();

    /** The largest payload an index page keeps whole (fileformat2.html, §1.6). */
    int maxEntry() {
      return ((pageSize - 12) * 64 / 255) - 23;
    }

    /** Adds an entry, which must sort after every entry added before it. */
    void add(byte[] payload, int length) throws IOException {
      if (length > maxEntry()) {
        throw new IllegalArgumentException("an index entry of " + length + " bytes");
      }
      int size = Math.max(SqliteRecords.varintLength(length) + length, 4);
      if (8 + 2 * (cells + 1) + size > contentStart) {
        // the leaf's last entry becomes the divider above it; the new leaf starts with this one
        int last = cellAt(leaf, 8, cells - 1);
        int n = (int) readVarint(leaf, last);
        int from = last + SqliteRecords.varintLength(n);
        byte[] divider = java.util.Arrays.copyOfRange(leaf, from, from + n);
        cells--;
        contentStart += lastSize;
        sealPage(leaf, INDEX_LEAF, 8, cells, contentStart);
        long page = append(leaf, 0);
        indexLevel(0).add(page, divider);
        cells = 0;
        contentStart = pageSize;
      }
      contentStart -= size;
      int p = SqliteRecords.putVarint(leaf, contentStart, length);
      System.arraycopy(payload, 0, leaf, p, length);
      putInt16(leaf, 8 + 2 * cells, contentStart);
      cells++;
      lastSize = size;
    }

    private IndexLevel indexLevel(int i) {
      if (i == levels.size()) {
        levels.add(new IndexLevel(i));
      }
      return levels.get(i);
    }

    /** Writes the last pages; returns the root's page number. */
    long finish() throws IOException {
      sealPage(leaf, INDEX_LEAF, 8, cells, contentStart);
      long page = append(leaf, 0);
      for (IndexLevel l : levels) {
        putInt32(l.page, 8, (int) page);
        sealPage(l.page, INDEX_INTERIOR, 12, l.cells, l.contentStart);
        page = append(l.page, 0);
      }
      return page;
    }

    /** The interior pages of one level: cells of a child page and the entry that follows it. */
    private final class IndexLevel {
      private final int index;
      private final byte[] page = new byte[pageSize];
      private int cells;
      private int contentStart = pageSize;
      private int lastSize;

      IndexLevel(int index) {
        this.index = index;
      }

      void add(long child, byte[] divider) throws IOException {
        int size = 4 + SqliteRecords.varintLength(divider.length) + divider.length;
        if (12 + 2 * (cells + 1) + size > contentStart) {
          // the last cell's child becomes the right-most one, its entry the divider above
          int last = cellAt(page, 12, cells - 1);
          long lastChild = int32(page, last) & 0xFFFFFFFFL;
          int n = (int) readVarint(page, last + 4);
          int from = last + 4 + SqliteRecords.varintLength(n);
          byte[] up = java.util.Arrays.copyOfRange(page, from, from + n);
          cells--;
          contentStart += lastSize;
          putInt32(page, 8, (int) lastChild);
          sealPage(page, INDEX_INTERIOR, 12, cells, contentStart);
          long written = append(page, 0);
          indexLevel(index + 1).add(written, up);
          cells = 0;
          contentStart = pageSize;
        }
        contentStart -= size;
        putInt32(page, contentStart, (int) child);
        int p = SqliteRecords.putVarint(page, contentStart + 4, divider.length);
        System.arraycopy(divider, 0, page, p, divider.length);
        putInt16(page, 12 + 2 * cells, contentStart);
        cells++;
        lastSize = size;
      }
    }
  }

  /** Where cell {@code i} of a page starts, from its pointer after a header of {@code header}. */
  private static int cellAt(byte[] page, int header, int i) {
    return ((page[header + 2 * i] & 0xFF) << 8) | (page[header + 2 * i + 1] & 0xFF);
  }

  /**
   * Completes a B-tree page's header (8 bytes for a leaf, 12 for an interior page, whose right-most
   * child is already in place); the unused space between pointers and cells is zeroed.
   */
  private static void sealPage(byte[] page, byte type, int header, int cells, int start) {
    page[0] = type;
    putInt16(page, 1, 0);
    putInt16(page, 3, cells);
    putInt16(page, 5, start == 65536 ? 0 : start);
    page[7] = 0;
    zero(page, header + 2 * cells, start);
  }

  /** Zeroes {@code page} from {@code from} to {@code to}. */
  private static void zero(byte[] page, int from, int to) {
    System.arraycopy(ZEROS, 0, page, from, to - from);
  }

  static long readVarint(byte[] b, int p) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      int x = b[p + i] & 0xFF;
      v = (v << 7) | (x & 0x7F);
      if ((x & 0x80) == 0) {
        return v;
      }
    }
    return (v << 8) | (b[p + 8] & 0xFF);
  }
}
