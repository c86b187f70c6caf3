package dev.porter.core.sqlite;

import dev.porter.core.PorterException;
import dev.porter.core.archive.RowPreparer;
import dev.porter.core.dialect.RowSink;
import dev.porter.core.io.IoErrors;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.Utf8Text;
import java.io.IOException;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows and indexes an import into SQLite writes as pages of its staging file (ADR 0027, ADR
 * 0029) while the staging connection is closed, and what is owed to SQLite when it opens again: the
 * CHECK constraints asked of the rows, the indexes SQLite rebuilds, the AUTOINCREMENT counters. The
 * connection and the INSERT loaders stay with {@link SqliteTarget}, which this asks through {@link
 * Host}.
 */
final class SqlitePageLoad {
  /**
   * The page cache while SQLite rebuilds a table's indexes. REINDEX reads the table once, so a
   * larger cache only holds pages it never reads again, each fresh memory to fault in (the
   * benchmark's `product`, 51 MB: 50 against 20 ms with the sqlite3 shell); its sorter keeps up to
   * this much of the keys in memory before it spills them to a temporary file.
   */
  private static final long REBUILD_CACHE_BYTES = 8L << 20;

  /** What page writing asks of the import it writes for. */
  interface Host {
    /**
     * The staging connection, opened again if the file was open for pages: {@link
     * SqlitePageLoad#closeFile}, then {@link SqlitePageLoad#reopened}.
     */
    Connection connection() throws SQLException;

    /** The INSERT loaders send their rows, the connection commits and closes, for pages. */
    void releaseConnection() throws SQLException;

    /** An INSERT loader for the rows of {@code table} after the first {@code firstRow}. */
    SqliteInsertLoader insertLoader(
        TableDef table, List<String> columns, SqliteKeySets.Tracking tracking, long firstRow)
        throws SQLException;

    /** {@code rows} of {@code table} were loaded. */
    void loaded(String table, long rows);
  }

  private final Path staging;

  /** The database imported into, for messages. */
  private final Path target;

  private final Host host;

  /** The staging file, open for pages while the connection is closed; null otherwise. */
  private SqlitePages pages;

  /** The staging file's header rules pages out. */
  private boolean unavailable;

  /** Loaders writing pages, not yet finished; switched to INSERT if the connection is needed. */
  private final Set<Loader> writing = new LinkedHashSet<>();

  /** Rows written as pages so far. */
  private long rowsAsPages;

  /**
   * Tables written as pages whose indexes are rebuilt when the connection opens again, or, when it
   * opens for the end of the load, by {@link #takeRebuilds}.
   */
  private final List<Loader> toReindex = new ArrayList<>();

  /** Tables written as pages whose CHECK constraints are asked of their rows at that point. */
  private final List<Loader> toCheck = new ArrayList<>();

  /** Indexes written as pages (folded name), with their root pages, to enter in sqlite_master. */
  private final Map<String, Long> indexesAsPages = new HashMap<>();

  /** Of those, the ones whose keys came in rowid order (folded names). */
  private final Set<String> indexesInRowidOrder = new HashSet<>();

  /** The bytes of each index written as pages (folded names). */
  private final Map<String, Long> indexBytes = new HashMap<>();

  /** Index entries still being gathered; their scratch files are closed with the import. */
  private final Set<SqliteIndexPages.Collector> collectors = new LinkedHashSet<>();

  /** AUTOINCREMENT tables written as pages, with their largest rowid. */
  private final Map<String, Long> sequences = new LinkedHashMap<>();

  SqlitePageLoad(Path staging, Path target, Host host) {
    this.staging = staging;
    this.target = target;
    this.host = host;
  }

  /** The staging file's header ruled pages out at their first use. */
  boolean unavailable() {
    return unavailable;
  }

  /**
   * A loader writing the table's rows as pages, with the entries of the indexes {@code plans} name
   * (ADR 0029).
   */
  Loader loader(
      TableDef table,
      List<String> columns,
      SqlitePagedTables.Shape shape,
      int[] source,
      SqliteKeySets.Tracking tracking,
      List<SqliteIndexPages.Plan> plans) {
    List<SqliteIndexPages.Collector> indexes = new ArrayList<>();
    for (SqliteIndexPages.Plan plan : plans) {
      SqliteIndexPages.Collector c =
          new SqliteIndexPages.Collector(
              plan, Math.max(1 << 16, SqliteIndexPages.RUN / plans.size()));
      collectors.add(c);
      indexes.add(c);
    }
    return new Loader(
        table,
        columns,
        shape,
        source,
        shape.rowidSource(columns, table.rowidColumn()),
        tracking,
        indexes);
  }

