package dev.porter.core.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * The checks of a staging database: {@code PRAGMA integrity_check} and the foreign-key check, as
 * work items shared by two connections (docs/decisions/0026-sqlite-checks-in-parts.md).
 *
 * <p>integrity_check is run in parts: the partial {@code integrity_check(TABLE)} of each table (its
 * indexes against its rows, UNIQUE, NOT NULL and CHECK constraints, its B-trees) and of the schema
 * (with the free list), and a count of every page of the file through {@code dbstat}: each in one
 * B-tree, once (docs/decisions/0037-sqlite-pages-counted-through-dbstat.md). Where the file has
 * free pages, {@code quick_check} of the whole file takes the count's place. Together they are the
 * full check, in parts that two connections can share, largest first, with the foreign-key items.
 *
 * <p>On one processor the parts would only add work (quick_check reads every page a second time):
 * there the full integrity_check and the foreign-key items run one after the other.
 *
 * <p>The second connection may start before the checks do ({@link #startEarly}): while the import's
 * connection still builds indexes, it takes the partial check of each table whose B-trees are
 * complete, as {@link #release} hands them over
 * (docs/decisions/0028-sqlite-checks-beside-index-builds.md).
 */
final class SqliteChecks implements AutoCloseable {
  /** Parents with at most this many rows may be checked through a set of their keys. */
  static final long KEY_SET_ROWS = 2_000_000;

  /** The page cache of the second connection; parents larger than it are worth a key set. */
  static final long FK_CACHE_BYTES = 32L << 20;

  /**
   * The page cache of an item that reads each page once (quick_check, a count, the rows of a
   * partial check): SQLite's default. A larger one gains nothing there and costs: every page it
   * holds is memory the process touches for the first time, a page fault each. At scale 1 of the
   * benchmark, quick_check took 0.22 s with a 64 MB cache and 0.16 s with 2 MB.
   */
  static final long STREAM_CACHE_BYTES = 2_000L << 10;

  /**
   * The most a partial check's cache holds for the indexes its rows are looked up in out of rowid
   * order. Below an index's size the check reads index pages again (at scale 10 of the benchmark,
   * {@code integrity_check(orders)} against its 28 MB index: 2.9 s with 30 MB of cache, 3.9 s with
   * 18 MB, sqlite3 shell; 2.85 s with 18 MB and 3.3 s with 10 MB on porter's connection); above it,
   * the import's peak memory grows with the data: 183-198 MB at scale 10 with 64 MB allowed,
   * 175-178 MB with 16 MB, against 163-168 MB at scale 1. Since the heap stopped growing with the
   * data (docs/decisions/0038-buffers-kept-for-the-whole-job.md) this cache was most of what still
   * did: 8 MB (ADR 0026, amended).
   */
  static final long LOOKUP_CACHE_BYTES = 8L << 20;

  /** The full check's cache (one processor): the import's connection's, as before. */
  static final long FULL_CACHE_BYTES = 64L << 20;

  /**
   * How a table's partial integrity check is sized: {@code cost} orders it among the items ({@link
   * #tableCost}); {@code lookedUpBytes} are the pages of its indexes that its rows are looked up in
   * out of rowid order, which its page cache then holds (up to {@link #LOOKUP_CACHE_BYTES}) beside
   * {@link #STREAM_CACHE_BYTES} for the rest.
   */
  record TableCheck(long cost, long lookedUpBytes) {
    long cacheBytes() {
      return STREAM_CACHE_BYTES + Math.min(lookedUpBytes, LOOKUP_CACHE_BYTES);
    }
  }

  /*
   * The relative cost of each item, in tenths of a row read, which orders the items largest first
   * (ADR 0026, amended). Fitted to the items' times in the benchmark's imports, on porter's own
   * connections (page caches of 64 and 32 MB), at scale 1 and scale 10 alike: a partial check
   * reads each row (ROW) and looks it up in each of its table's indexes, next to the lookup before
   * where the index's keys came in rowid order (IN_ORDER; an index written as pages, ADR 0029) and
   * anywhere in the index otherwise (ELSEWHERE); quick_check reads every row of the file and walks
   * every index (QUICK per row). Measured, scale 1 / scale 10: quick_check 0.22 / 2.17 s for 1.2 /
   * 12 M rows; integrity_check(order_item), one index in order, 0.28 / 2.83 s for 0.72 / 7.2 M
   * rows; integrity_check(orders), one index in random order, 0.21 / 2.77 s for 0.24 / 2.4 M
   * rows; integrity_check(customer), no index, 8 / 90 ms for 60,000 / 600,000 rows.
   */
  static final long ROW = 10;
  static final long IN_ORDER = 20;
  static final long ELSEWHERE = 70;
  static final long QUICK = 14;

  /**
   * {@code dbstat}'s walk of every page, per row of the file: 80 ms for the benchmark's 1.2 M rows
   * at scale 1, where quick_check took 220 ms.
   */
  static final long PAGES = 5;

  /** The schema's own table, checked by name where the pages are counted. */
  static final String SCHEMA = "sqlite_schema";

  /** A count of rows reads the pages of a table's tree, not its rows: 35 ms for 1.2 M rows. */
  static final long COUNTED = 2;

  /** The cost of the partial check of a table of {@code rows} with the given indexes. */
  static long tableCost(long rows, int indexesInOrder, int otherIndexes) {
    return rows * (ROW + IN_ORDER * indexesInOrder + ELSEWHERE * otherIndexes);
  }

  private enum Kind {
    /** quick_check of the whole file. */
    QUICK,
    /**
     * Every page of the file counted in SQLite's {@code dbstat}: each in one B-tree, once (with
     * every table's and the schema's partial checks, the whole check; {@link #pages}).
     */
    PAGES,
    /** the full integrity_check, where the parts cannot be used. */
    FULL,
    /** integrity_check of one table. */
    TABLE,
    /** the foreign keys of one child table. */
    FOREIGN_KEYS,
    /** the rows of one table, counted. */
    COUNT
  }

  private record Item(Kind kind, String table, long cost, long cacheBytes) {
    String sql() {
      return switch (kind) {
        case QUICK -> "PRAGMA main.quick_check";
        case PAGES ->
            "SELECT (SELECT page_count FROM pragma_page_count),"
                + " (SELECT page_size FROM pragma_page_size),"
                + " (SELECT freelist_count FROM pragma_freelist_count),"
                + " count(*), count(DISTINCT pageno), max(pageno) FROM dbstat('main')";
        case FULL -> "PRAGMA main.integrity_check";
        case TABLE -> "PRAGMA main.integrity_check(" + Sqlite.quote(table) + ")";
        case FOREIGN_KEYS -> "PRAGMA main.foreign_key_check(" + Sqlite.quote(table) + ")";
        case COUNT -> "SELECT count(*) FROM main." + Sqlite.quote(table);
      };
    }
  }

  /**
   * What the checks found: {@code rows} holds each table's count of rows (by the name it was given
   * under); {@code failure} is an error that kept a check from running.
   */
  record Result(
      List<String> problems,
      long violations,
      String firstViolation,
      Map<String, Long> rows,
      SQLException failure) {}

  private final Path staging;
  private final boolean parallel;

  /** Items not yet taken, largest first. */
  private final PriorityQueue<Item> queue =
      new PriorityQueue<>((a, b) -> Long.compare(b.cost(), a.cost()));

  /** False while items may still be released: the second connection then waits for them. */
  private boolean sealed = true;

  /** Tables (folded names) whose partial check was released early. */
  private final Set<String> released = new HashSet<>();

  /**
   * Problems by check, in a fixed order: quick_check or the whole check first, then the count of
   * pages, then tables by name.
   */
  private final Map<String, List<String>> problems = new TreeMap<>();

  /** A child table's rows without their parent: how many, and the first as a message. */
  private record Violations(long count, String first) {}

  /** Violations by child table, in name order. */
  private final Map<String, Violations> violations = new TreeMap<>();

  /** Rows counted, by table. */
  private final Map<String, Long> counted = new HashMap<>();

  private SQLException failure;
  private boolean stopped;

  /** Whether the count of pages runs where quick_check would ({@link Kind#PAGES}). */
  private boolean pagesInsteadOfQuick;

  private Thread worker;
  private Statement running;

  /**
   * @param parallel whether a second connection takes a share (false: everything runs on the main
   *     connection, with the full integrity_check)
   */
  SqliteChecks(Path staging, boolean parallel) {
    this.staging = staging;
    this.parallel = parallel;
  }

  /** Two connections where there are two processors to run them. */
  static boolean worthSplitting() {
    return Runtime.getRuntime().availableProcessors() > 1;
  }

  /**
   * Runs every check, on {@code main} and on a second, read-only connection, and returns what they
   * found. {@code rows} gives each table's size, from which each item's cost orders the items
   * (largest first); each of its tables' rows are counted too. The main connection must hold no
   * lock that keeps a reader out.
   *
   * @param foreignKeysCleared tables (folded names) whose foreign keys are known to hold
   */
  Result check(Connection main, Map<String, Long> rows, Set<String> foreignKeysCleared)
      throws SQLException {
    return check(main, rows, foreignKeysCleared, null);
  }

  /** Work for the main connection once no item is left for it, while the second one finishes. */
  interface Idle {
    void run(Connection main) throws SQLException;
  }

  /**
   * As {@link #check(Connection, Map, Set)}; then, once no item is left for {@code main}, {@code
   * whenIdle} (if given) runs on it while the second connection finishes its last item.
   */
  Result check(
      Connection main, Map<String, Long> rows, Set<String> foreignKeysCleared, Idle whenIdle)
      throws SQLException {
    return check(main, rows, Map.of(), foreignKeysCleared, whenIdle);
  }

  /**
   * As {@link #check(Connection, Map, Set, Idle)}, with each table's partial integrity check sized
   * by {@code sizes} where it holds the table; else its cost is that of a table without indexes,
   * and its cache the largest a partial check gets.
   */
  Result check(
      Connection main,
      Map<String, Long> rows,
      Map<String, TableCheck> sizes,
      Set<String> foreignKeysCleared,
      Idle whenIdle)
      throws SQLException {
    List<TableInfo> tables = tables(main);
    boolean split = splits(tables);
    long free = freePagesIfCountable(main);
    boolean rootless = rootless(main);
    // where quick_check would add nothing else: no free pages, whose list only SQLite walks
    boolean instead = split && free == 0;
    boolean countPages = free >= 0 && (instead || rootless);
    Map<String, Long> rowsByKey = byFoldedName(rows);
    Map<String, TableCheck> checks = byFoldedName(sizes);
    List<Item> items = new ArrayList<>();
    long fileRows = 0;
    synchronized (this) {
      for (TableInfo t : tables) {
        String key = fold(t.name());
        long size = rowsByKey.getOrDefault(key, 0L);
        fileRows += size;
        // a table without indexes: quick_check, where it runs, does all its partial check would
        // (it leaves out only the indexes and UNIQUE)
        if (split && (t.hasIndexes() || instead) && !released.contains(key)) {
          TableCheck c =
              checks.getOrDefault(
                  key,
                  t.hasIndexes()
                      ? new TableCheck(size * ROW, LOOKUP_CACHE_BYTES)
                      : new TableCheck(size * ROW, 0));
          items.add(new Item(Kind.TABLE, t.name(), c.cost(), c.cacheBytes()));
        }
        if (t.hasForeignKeys() && !foreignKeysCleared.contains(key)) {
          // a lookup of the parent's row, anywhere in its table, for each child row
          items.add(new Item(Kind.FOREIGN_KEYS, t.name(), tableCost(size, 0, 1), FK_CACHE_BYTES));
        }
      }
      pagesInsteadOfQuick = instead;
      if (countPages) {
        // the schema's own B-tree, and with it the free list: its partial check is the one that
        // walks the list
        items.add(new Item(Kind.TABLE, SCHEMA, 0, STREAM_CACHE_BYTES));
        items.add(new Item(Kind.PAGES, null, fileRows * PAGES, STREAM_CACHE_BYTES));
      }
      if (!instead) {
        items.add(
            split
                ? new Item(Kind.QUICK, null, fileRows * QUICK, STREAM_CACHE_BYTES)
                : new Item(Kind.FULL, null, fileRows * QUICK, FULL_CACHE_BYTES));
      }
      for (Map.Entry<String, Long> e : rows.entrySet()) {
        items.add(new Item(Kind.COUNT, e.getKey(), e.getValue() * COUNTED, STREAM_CACHE_BYTES));
      }
      queue.addAll(items);
      sealed = true;
      notifyAll();
    }
    if (parallel && worker == null) {
      startWorker();
    }
    Item item;
    while ((item = poll()) != null) {
      run(main, item);
    }
    if (whenIdle != null && worker != null && worker.isAlive()) {
      whenIdle.run(main);
    }
    joinWorker();
    synchronized (this) {
      List<String> found = new ArrayList<>();
      for (List<String> p : problems.values()) {
        found.addAll(p);
      }
      long count = 0;
      String first = null;
      for (Violations v : violations.values()) {
        count += v.count();
        first = first == null ? v.first() : first;
      }
      return new Result(found, count, first, Map.copyOf(counted), failure);
    }
  }

  /**
   * Starts the second connection before the checks, on the partial checks that {@link #release}
   * hands over while {@code main} still writes. False, and nothing started, where the checks are
   * not split in parts (one processor, a table named like a number). {@code main} must hold no lock
   * that keeps a reader out, and the file must be in WAL mode, so that its commits never wait for
   * the reader.
   */
  boolean startEarly(Connection main) throws SQLException {
    if (earlyTables(main) == null) {
      return false;
    }
    startEarly();
    return true;
  }

  /**
   * The tables of the file, which {@link #release} may hand over once started early; null where
   * {@link #startEarly} would not start (one processor, a table named like a number, already
   * started).
   */
  List<String> earlyTables(Connection main) throws SQLException {
    if (!parallel || worker != null) {
      return null;
    }
    List<TableInfo> tables = tables(main);
    return splits(tables) ? tables.stream().map(TableInfo::name).toList() : null;
  }

  /** {@link #startEarly(Connection)} once {@link #earlyTables} has said it can. */
  void startEarly() {
    synchronized (this) {
      sealed = false;
    }
    startWorker();
  }

  /**
   * Hands over the partial integrity check of {@code table}, whose B-trees (rows and every index)
   * are complete and committed and will not change again; {@code size} orders it among the others
   * and sizes its cache.
   */
  synchronized void release(String table, TableCheck size) {
    if (stopped || sealed || !released.add(fold(table))) {
      return;
    }
    queue.add(new Item(Kind.TABLE, table, size.cost(), size.cacheBytes()));
    notifyAll();
  }

  private static <V> Map<String, V> byFoldedName(Map<String, V> byTable) {
    Map<String, V> out = new HashMap<>();
    for (Map.Entry<String, V> e : byTable.entrySet()) {
      out.put(fold(e.getKey()), e.getValue());
    }
    return out;
  }

  private boolean splits(List<TableInfo> tables) {
    boolean split = parallel;
    for (TableInfo t : tables) {
      split &= !integerLike(t.name()); // integrity_check(123) would read as a limit of 123 errors
    }
    return split;
  }

  private void startWorker() {
    worker = new Thread(this::work, "porter-sqlite-checks");
    worker.setDaemon(true);
    worker.start();
  }

  /** Stops the second connection (an import that failed before its checks). */
  @Override
  public void close() {
    Statement s;
    synchronized (this) {
      stopped = true;
      queue.clear();
      notifyAll();
      s = running;
    }
    if (s != null) {
      try {
        s.cancel(); // sqlite3_interrupt: the check stops at its next step
      } catch (SQLException e) {
        // it ends on its own
      }
    }
    joinWorker();
  }

  private void joinWorker() {
    if (worker == null) {
      return;
    }
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void work() {
    try (Connection c = Sqlite.connect(staging, true)) {
      Item item;
      while ((item = take()) != null) {
        run(c, item);
      }
    } catch (SQLException e) {
      // the main connection runs what is left
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized Item poll() {
    return stopped ? null : queue.poll();
  }

  /** The next item, waiting for one while more may be released; null when all are taken. */
  private synchronized Item take() throws InterruptedException {
    while (!stopped && queue.isEmpty() && !sealed) {
      wait();
    }
    return poll();
  }

  private void run(Connection c, Item item) {
    try {
      run0(c, item);
    } catch (SQLException e) {
      fail(e);
    } catch (RuntimeException e) {
      // on the second connection's thread it would end the thread and lose the item's answer
      fail(new SQLException("the check " + item.sql() + " failed: " + e, e));
    }
  }

  private void run0(Connection c, Item item) throws SQLException {
    try (Statement st = c.createStatement()) {
      synchronized (this) {
        if (stopped) {
          return;
        }
        if (Thread.currentThread() == worker) {
          running = st;
        }
      }
      try {
        // each item its own cache: a negative size is in KiB
        st.execute("PRAGMA cache_size = -" + (item.cacheBytes() >> 10));
        if (item.kind() == Kind.FOREIGN_KEYS) {
          foreignKeys(c, st, item.table());
        } else if (item.kind() == Kind.PAGES) {
          List<String> found = pages(c, item.sql());
          boolean quick;
          synchronized (this) {
            quick = pagesInsteadOfQuick;
          }
          if (found == null && quick) {
            run0(c, new Item(Kind.QUICK, null, item.cost(), item.cacheBytes()));
          } else if (found != null && !found.isEmpty()) {
            synchronized (this) {
              problems.put("pages", found);
            }
          }
        } else if (item.kind() == Kind.COUNT) {
          try (ResultSet r = st.executeQuery(item.sql())) {
            long n = r.next() ? r.getLong(1) : -1;
            synchronized (this) {
              counted.put(item.table(), n);
            }
          }
        } else {
          List<String> found = new ArrayList<>();
          try (ResultSet r = st.executeQuery(item.sql())) {
            while (r.next()) {
              found.add(r.getString(1));
            }
          }
          if (!(found.size() == 1 && found.get(0).equals("ok"))) {
            synchronized (this) {
              problems.put(item.table() == null ? "" : "table " + item.table(), found);
            }
          }
        }
      } finally {
        synchronized (this) {
          running = null;
        }
      }
    }
  }

  /**
   * The free pages of the file, where every other page can be accounted for by {@code dbstat}
   * ({@link Kind#PAGES}); -1 where not: pointer-map pages (auto-vacuum), which {@code dbstat} does
   * not list, or a library built without {@code dbstat}.
   */
  private static long freePagesIfCountable(Connection c) throws SQLException {
    try {
      if (Sqlite.number(c, "PRAGMA main.auto_vacuum") != 0
          || Sqlite.number(c, "SELECT count(*) FROM (SELECT 1 FROM dbstat('main') LIMIT 1)") != 1) {
        return -1;
      }
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("dbstat")) {
        return -1;
      }
      throw e;
    }
    return Sqlite.number(c, "PRAGMA main.freelist_count");
  }

  /**
   * Whether the schema holds a view or a virtual table. SQLite lists each among the B-trees its
   * whole check walks, with the root page 0; where one comes first in its list, it takes the check
   * for a partial one and skips the count of every page and the free list, and still answers ok
   * (bundled SQLite 3.54.1: the order is that of its hash of names).
   */
  private static boolean rootless(Connection c) throws SQLException {
    return Sqlite.number(
            c,
            "SELECT EXISTS (SELECT 1 FROM main.sqlite_master"
                + " WHERE type IN ('table', 'view') AND rootpage = 0)")
        == 1;
  }

  /**
   * The pages of the file, each of which must be in exactly one B-tree (a table's with its overflow
   * pages, an index's, the schema's) as {@code dbstat} walks them, or on the free list; the page of
   * SQLite's lock bytes is in neither. What the whole integrity_check finds beyond the partial
   * checks, in its words: a page two B-trees use, a page nothing uses. Free pages are counted, not
   * listed ({@code dbstat} does not walk the free list). Null where {@code dbstat} could not walk
   * the file (a tree too broken to walk), which SQLite's own checks then describe.
   */
  private static List<String> pages(Connection c, String sql) {
    long pageCount;
    long lockPage;
    long free;
    long listed;
    long distinct;
    long max;
    try (Statement st = c.createStatement();
        ResultSet r = st.executeQuery(sql)) {
      if (!r.next()) {
        return null;
      }
      pageCount = r.getLong(1);
      lockPage = (1L << 30) / r.getLong(2) + 1;
      free = r.getLong(3);
      listed = r.getLong(4);
      distinct = r.getLong(5);
      max = r.getLong(6);
    } catch (SQLException e) {
      return null;
    }
    long inTrees = pageCount - (pageCount >= lockPage ? 1 : 0) - free;
    if (listed == distinct && distinct == inTrees && max <= pageCount) {
      return List.of();
    }
    List<String> found = new ArrayList<>();
    try (Statement st = c.createStatement()) {
      if (listed != distinct) {
        try (ResultSet r =
            st.executeQuery(
                "SELECT pageno FROM dbstat('main') GROUP BY pageno HAVING count(*) > 1"
                    + " ORDER BY pageno LIMIT 10")) {
          while (r.next()) {
            found.add("2nd reference to page " + r.getLong(1));
          }
        }
      }
      if (free == 0) {
        try (ResultSet r =
            st.executeQuery(
                "WITH RECURSIVE n(p) AS (SELECT 1 UNION ALL SELECT p + 1 FROM n WHERE p < "
                    + pageCount
                    + ") SELECT p FROM n WHERE p <> "
                    + lockPage
                    + " AND p NOT IN (SELECT pageno FROM dbstat('main')) LIMIT 10")) {
          while (r.next()) {
            found.add("Page " + r.getLong(1) + ": never used");
          }
        }
      } else if (distinct != inTrees) {
        found.add(
            Math.abs(inTrees - distinct)
                + (distinct < inTrees
                    ? " pages never used"
                    : " pages both in a B-tree and on the free list")
                + ": of the file's "
                + pageCount
                + " pages, "
                + distinct
                + " are in its B-trees and "
                + free
                + " on its free list");
      }
    } catch (SQLException e) {
      return null;
    }
    if (max > pageCount) {
      found.add("Page " + max + " is beyond the file's " + pageCount + " pages");
    }
    return found.isEmpty() ? null : found;
  }

  private synchronized void fail(SQLException e) {
    if (failure == null && !stopped) {
      failure = e;
    }
  }

  /**
   * The foreign keys of one child table: the quick pass, and where it cannot clear the table,
   * SQLite's {@code PRAGMA foreign_key_check}, which names the rows.
   */
  private void foreignKeys(Connection c, Statement st, String child) throws SQLException {
    if (keySetClears(c, child, KEY_SET_ROWS, FK_CACHE_BYTES)) {
      return;
    }
    long violations = 0;
    String first = null;
    try (ResultSet r = st.executeQuery(new Item(Kind.FOREIGN_KEYS, child, 0, 0).sql())) {
      while (r.next()) {
        violations++;
        if (first == null) {
          first =
              "table "
                  + r.getString(1)
                  + " rowid "
                  + r.getString(2)
                  + " references a missing row of "
                  + r.getString(3);
        }
      }
    }
    if (violations > 0) {
      synchronized (this) {
        this.violations.put(child, new Violations(violations, first));
      }
    }
  }

  private record TableInfo(String name, boolean hasForeignKeys, boolean hasIndexes) {}

  /** Every table of the file. */
  private static List<TableInfo> tables(Connection c) throws SQLException {
    List<TableInfo> tables = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet r =
            st.executeQuery(
                "SELECT m.name, EXISTS (SELECT 1 FROM pragma_foreign_key_list(m.name)),"
                    + " EXISTS (SELECT 1 FROM pragma_index_list(m.name))"
                    + " FROM main.sqlite_master AS m WHERE m.type = 'table' ORDER BY m.name")) {
      while (r.next()) {
        tables.add(new TableInfo(r.getString(1), r.getInt(2) == 1, r.getInt(3) == 1));
      }
    }
    return tables;
  }

  /** SQLite folds only ASCII letters in names. */
  static String fold(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      b.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch);
    }
    return b.toString();
  }

  /**
   * A name the PRAGMA would read as its other argument, a number of errors: such a table is checked
   * by the full integrity_check.
   */
  static boolean integerLike(String name) {
    String t = name.strip();
    return !t.isEmpty()
        && (Character.isDigit(t.charAt(0)) || t.charAt(0) == '+' || t.charAt(0) == '-');
  }

  /**
   * True when every foreign key of {@code child} is one column referencing its parent's rowid and
   * no child row lacks its parent: looked up in a set of the parent's keys when the parent has at
   * most {@code keySetRows} rows and its table takes more than {@code cacheBytes} of pages, else by
   * rowid as the PRAGMA does. False when any of that does not hold: the PRAGMA then decides.
   *
   * <p>The PRAGMA looks every child row's parent up in the parent's table. Where the parent's table
   * is larger than the cache (a table of images) and the keys come in random order, nearly every
   * lookup misses the cache: 19 of the 23 seconds of a scale-10 check went to one such key. This
   * pass finds every row the PRAGMA would report (both bring a value to a number the same way; see
   * docs/architecture.md), so where it finds none, there are none.
   */
  static boolean keySetClears(Connection c, String child, long keySetRows, long cacheBytes)
      throws SQLException {
    Map<Integer, String[]> keys = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?)")) {
      ps.setString(1, child);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          if (keys.put(r.getInt(1), new String[] {r.getString(2), r.getString(3), r.getString(4)})
              != null) {
            return false; // more than one column
          }
        }
      }
    }
    List<String> queries = new ArrayList<>();
    for (String[] k : keys.values()) {
      String parentKey = rowidAlias(c, k[0]);
      if (parentKey == null || (k[2] != null && !k[2].equalsIgnoreCase(parentKey))) {
        return false;
      }
      String parent = "main." + Sqlite.quote(k[0]);
      String value = Sqlite.quote(k[1]);
      if (leadsAnIndex(c, child, k[1])) {
        // each distinct value once, in the index's order: the parent's pages are visited in key
        // order, each once, whatever their size
        queries.add(
            "SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT c."
                + value
                + " AS v FROM main."
                + Sqlite.quote(child)
                + " AS c WHERE c."
                + value
                + " IS NOT NULL) AS d WHERE NOT EXISTS (SELECT 1 FROM "
                + parent
                + " AS p WHERE p."
                + Sqlite.quote(parentKey)
                + " = d.v))");
        continue;
      }
      boolean small =
          Sqlite.number(c, "SELECT count(*) FROM " + parent) <= keySetRows
              && largerThan(c, k[0], cacheBytes);
      queries.add(
          "SELECT EXISTS (SELECT 1 FROM main."
              + Sqlite.quote(child)
              + " AS c WHERE c."
              + value
              + " IS NOT NULL AND "
              + (small
                  // the parent's keys in a temporary B-tree, built once
                  ? "c." + value + " NOT IN (SELECT +" + Sqlite.quote(parentKey) + " FROM " + parent
                  // a big parent: the same rowid lookup as the PRAGMA's
                  : "NOT EXISTS (SELECT 1 FROM "
                      + parent
                      + " AS p WHERE p."
                      + Sqlite.quote(parentKey)
                      + " = c."
                      + value)
              + "))");
    }
    for (String q : queries) {
      if (Sqlite.number(c, q) != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a full index of {@code table} has {@code column} first, compared as stored (BINARY):
   * then {@code SELECT DISTINCT column} reads it in order, and two rows share a value only when the
   * foreign-key check would treat them alike.
   */
  static boolean leadsAnIndex(Connection c, String table, String column) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT EXISTS (SELECT 1 FROM pragma_index_list(?) AS l"
                + " JOIN pragma_index_xinfo(l.name) AS x ON x.seqno = 0"
                + " WHERE NOT l.partial AND x.name = ? COLLATE NOCASE AND x.coll = 'BINARY')")) {
      ps.setString(1, table);
      ps.setString(2, column);
      try (ResultSet r = ps.executeQuery()) {
        return r.next() && r.getInt(1) == 1;
      }
    }
  }

  /**
   * The bytes of the pages of {@code name}'s B-tree (a table's with its overflow pages, or an
   * index's), as SQLite's {@code dbstat} table walks them, stopping at {@code limit}; {@code limit}
   * where the library is built without {@code dbstat}.
   */
  static long bytesOf(Connection c, String name, long limit) throws SQLException {
    long pageSize = Sqlite.number(c, "PRAGMA main.page_size");
    long pages = pagesOf(c, name, (limit + pageSize - 1) / pageSize);
    return pages < 0 ? limit : Math.min(limit, pages * pageSize);
  }

  /**
   * Whether {@code table}'s pages (its B-tree's and overflow pages) take more than {@code bytes}:
   * SQLite's {@code dbstat} table walks them, and stops after that many. True where the library is
   * built without {@code dbstat}, so that the key set is used as before.
   */
  static boolean largerThan(Connection c, String table, long bytes) throws SQLException {
    long within = bytes / Sqlite.number(c, "PRAGMA main.page_size");
    long pages = pagesOf(c, table, within + 1);
    return pages < 0 || pages > within;
  }

  /** The pages of {@code name}'s B-tree, at most {@code most}; -1 where there is no dbstat. */
  private static long pagesOf(Connection c, String name, long most) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT count(*) FROM (SELECT 1 FROM dbstat('main') WHERE name = ? LIMIT ?)")) {
      ps.setString(1, name);
      ps.setLong(2, most);
      try (ResultSet r = ps.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("dbstat")) {
        return -1;
      }
      throw e;
    }
  }

  /**
   * The column that is {@code table}'s rowid (its INTEGER PRIMARY KEY), or null. SQLite's own plan
   * says so, which also covers the cases that look alike and are not (INTEGER PRIMARY KEY DESC,
   * WITHOUT ROWID, a missing table).
   */
  static String rowidAlias(Connection c, String table) throws SQLException {
    String pk = null;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT name FROM pragma_table_info(?) WHERE pk > 0")) {
      ps.setString(1, table);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          if (pk != null) {
            return null;
          }
          pk = r.getString(1);
        }
      }
    }
    if (pk == null) {
      return null;
    }
    StringBuilder plan = new StringBuilder();
    try (Statement st = c.createStatement();
        ResultSet r =
            st.executeQuery(
                "EXPLAIN QUERY PLAN SELECT 1 FROM main."
                    + Sqlite.quote(table)
                    + " WHERE "
                    + Sqlite.quote(pk)
                    + " = 1")) {
      while (r.next()) {
        plan.append(r.getString(r.getMetaData().getColumnCount())).append('\n');
      }
    }
    return plan.toString().contains("USING INTEGER PRIMARY KEY (rowid=?)") ? pk : null;
  }
}