  /**
   * Makes the staging file ready for pages, the connection released first. False when the file's
   * header rules pages out.
   */
  private boolean openFile() throws SQLException, IOException {
    if (pages != null) {
      return true;
    }
    if (unavailable) {
      return false;
    }
    host.releaseConnection();
    pages = SqlitePages.open(staging);
    if (pages == null) {
      unavailable = true;
      return false;
    }
    return true;
  }

  /**
   * Ends the pages' turn before the connection opens again: the loaders that have started complete
   * their trees, to go on by INSERT once it is open ({@link #reopened}), and the file is closed.
   * Returns those loaders.
   */
  List<Loader> closeFile() {
    List<Loader> switching = new ArrayList<>(writing);
    switching.removeIf(p -> !p.started());
    for (Loader p : switching) {
      p.completeTree();
    }
    if (pages != null) {
      try {
        pages.close();
      } catch (IOException e) {
        throw PorterException.unavailable(
            "cannot write the staging database for " + target + ": " + IoErrors.reason(e, target),
            e);
      } finally {
        pages = null;
      }
    }
    return switching;
  }

  /**
   * Once the connection {@code c} is open again: the written tables' CHECK constraints are asked of
   * their rows, their indexes rebuilt (which finds any duplicate a UNIQUE constraint forbids)
   * unless {@code reindexLater}, their AUTOINCREMENT counters set; then {@code switching} go on by
   * INSERT.
   */
  void reopened(Connection c, List<Loader> switching, boolean reindexLater) throws SQLException {
    for (Loader p : toCheck) {
      p.checkRows(c);
    }
    toCheck.clear();
    if (!reindexLater) {
      for (Loader p : toReindex) {
        p.reindex(c);
      }
      toReindex.clear();
    }
    for (Map.Entry<String, Long> e : sequences.entrySet()) {
      raiseSequence(c, e.getKey(), e.getValue());
    }
    sequences.clear();
    for (Loader p : switching) {
      p.continueByInsert();
    }
  }

  /** A table written as pages whose indexes SQLite rebuilds: those it had when it was taken. */
  static final class Rebuild {
    private final Loader loader;
    private final List<String> indexes;

    private Rebuild(Loader loader, List<String> indexes) {
      this.loader = loader;
      this.indexes = indexes;
    }

    String table() {
      return loader.table.name();
    }

    /** Rebuilds the indexes; a duplicate key is refused naming its row. */
    void run(Connection c) throws SQLException {
      loader.reindex(c, indexes);
    }
  }

  /**
   * The rebuilds left for the end of the load (the connection opened with {@code reindexLater}),
   * each with the indexes its table has now, before others are added to it.
   */
  List<Rebuild> takeRebuilds(Connection c) throws SQLException {
    List<Rebuild> rebuilds = new ArrayList<>();
    for (Loader p : toReindex) {
      rebuilds.add(new Rebuild(p, SqliteCatalog.indexNames(c, p.table.name())));
    }
    toReindex.clear();
    return rebuilds;
  }

  /** The root page of index {@code name} if it was written as pages, else null. */
  Long indexRoot(String name) {
    return indexesAsPages.get(SqliteChecks.fold(name));
  }

  /** Whether index {@code name} was written as pages from keys that came in rowid order. */
  boolean inRowidOrder(String name) {
    return indexesInRowidOrder.contains(SqliteChecks.fold(name));
  }

  /** The bytes of index {@code name} as written, or null if it was not written as pages. */
  Long indexBytes(String name) {
    return indexBytes.get(SqliteChecks.fold(name));
  }

  /** The indexes written as pages (folded names; for tests). */
  Set<String> indexesAsPages() {
    return Set.copyOf(indexesAsPages.keySet());
  }

  /** The bytes of each index written as pages, as written (for tests). */
  Map<String, Long> indexBytes() {
    return Map.copyOf(indexBytes);
  }

  /** Of the indexes written as pages, those whose keys came in rowid order (for tests). */
  Set<String> indexesInRowidOrder() {
    return Set.copyOf(indexesInRowidOrder);
  }

  /** How many rows were written as pages rather than inserted. */
  long rowsAsPages() {
    return rowsAsPages;
  }

  /** Closes the index entries' scratch files, and the file if it is open: the import is over. */
  void close() {
    for (SqliteIndexPages.Collector c : collectors) {
      try {
        c.close();
      } catch (IOException e) {
        // its scratch file is deleted at exit
      }
    }
    collectors.clear();
    if (pages != null) {
      try {
        pages.close();
      } catch (IOException e) {
        // the staging file is removed with the import
      }
      pages = null;
    }
  }

  /** What SQLite does for an AUTOINCREMENT table after rows up to {@code max} are inserted. */
  private static void raiseSequence(Connection c, String table, long max) throws SQLException {
    try (PreparedStatement up =
        c.prepareStatement("UPDATE main.sqlite_sequence SET seq = max(seq, ?) WHERE name = ?")) {
      up.setLong(1, max);
      up.setString(2, table);
      if (up.executeUpdate() == 0) {
        try (PreparedStatement ins =
            c.prepareStatement("INSERT INTO main.sqlite_sequence (name, seq) VALUES (?, ?)")) {
          ins.setString(1, table);
          ins.setLong(2, max);
          ins.executeUpdate();
        }
      }
    }
  }

  /**
   * Writes a table's rows as the pages of its B-tree while each value is stored as SQLite would
   * store it and the rowids ascend. From the first row that is not, the tree is completed and the
   * rest goes through {@link SqliteInsertLoader}, whose INSERTs then decide, and name the row at
   * fault.
   */
  final class Loader implements RowSink {
    private final TableDef table;
    private final List<String> columns;
    private final SqlitePagedTables.Shape shape;
    private final int[] source;
    private final int rowidSource;
    private final SqliteKeySets.Tracking tracking;

    /** The table's indexes whose entries are gathered from its rows (ADR 0029). */
    private final List<SqliteIndexPages.Collector> indexes;

    /** The table's tree and the record encoder, from the first row on. */
    private SqlitePages.Tree tree;

    private SqliteRecords records;
    private SqliteInsertLoader rest;
    private boolean treeDone;

    private Loader(
        TableDef table,
        List<String> columns,
        SqlitePagedTables.Shape shape,
        int[] source,
        int rowidSource,
        SqliteKeySets.Tracking tracking,
        List<SqliteIndexPages.Collector> indexes) {
      this.table = table;
      this.columns = columns;
      this.shape = shape;
      this.source = source;
      this.rowidSource = rowidSource;
      this.tracking = tracking;
      this.indexes = indexes;
      writing.add(this);
    }

    boolean started() {
      return tree != null;
    }

    /** Text is written as its UTF-8 bytes; the INSERT it may go on by takes Strings again. */
    @Override
    public boolean takesUtf8Text() {
      return true;
    }

    private long written() {
      return tree == null ? 0 : tree.rows();
    }

    @Override
    public void accept(Object[] row) {
      if (rest != null) {
        rest.accept(strings(row));
        return;
      }
      long rowid;
      long last = tree == null ? 0 : tree.lastKey();
      if (rowidSource >= 0) {
        Object k = row[rowidSource];
        if (!(k instanceof Long || k instanceof Integer)) {
          insertFrom(row);
          return;
        }
        rowid = ((Number) k).longValue();
        if (written() > 0 && rowid <= last) {
          insertFrom(row);
          return;
        }
      } else if (written() == 0) {
        rowid = 1;
      } else if (last < Long.MAX_VALUE) {
        rowid = last + 1;
      } else {
        insertFrom(row);
        return;
      }
      try {
        if (tree == null && !start()) {
          insertFrom(row);
          return;
        }
        if (!records.encode(row)) {
          insertFrom(row);
          return;
        }
        if (tracking != null) {
          tracking.accept(row);
        }
        tree.add(rowid, records.record(), records.length());
        if (!indexes.isEmpty()) {
          gather(row, rowid);
        }
      } catch (IOException e) {
        throw failure(e);
      } catch (SQLException e) {
        throw Sqlite.failure(
            "cannot load table " + table.name() + " into the staging database for", target, e);
      }
    }

    /**
     * Prepares the table's rows on the archive's decoding thread (ADR 0033); null, and rows come as
     * objects, when they cannot be written as pages. The table's tree starts here, before its first
     * row, so that a prepared row always has a tree to go to.
     */
    @Override
    public RowPreparer preparer() {
      if (rest != null || tree != null) {
        return null;
      }
      try {
        if (!start()) {
          return null;
        }
      } catch (IOException e) {
        throw failure(e);
      } catch (SQLException e) {
        throw Sqlite.failure(
            "cannot load table " + table.name() + " into the staging database for", target, e);
      }
      return new SqlitePreparedRows.Preparer(
          new SqliteRecords(shape.affinity(), shape.notNull(), source, pages.smallIntegers()),
          rowidSource,
          columns.size());
    }

    /**
     * Writes a batch's prepared rows into the tree, as {@link #accept(Object[])} writes a row it
     * encodes, and gives it each row that came as objects.
     */
    @Override
    public void accept(RowPreparer.Batch batch) {
      SqlitePreparedRows b = (SqlitePreparedRows) batch;
      for (int r = 0, n = b.rows(); r < n; r++) {
        Object[] row = b.objects(r);
        if (row != null) {
          accept(row);
          continue;
        }
        if (rest != null || tree == null) {
          // the preparer takes no row after one it left to this loader
          throw new IllegalStateException("a prepared row after the table went on by INSERT");
        }
        long rowid = b.rowid(r);
        try {
          if (tracking != null) {
            tracking.accept(b, r);
          }
          int start = b.start(r);
          tree.add(rowid, b.records(), start, b.end(r) - start);
          if (!indexes.isEmpty()) {
            gather(b, r, rowid);
          }
        } catch (IOException e) {
          throw failure(e);
        }
      }
      b.recycle();
    }

    /** Gives a written row's keys to its indexes; an index that cannot take one is dropped. */
    private void gather(Object[] row, long rowid) throws IOException {
      for (int i = indexes.size() - 1; i >= 0; i--) {
        if (!indexes.get(i).add(row, rowid)) {
          dropIndex(i);
        }
      }
    }

    /** As {@link #gather(Object[], long)}, for row {@code r} of a prepared batch. */
    private void gather(SqlitePreparedRows b, int r, long rowid) throws IOException {
      for (int i = indexes.size() - 1; i >= 0; i--) {
        int at = indexes.get(i).source();
        if (!indexes.get(i).add(b.kind(r, at), b.value(r, at), rowid)) {
          dropIndex(i);
        }
      }
    }

    /** Leaves index {@code i} of the table to CREATE INDEX. */
    private void dropIndex(int i) {
      collectors.remove(indexes.remove(i));
    }

    /** Leaves the table's indexes to CREATE INDEX: the rows are no longer all written here. */
    private void dropIndexes() {
      for (SqliteIndexPages.Collector c : indexes) {
        collectors.remove(c);
        try {
          c.close();
        } catch (IOException e) {
          // a scratch file that will not close is deleted at exit
        }
      }
      indexes.clear();
    }

    /** Starts the table's tree at its first row; false if it cannot be written as pages. */
    private boolean start() throws SQLException, IOException {
      if (!openFile()) {
        return false;
      }
      SqlitePages.Tree t = pages.tree(shape.root());
      if (t == null) {
        return false;
      }
      records = new SqliteRecords(shape.affinity(), shape.notNull(), source, pages.smallIntegers());
      tree = t;
      return true;
    }

    /** Completes the tree and loads {@code row} and the rows after it by INSERT. */
    private void insertFrom(Object[] row) {
      try {
        host.connection(); // switches this loader, and any other writing pages
        if (rest == null) {
          continueByInsert();
        }
      } catch (SQLException e) {
        throw Sqlite.failure(
            "cannot load table " + table.name() + " into the staging database for", target, e);
      }
      rest.accept(strings(row));
    }

    /** {@code row} with each {@link Utf8Text} replaced by its String, for the INSERT loader. */
    private static Object[] strings(Object[] row) {
      for (int i = 0; i < row.length; i++) {
        if (row[i] instanceof Utf8Text t) {
          row[i] = t.toString();
        }
      }
      return row;
    }

    /** Completes the tree with the rows written so far; once. */
    void completeTree() {
      if (treeDone) {
        return;
      }
      treeDone = true;
      if (tree == null) {
        return;
      }
      try {
        tree.finish();
      } catch (IOException e) {
        throw failure(e);
      }
      rowsAsPages += tree.rows();
      if (tree.rows() > 0) {
        if (!shape.checks().isEmpty()) {
          toCheck.add(this);
        }
        if (shape.indexed()) {
          toReindex.add(this);
        }
        if (shape.autoincrement()) {
          sequences.put(shape.name(), tree.lastKey());
        }
      }
    }

    /**
     * Asks the table's CHECK constraints of its written rows. A row one of them refuses is then
     * given to SQLite itself, as an UPDATE of each of its columns to itself, which evaluates every
     * CHECK: its refusal fails the import, naming the row as an INSERT's would have.
     */
    void checkRows(Connection c) throws SQLException {
      StringBuilder set = new StringBuilder();
      for (String col : shape.columns()) {
        String q = Sqlite.quote(col);
        set.append(set.length() == 0 ? "" : ", ").append(q).append(" = ").append(q);
      }
      String name = "main." + Sqlite.quote(shape.name());
      long from = Long.MIN_VALUE;
      Long rowid;
      while ((rowid = SqlitePagedTables.firstCheckFailure(c, shape, from)) != null) {
        try {
          Sqlite.exec(c, "UPDATE " + name + " SET " + set + " WHERE rowid = " + rowid);
        } catch (SQLException e) {
          throw refusal(c, name, rowid, e);
        }
        if (rowid == Long.MAX_VALUE) {
          return;
        }
        from = rowid + 1;
      }
    }

    /**
     * Rebuilds the table's indexes. A duplicate key fails it; the row refused is then the first
     * written row whose key an earlier one already has, as an INSERT of the rows in their order
     * would have refused it, named with SQLite's words for the failure.
     */
    void reindex(Connection c) throws SQLException {
      reindex(c, List.of(shape.name()));
    }

    /**
     * As {@link #reindex(Connection)}, for the named indexes of the table only (or the table: all
     * of them), those it had before other indexes were added to it.
     */
    void reindex(Connection c, List<String> indexes) throws SQLException {
      String name = "main." + Sqlite.quote(shape.name());
      try {
        Sqlite.exec(c, "PRAGMA cache_size = -" + (REBUILD_CACHE_BYTES >> 10));
        try {
          for (String index : indexes) {
            Sqlite.exec(c, "REINDEX main." + Sqlite.quote(index));
          }
        } finally {
          Sqlite.exec(c, "PRAGMA cache_size = -" + (SqliteTarget.LOAD_CACHE_BYTES >> 10));
        }
      } catch (SQLException e) {
        Long rowid = SqlitePagedTables.firstDuplicate(c, shape.name());
        if (rowid == null) {
          throw e;
        }
        throw refusal(c, name, rowid, e);
      }
    }

    /** The refusal of a written row, named as the INSERT loader names the row it refuses. */
    private PorterException refusal(Connection c, String name, long rowid, SQLException e)
        throws SQLException {
      long number = Sqlite.number(c, "SELECT count(*) FROM " + name + " WHERE rowid <= " + rowid);
      return SqliteInsertLoader.rowRefused(table, number, columns, firstValues(c, name, rowid), e);
    }

    /** The values of a written row in the archive's first three columns. */
    private Object[] firstValues(Connection c, String name, long rowid) throws SQLException {
      int n = Math.min(3, columns.size());
      StringBuilder cols = new StringBuilder();
      for (int i = 0; i < n; i++) {
        String col = columns.get(i);
        cols.append(i == 0 ? "" : ", ")
            .append(col.equals(table.rowidColumn()) ? col : Sqlite.quote(col));
      }
      Object[] values = new Object[n];
      try (Statement st = c.createStatement();
          ResultSet r =
              st.executeQuery("SELECT " + cols + " FROM " + name + " WHERE rowid = " + rowid)) {
        if (r.next()) {
          for (int i = 0; i < n; i++) {
            Object v = r.getObject(i + 1);
            values[i] = v instanceof Integer k ? Long.valueOf(k) : v;
          }
        }
      }
      return values;
    }

    /**
     * Takes the rows after those written as pages by INSERT, once; the connection is open. The
     * loader then no longer writes pages, and no later opening of the connection switches it again
     * (which would lose the rows its INSERT loader holds back).
     */
    void continueByInsert() throws SQLException {
      dropIndexes();
      writing.remove(this);
      if (rest == null) {
        rest = host.insertLoader(table, columns, tracking, written());
      }
    }

    private PorterException failure(IOException e) {
      return PorterException.unavailable(
          "cannot write table "
              + table.name()
              + " into the staging database for "
              + target
              + ": "
              + e.getMessage(),
          e);
    }

    @Override
    public long finish() {
      writing.remove(this);
      host.loaded(table.name(), written());
      if (rest != null) {
        return written() + rest.finish();
      }
      completeTree();
      if (written() > 0 && pages != null) {
        try {
          for (SqliteIndexPages.Collector c : indexes) {
            collectors.remove(c);
            long before = pages.size();
            long root = c.write(pages);
            if (root > 0) { // else a repeated key of a UNIQUE index, for CREATE INDEX to name
              indexesAsPages.put(SqliteChecks.fold(c.index()), root);
              indexBytes.put(SqliteChecks.fold(c.index()), pages.size() - before);
              if (c.inOrder()) {
                indexesInRowidOrder.add(SqliteChecks.fold(c.index()));
              }
            }
          }
        } catch (IOException e) {
          throw failure(e);
        }
      }
      dropIndexes();
      if (tracking != null) {
        tracking.finish();
      }
      return written();
    }
  }
}
