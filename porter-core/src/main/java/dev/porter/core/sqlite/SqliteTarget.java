package dev.porter.core.sqlite;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.app.VersionProbe;
import dev.porter.core.archive.RowPreparer;
import dev.porter.core.dialect.Baseline;
import dev.porter.core.dialect.Check;
import dev.porter.core.dialect.CommitResult;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.dialect.LoadMode;
import dev.porter.core.dialect.RowSink;
import dev.porter.core.dialect.Target;
import dev.porter.core.dialect.TargetOptions;
import dev.porter.core.io.FileSync;
import dev.porter.core.io.IoErrors;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.SqliteSchema;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableEntry;
import dev.porter.core.model.TableKind;
import dev.porter.core.model.Utf8Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Imports into a SQLite file through a staging file beside it. The staging file is built without a
 * journal (it is verified and synced before it is used), then renamed over the target in one atomic
 * step; the previous file stays beside it as {@code NAME.<label>.TIMESTAMP}. Until that rename the
 * target is only read, and, in replace mode, held under a write lock so that no other process
 * commits to it while porter works (a write that porter would not carry over).
 */
final class SqliteTarget implements Target {
  /** The page cache of the import's connection while it loads and builds indexes. */
  private static final long LOAD_CACHE_BYTES = 64L << 20;

  /**
   * The page cache while SQLite rebuilds a table's indexes. REINDEX reads the table once, so a
   * larger cache only holds pages it never reads again, each fresh memory to fault in (the
   * benchmark's `product`, 51 MB: 50 against 20 ms with the sqlite3 shell); its sorter keeps up to
   * this much of the keys in memory before it spills them to a temporary file.
   */
  private static final long REBUILD_CACHE_BYTES = 8L << 20;

  private final Path target;
  private final Path staging;
  private final TargetOptions options;
  private final Connection guard;
  private final List<String[]> baselineTriggers = new ArrayList<>();
  private Connection conn;
  private boolean committed;

  /** The restored file is to be in WAL mode: switched at commit, after the checks. */
  /** A PostgreSQL archive's indexes created, and those that could not be, with the reason. */
  private int indexesCreated;

  private final List<String> indexesMissing = new ArrayList<>();

  private boolean walAtCommit;

  /** The staging file is in WAL mode, from the index builds on (checks beside them). */
  private boolean walStaging;

  /** Rows loaded by table (folded name), which order the checks. */
  private final Map<String, Long> loadedRows = new HashMap<>();

  private final SqliteChecks checker;

  /** The foreign keys followed through the load; read at the first table. */
  private SqliteKeySets keySets;

  /** The tables whose rows may still be written as pages; read at the first table. */
  private Map<String, SqlitePagedTables.Shape> pagedTables;

  /** The staging file, open for pages while {@link #conn} is closed; null otherwise. */
  private SqlitePages pages;

  /** Loaders writing pages, not yet finished; switched to INSERT if the connection is needed. */
  private final Set<PagedLoader> openPaged = new java.util.LinkedHashSet<>();

  /** INSERT loaders not yet finished; they close their statements while pages are written. */
  private final Set<SqliteInsertLoader> openLoaders = new java.util.LinkedHashSet<>();

  /** What the INSERT loaders ask of this import. */
  private final SqliteInsertLoader.Host insertHost =
      new SqliteInsertLoader.Host() {
        @Override
        public Connection connection() throws SQLException {
          return conn();
        }

        @Override
        public void started(SqliteInsertLoader loader) {
          openLoaders.add(loader);
        }

        @Override
        public void finishing(SqliteInsertLoader loader) {
          openLoaders.remove(loader);
        }

        @Override
        public void loaded(String table, long rows) {
          loadedRows.merge(SqliteChecks.fold(table), rows, Long::sum);
        }
      };

  /** Rows written as pages so far. */
  private long rowsAsPages;

  /** The staging file's header rules pages out. */
  private boolean pagesUnavailable;

  /**
   * Tables written as pages whose indexes are rebuilt when the connection opens again, or, when it
   * opens for the end of the load, once the checks have started beside the rebuilds.
   */
  private final List<PagedLoader> toReindex = new ArrayList<>();

  /** Set while the connection opens for the end of the load: see {@link #toReindex}. */
  private boolean reindexLater;

  /** Tables written as pages whose CHECK constraints are asked of their rows at that point. */
  private final List<PagedLoader> toCheck = new ArrayList<>();

  /**
   * The CREATE INDEX statements by table (folded name) that may be written as pages with their
   * table's rows (ADR 0029): a plain restore's, built after the rows unless written as pages, or a
   * release's baseline's, in the file already; null for other imports.
   */
  private Map<String, List<SqliteSchema.MasterEntry>> pageableIndexes;

  /**
   * {@link #pageableIndexes} are a baseline's: those its tables' rows may write as pages are
   * dropped before the load and come back at its end ({@link #dropForPages}, ADR 0029, amended).
   */
  private boolean baselineIndexes;

  /** The baseline's indexes dropped for their tables' pages, in the baseline's order. */
  private final List<SqliteSchema.MasterEntry> droppedIndexes = new ArrayList<>();

  /** Indexes written as pages (folded name), with their root pages, to enter in sqlite_master. */
  private final Map<String, Long> indexesAsPages = new HashMap<>();

  /** Of those, the ones whose keys came in rowid order (folded names): see {@link #tableCheck}. */
  private final Set<String> indexesInRowidOrder = new HashSet<>();

  /** The bytes of each index written as pages (folded names): see {@link #tableCheck}. */
  private final Map<String, Long> indexBytes = new HashMap<>();

  /** Index entries still being gathered; their scratch files are closed with the import. */
  private final Set<SqliteIndexPages.Collector> collectors = new java.util.LinkedHashSet<>();

  /** AUTOINCREMENT tables written as pages, with their largest rowid. */
  private final Map<String, Long> sequences = new java.util.LinkedHashMap<>();

  /** Sends the complete staging file's bytes to disk while the checks read it; see commit(). */
  private Thread earlySync;

  private SqliteTarget(
      Path target,
      Path staging,
      TargetOptions options,
      Connection guard,
      Connection conn,
      boolean parallelChecks) {
    this.target = target;
    this.staging = staging;
    this.options = options;
    this.guard = guard;
    this.conn = conn;
    this.checker = new SqliteChecks(staging, parallelChecks);
  }

  /** Opens an import into {@code target}; the caller holds porter's lock on it. */
  static SqliteTarget open(Path target, TargetOptions options) {
    return open(target, options, SqliteChecks.worthSplitting());
  }

  /** {@code parallelChecks} false checks as on one processor. */
  static SqliteTarget open(Path target, TargetOptions options, boolean parallelChecks) {
    Path dir = target.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw PorterException.usage("no such directory for the target database: " + dir);
    }
    Connection guard = null;
    try {
      // What a killed run left behind is settled first: its pre-image gets its name, its staging
      // goes.
      SqliteFiles.settleKilledRun(target);
      Path staging = SqliteFiles.staging(target);
      boolean exists = checkPrecondition(target, options.mode());
      if (exists) {
        guard = holdWriteLock(target);
      }
      Connection c = Sqlite.connect(staging, false);
      return new SqliteTarget(target, staging, options, guard, c, parallelChecks);
    } catch (SQLException e) {
      closeQuietly(guard);
      throw Sqlite.failure("cannot create the staging database beside", target, e);
    } catch (IOException e) {
      closeQuietly(guard);
      throw PorterException.unavailable(
          "cannot prepare the import into " + target + ": " + IoErrors.reason(e, target), e);
    } catch (RuntimeException e) {
      closeQuietly(guard);
      throw e;
    }
  }

  /** True when the target holds a database to be replaced. */
  private static boolean checkPrecondition(Path target, ImportMode mode) {
    if (!Files.exists(target)) {
      return false;
    }
    if (!Files.isRegularFile(target)) {
      throw PorterException.usage("target " + target + " is not a file");
    }
    long objects = SqliteFiles.schemaObjects(target);
    if (mode == ImportMode.NEW && objects > 0) {
      throw PorterException.refused(
          "target "
              + target
              + " already holds a database ("
              + objects
              + " schema objects); import --mode replace keeps it as a pre-image and swaps in the new one");
    }
    return objects >= 0 && SqliteFiles.size(target) > 0;
  }

  /**
   * Empties the old database's WAL into it and takes SQLite's write lock, held until the swap: no
   * other process can commit to the database while porter replaces it, and the pre-image is
   * complete in one file.
   */
  private static Connection holdWriteLock(Path target) throws SQLException {
    Connection g = Sqlite.connect(target, false);
    try {
      if ("wal".equalsIgnoreCase(Sqlite.string(g, "PRAGMA journal_mode"))) {
        try (Statement st = g.createStatement();
            ResultSet r = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
          if (r.next() && r.getInt(1) != 0) {
            throw new PorterException(
                ErrorCategory.LOCKED,
                "database "
                    + target
                    + " is in use by another process (its WAL could not be checkpointed); stop the application and retry");
          }
        }
      }
      try {
        Sqlite.exec(g, "BEGIN IMMEDIATE");
      } catch (SQLException e) {
        throw new PorterException(
            ErrorCategory.LOCKED,
            "database "
                + target
                + " is being written by another process; stop the application and retry",
            e);
      }
      return g;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(g);
      throw e;
    }
  }

  private void prepareStaging(int pageSize, int autoVacuum, String encoding) throws SQLException {
    if (pageSize > 0) {
      Sqlite.exec(conn(), "PRAGMA page_size = " + pageSize);
      Sqlite.exec(conn(), "PRAGMA auto_vacuum = " + autoVacuum);
      Sqlite.exec(conn(), "PRAGMA encoding = " + Sqlite.literal(encoding));
    }
    stagingPragmas(conn());
  }

  private static void stagingPragmas(Connection c) throws SQLException {
    // A staging file needs no journal on disk: it is verified and synced before it is ever used.
    // One in memory lets SQLite undo a failed many-row INSERT, whose rows are then tried one by
    // one.
    Sqlite.exec(c, "PRAGMA journal_mode = MEMORY");
    Sqlite.exec(c, "PRAGMA synchronous = OFF");
    Sqlite.exec(c, "PRAGMA locking_mode = EXCLUSIVE");
    Sqlite.exec(c, "PRAGMA foreign_keys = OFF");
    Sqlite.exec(c, "PRAGMA cache_size = -" + (LOAD_CACHE_BYTES >> 10));
  }

  @Override
  public Map<String, Long> createSchema(ArchiveHeader header) {
    SqliteSchema s = header.sqlite();
    if (s == null) {
      // another engine's archive: a schema derived from its tables (docs/cross-engine.md)
      try {
        prepareStaging(0, 0, null);
        conn().setAutoCommit(false);
        for (String ddl : SqliteDdl.fromOtherEngine(header)) {
          execDdl("table", ddl);
        }
      } catch (SQLException e) {
        throw Sqlite.failure("cannot create the schema in the staging database for", target, e);
      }
      return Map.of();
    }
    Set<String> shadow = new HashSet<>();
    for (TableEntry e : header.tables()) {
      if (e.table().kind() == TableKind.SHADOW) {
        shadow.add(e.table().name());
      }
    }
    try {
      prepareStaging(s.pageSize(), s.autoVacuum(), s.encoding());
      conn().setAutoCommit(false);
      pageableIndexes = indexesByTable(s.master());
      boolean statistics = false;
      for (SqliteSchema.MasterEntry m : s.master()) {
        if (!m.type().equals("table") || m.sql() == null) {
          continue;
        }
        if (shadow.contains(m.name()) || m.name().equalsIgnoreCase("sqlite_sequence")) {
          continue; // created by their virtual table / by the first AUTOINCREMENT table
        }
        if (isStatistics(m.name())) {
          statistics = true; // only ANALYZE may create these
          continue;
        }
        execDdl(m.type() + " " + m.name(), m.sql());
      }
      if (statistics) {
        // Creates sqlite_stat1 (and sqlite_stat4 where compiled in); the archive's rows replace
        // whatever it computes over the still empty tables.
        execDdl("the statistics tables", "ANALYZE main");
      }
    } catch (SQLException e) {
      throw Sqlite.failure("cannot create the schema in the staging database for", target, e);
    }
    return Map.of();
  }

  @Override
  public Baseline createBaseline(String ddl) {
    try {
      prepareStaging(0, 0, null);
      try {
        SqliteScript.run(conn(), ddl);
      } catch (SQLException e) {
        throw PorterException.refused(
            "the baseline DDL fails on SQLite: " + e.getMessage().replace('\n', ' '));
      }
      Baseline b = SqliteDialect.describe(conn());
      // The baseline's triggers must not fire for loaded rows: set aside now, recreated after.
      try (Statement st = conn().createStatement();
          ResultSet r =
              st.executeQuery(
                  "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' ORDER BY rowid")) {
        while (r.next()) {
          baselineTriggers.add(new String[] {r.getString(1), r.getString(2)});
        }
      }
      for (String[] t : baselineTriggers) {
        Sqlite.exec(conn(), "DROP TRIGGER main." + Sqlite.quote(t[0]));
      }
      pageableIndexes = indexesByTable(SqliteCatalog.master(conn()));
      baselineIndexes = true;
      conn().setAutoCommit(false);
      return b;
    } catch (SQLException e) {
      throw Sqlite.failure("cannot create the baseline in the staging database for", target, e);
    }
  }

  /** The CREATE INDEX statements of {@code master} by table (folded name), in its order. */
  private static Map<String, List<SqliteSchema.MasterEntry>> indexesByTable(
      List<SqliteSchema.MasterEntry> master) {
    Map<String, List<SqliteSchema.MasterEntry>> byTable = new HashMap<>();
    for (SqliteSchema.MasterEntry m : master) {
      if (m.type().equals("index") && m.sql() != null) {
        byTable.computeIfAbsent(SqliteChecks.fold(m.tblName()), k -> new ArrayList<>()).add(m);
      }
    }
    return byTable;
  }

  /** SQLite's query-planner statistics, written by ANALYZE: sqlite_stat1, sqlite_stat4. */
  private static boolean isStatistics(String table) {
    return table.toLowerCase(java.util.Locale.ROOT).startsWith("sqlite_stat");
  }

  private void execDdl(String what, String sql) throws SQLException {
    try {
      Sqlite.exec(conn(), sql);
    } catch (SQLException e) {
      throw new PorterException(
          ErrorCategory.REFUSED,
          "cannot recreate " + what + " in SQLite: " + e.getMessage().replace('\n', ' '),
          e);
    }
  }

  @Override
  public RowSink loader(TableDef table, List<String> columns, LoadMode mode) {
    try {
      if (mode == LoadMode.INSERT
          && table.kind() != TableKind.SHADOW
          && !isStatistics(table.name())) {
        RowSink paged = pagedLoader(table, columns);
        if (paged != null) {
          return paged;
        }
      }
      if (pagedTables != null) {
        pagedTables.remove(table.name());
      }
      if (table.kind() == TableKind.SHADOW
          || mode == LoadMode.REPLACE
          || isStatistics(table.name())) {
        // A virtual table's creation may have written its own rows in a shadow table; a replaced
        // seed table loses the baseline's rows. The archive's rows take their place.
        Sqlite.exec(conn(), "DELETE FROM main." + Sqlite.quote(table.name()));
      }
      if (keySets == null) {
        keySets = SqliteKeySets.of(conn());
      }
      SqliteKeySets.Tracking tracking =
          keySets.track(
              table.name(),
              Sqlite.string(
                  conn(),
                  "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = "
                      + Sqlite.literal(table.name())
                      + " COLLATE NOCASE"),
              columns,
              mode != LoadMode.MERGE
                  && Sqlite.number(
                          conn(),
                          "SELECT EXISTS (SELECT 1 FROM main." + Sqlite.quote(table.name()) + ")")
                      == 0);
      return new SqliteInsertLoader(insertHost, options, target, table, columns, mode, tracking, 0);
    } catch (SQLException e) {
      throw Sqlite.failure(
          "cannot load table " + table.name() + " into the staging database for", target, e);
    }
  }

  /**
   * A loader that writes the table's rows as pages (ADR 0027), or null where the table, its columns
   * or the staging file do not allow it. The staging connection is closed while pages are written,
   * and opened again by {@link #conn()} when SQL is next needed.
   */
  private RowSink pagedLoader(TableDef table, List<String> columns) throws SQLException {
    if (pagesUnavailable) {
      return null;
    }
    if (pagedTables == null) {
      if (keySets == null) {
        keySets = SqliteKeySets.of(conn());
      }
      pagedTables = SqlitePagedTables.of(conn());
    }
    SqlitePagedTables.Shape shape = pagedTables.remove(table.name());
    if (shape == null) {
      return null;
    }
    int[] source = shape.source(columns, table.rowidColumn());
    if (source == null) {
      return null;
    }
    SqliteKeySets.Tracking tracking =
        keySets.track(table.name(), shape.definition(), columns, true);
    List<SqliteIndexPages.Collector> indexes = new ArrayList<>();
    // a baseline's indexes are dropped on the open connection, before any page is written
    if (pageableIndexes != null && (!baselineIndexes || conn != null)) {
      List<SqliteSchema.MasterEntry> candidates =
          pageableIndexes.getOrDefault(SqliteChecks.fold(table.name()), List.of());
      List<SqliteIndexPages.Plan> plans = SqliteIndexPages.plans(shape, source, candidates);
      if (baselineIndexes) {
        plans = dropForPages(plans, candidates);
      }
      for (SqliteIndexPages.Plan plan : plans) {
        SqliteIndexPages.Collector c =
            new SqliteIndexPages.Collector(
                plan, Math.max(1 << 16, SqliteIndexPages.RUN / plans.size()));
        collectors.add(c);
        indexes.add(c);
      }
    }
    return new PagedLoader(
        table,
        columns,
        shape,
        source,
        shape.rowidSource(columns, table.rowidColumn()),
        tracking,
        indexes);
  }

  /**
   * Of a baseline table's indexes that its rows could write as pages, drops those that are not
   * UNIQUE, which {@link #buildAfterLoad} enters again with their pages, or creates again where the
   * pages were not written. A UNIQUE one stays, rebuilt after the rows, so that a repeated key is
   * refused naming its row ({@code PagedLoader.reindex}). The connection is open: the baseline's
   * loaders are all made before the first row. Pages are only written without auto-vacuum ({@link
   * SqlitePages#open}), where a DROP INDEX moves no other B-tree's root page.
   */
  private List<SqliteIndexPages.Plan> dropForPages(
      List<SqliteIndexPages.Plan> plans, List<SqliteSchema.MasterEntry> candidates)
      throws SQLException {
    List<SqliteIndexPages.Plan> kept = new ArrayList<>();
    for (SqliteIndexPages.Plan plan : plans) {
      if (plan.unique()) {
        continue;
      }
      for (SqliteSchema.MasterEntry m : candidates) {
        if (m.name().equals(plan.index())) {
          Sqlite.exec(conn(), "DROP INDEX main." + Sqlite.quote(m.name()));
          droppedIndexes.add(m);
          kept.add(plan);
        }
      }
    }
    return kept;
  }

  /**
   * Makes the staging file ready for pages: open INSERT loaders send their rows and close their
   * statements, the connection commits and closes. False when the file's header rules pages out.
   */
  private boolean openPages() throws SQLException, IOException {
    if (pages != null) {
      return true;
    }
    if (pagesUnavailable) {
      return false;
    }
    for (SqliteInsertLoader l : new ArrayList<>(openLoaders)) {
      l.suspend();
    }
    if (!conn.getAutoCommit()) {
      conn.commit();
    }
    conn.close();
    conn = null;
    pages = SqlitePages.open(staging);
    if (pages == null) {
      pagesUnavailable = true;
      return false;
    }
    return true;
  }

  /** Whether the checks started beside the index builds, the file in WAL mode (for tests). */
  boolean checksBesideIndexBuilds() {
    return walStaging;
  }

  /** The indexes written as pages rather than built by CREATE INDEX (for tests). */
  Set<String> indexesAsPages() {
    return Set.copyOf(indexesAsPages.keySet());
  }

  /** The bytes of each index of {@link #indexesAsPages}, as written (for tests). */
  Map<String, Long> indexBytes() {
    return Map.copyOf(indexBytes);
  }

  /** Of {@link #indexesAsPages}, those whose keys came in rowid order (for tests). */
  Set<String> indexesInRowidOrder() {
    return Set.copyOf(indexesInRowidOrder);
  }

  /** How many rows were written as pages rather than inserted (for tests and timings). */
  long rowsAsPages() {
    return rowsAsPages;
  }

  /**
   * The staging connection, opened again if pages were written since it was closed: the file's
   * header is completed first, then the written tables' CHECK constraints are asked of their rows,
   * their indexes rebuilt (which finds any duplicate a UNIQUE constraint forbids) and their
   * AUTOINCREMENT counters set.
   */
  private Connection conn() throws SQLException {
    if (conn == null) {
      // loaders still writing pages complete their trees and go on by INSERT
      List<PagedLoader> switching = new ArrayList<>(openPaged);
      switching.removeIf(p -> !p.started());
      for (PagedLoader p : switching) {
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
      Connection c = Sqlite.connect(staging, false);
      conn = c;
      stagingPragmas(c);
      c.setAutoCommit(false);
      for (PagedLoader p : toCheck) {
        p.checkRows(c);
      }
      toCheck.clear();
      if (!reindexLater) {
        for (PagedLoader p : toReindex) {
          p.reindex(c);
        }
        toReindex.clear();
      }
      for (Map.Entry<String, Long> e : sequences.entrySet()) {
        raiseSequence(c, e.getKey(), e.getValue());
      }
      sequences.clear();
      for (PagedLoader p : switching) {
        p.continueByInsert();
      }
    }
    return conn;
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
  private final class PagedLoader implements RowSink {
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

    PagedLoader(
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
      openPaged.add(this);
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
      if (!openPages()) {
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
        conn(); // switches this loader, and any other writing pages
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
          Sqlite.exec(c, "PRAGMA cache_size = -" + (LOAD_CACHE_BYTES >> 10));
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
      openPaged.remove(this);
      if (rest == null) {
        rest =
            new SqliteInsertLoader(
                insertHost, options, target, table, columns, LoadMode.INSERT, tracking, written());
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
      openPaged.remove(this);
      loadedRows.merge(SqliteChecks.fold(table.name()), written(), Long::sum);
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

  @Override
  public void finishLoad(ArchiveHeader header) {
    SqliteSchema s = header.sqlite();
    if (s == null) {
      try {
        if (header.postgresql() != null) {
          // UNIQUE constraints and the indexes SQLite can take; the others are reported
          for (PgIndexes.Index i : PgIndexes.of(header.postgresql())) {
            String why = i.why();
            if (i.sql() != null) {
              try {
                Sqlite.exec(conn(), i.sql());
                indexesCreated++;
              } catch (SQLException e) {
                why = e.getMessage().replace('\n', ' ');
              }
            }
            if (why != null) {
              indexesMissing.add(i.name() + " on " + i.table() + " (" + why + ")");
            }
          }
        }
        complete();
      } catch (SQLException e) {
        throw Sqlite.failure("cannot complete the staging database for", target, e);
      }
      return;
    }
    try {
      // Indexes after the rows (faster), triggers too (so they never fire for loaded rows); views,
      // indexes and triggers in the source's order, so that sqlite_master is the source's (every
      // row is in: no trigger fires for them, and none of these statements adds a row).
      List<SqliteSchema.MasterEntry> after = new ArrayList<>();
      for (SqliteSchema.MasterEntry m : s.master()) {
        if (m.sql() != null && List.of("index", "view", "trigger").contains(m.type())) {
          after.add(m);
        }
      }
      buildAfterLoad(after, true);
      if (!s.sequences().isEmpty()) {
        Sqlite.exec(conn(), "DELETE FROM main.sqlite_sequence");
        try (PreparedStatement ps =
            conn().prepareStatement("INSERT INTO main.sqlite_sequence (name, seq) VALUES (?, ?)")) {
          for (SqliteSchema.SequenceValue v : s.sequences()) {
            ps.setString(1, v.name());
            ps.setLong(2, v.seq());
            ps.executeUpdate();
          }
        }
      }
      Sqlite.exec(conn(), "PRAGMA user_version = " + s.userVersion());
      Sqlite.exec(conn(), "PRAGMA application_id = " + s.applicationId());
      complete();
      // WAL is a property of the file. It is set at commit: entered under the exclusive locking
      // mode, WAL would keep its index in this connection's memory and lock out the second
      // connection of the checks.
      walAtCommit = "wal".equals(s.journalMode());
    } catch (SQLException e) {
      throw Sqlite.failure("cannot complete the staging database for", target, e);
    }
  }

  @Override
  public void finishBaseline(
      String afterLoadSql, Map<String, Long> sequenceFloors, VersionProbe probe, String version) {
    try {
      // the checks wait for the index builds: started beside them (ADR 0028), they gained nothing
      // here (docs/benchmarks.md, eighteenth session)
      buildAfterLoad(droppedIndexes, false);
      droppedIndexes.clear();
      for (String[] t : baselineTriggers) {
        execDdl("trigger " + t[0], t[1]);
      }
      for (Map.Entry<String, Long> e : sequenceFloors.entrySet()) {
        // AUTOINCREMENT: a new row must never reuse the id of a row the source had deleted.
        try (PreparedStatement ps =
            conn()
                .prepareStatement(
                    "UPDATE main.sqlite_sequence SET seq = ? WHERE name = ? AND seq < ?")) {
          ps.setLong(1, e.getValue());
          ps.setString(2, e.getKey());
          ps.setLong(3, e.getValue());
          if (ps.executeUpdate() == 0) {
            try (PreparedStatement ins =
                conn()
                    .prepareStatement(
                        "INSERT INTO main.sqlite_sequence (name, seq) SELECT ?, ?"
                            + " WHERE NOT EXISTS (SELECT 1 FROM main.sqlite_sequence WHERE name = ?)")) {
              ins.setString(1, e.getKey());
              ins.setLong(2, e.getValue());
              ins.setString(3, e.getKey());
              ins.executeUpdate();
            }
          }
        }
      }
      if (afterLoadSql != null && !afterLoadSql.isBlank()) {
        if (keySets != null) {
          keySets.forget(); // it may change any row
        }
        try {
          SqliteScript.run(conn(), afterLoadSql);
        } catch (SQLException e) {
          throw PorterException.refused(
              "the release's after-load SQL fails: " + e.getMessage().replace('\n', ' '));
        }
      }
      if (probe.kind() == VersionProbe.Kind.USER_VERSION) {
        Sqlite.exec(conn(), "PRAGMA user_version = " + Long.parseLong(version)); // integers only
      }
      complete();
    } catch (SQLException e) {
      throw Sqlite.failure("cannot complete the staging database for", target, e);
    }
  }

  /**
   * Makes what a load leaves to its end: {@code entries} (indexes, views, triggers) in their order,
   * an index written as pages entered with its root page at its turn and anything else made by its
   * SQL; then the indexes SQLite rebuilds for tables written as pages (a plain restore's UNIQUE
   * constraints', a baseline's indexes that stayed). Where {@code checksMayStart} (a plain restore:
   * no row changes after this) and an index is left to build, the second connection of the checks
   * starts first, and each table goes to it once its indexes are complete (ADR 0028).
   */
  private void buildAfterLoad(List<SqliteSchema.MasterEntry> entries, boolean checksMayStart)
      throws SQLException {
    Map<String, Integer> indexesToBuild = new HashMap<>();
    boolean anyToBuild = false;
    for (SqliteSchema.MasterEntry m : entries) {
      if (m.type().equals("index")) {
        indexesToBuild.merge(SqliteChecks.fold(m.tblName()), 1, Integer::sum);
        anyToBuild |= !indexesAsPages.containsKey(SqliteChecks.fold(m.name()));
      }
    }
    // The indexes of tables written as pages that SQLite rebuilds (UNIQUE constraints): those
    // the tables have when the connection opens, rebuilt once the checks of the others run.
    reindexLater = true;
    try {
      conn();
    } finally {
      reindexLater = false;
    }
    // A rebuild counts as one more index to build for its table, which waits for it.
    Map<PagedLoader, List<String>> rebuilds = new java.util.LinkedHashMap<>();
    for (PagedLoader p : toReindex) {
      rebuilds.put(p, indexesOf(conn(), p.table.name()));
      indexesToBuild.merge(SqliteChecks.fold(p.table.name()), 1, Integer::sum);
    }
    toReindex.clear();
    anyToBuild |= !rebuilds.isEmpty();
    List<String> tables = checksMayStart && anyToBuild ? startChecksBesideIndexes() : null;
    boolean checksBeside = tables != null;
    if (checksBeside) {
      for (String table : tables) {
        if (!indexesToBuild.containsKey(SqliteChecks.fold(table))) {
          releaseCheck(table);
        }
      }
    }
    for (SqliteSchema.MasterEntry m : entries) {
      String type = m.type();
      Long root = type.equals("index") ? indexesAsPages.get(SqliteChecks.fold(m.name())) : null;
      if (root != null) {
        SqliteIndexPages.enter(conn(), m, root);
      } else {
        execDdl(type + " " + m.name(), m.sql());
      }
      if (checksBeside
          && type.equals("index")
          && indexesToBuild.merge(SqliteChecks.fold(m.tblName()), -1, Integer::sum) == 0) {
        releaseCheck(m.tblName()); // committed: each statement is its own transaction
      }
    }
    for (Map.Entry<PagedLoader, List<String>> r : rebuilds.entrySet()) {
      String table = r.getKey().table.name();
      r.getKey().reindex(conn(), r.getValue());
      if (checksBeside && indexesToBuild.merge(SqliteChecks.fold(table), -1, Integer::sum) == 0) {
        releaseCheck(table);
      }
    }
  }

  /**
   * Lets the second connection of the checks start while this one builds the indexes
   * (docs/decisions/0028-sqlite-checks-beside-index-builds.md): what is loaded is committed, the
   * staging file goes into WAL mode, whose commits never wait for a reader, and from here on every
   * statement is its own transaction. Returns the file's tables; null, and nothing changed, where
   * the checks would not be split (one processor, a table named like a number) or the file cannot
   * enter WAL mode.
   */
  private List<String> startChecksBesideIndexes() throws SQLException {
    Connection c = conn();
    List<String> tables = checker.earlyTables(c);
    if (tables == null) {
      return null;
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
    c.setAutoCommit(true);
    Sqlite.exec(c, "PRAGMA locking_mode = NORMAL");
    Sqlite.number(c, "SELECT count(*) FROM main.sqlite_master"); // lets go of the exclusive lock
    String mode;
    try {
      mode = Sqlite.string(c, "PRAGMA main.journal_mode = WAL");
    } catch (SQLException e) {
      mode = null; // no shared memory for a WAL here (a network file system): as before, then
    }
    if (!"wal".equalsIgnoreCase(mode)) {
      Sqlite.exec(c, "PRAGMA locking_mode = EXCLUSIVE");
      return null;
    }
    walStaging = true;
    // one checkpoint, when the import leaves WAL mode before the swap, rather than one per index
    Sqlite.exec(c, "PRAGMA wal_autocheckpoint = 0");
    checker.startEarly();
    return tables;
  }

  /**
   * Hands a complete table with indexes to the checks (quick_check covers one without);
   * sqlite_sequence is written after the indexes.
   */
  private void releaseCheck(String table) throws SQLException {
    if (!table.equalsIgnoreCase("sqlite_sequence")) {
      SqliteChecks.TableCheck size =
          tableCheck(table, loadedRows.getOrDefault(SqliteChecks.fold(table), 0L));
      if (size != null) {
        checker.release(table, size);
      }
    }
  }

  /**
   * How a table's partial integrity check is sized: its relative cost, which orders the checks'
   * items, largest first ({@link SqliteChecks#tableCost}), each index in rowid order where it was
   * written as pages from keys that came in that order (ADR 0029); and the bytes of its other
   * indexes, which its rows are looked up in anywhere and its page cache should hold: as written
   * where porter wrote them, else as SQLite's {@code dbstat} counts them. Null for a table without
   * indexes, which needs no partial check: quick_check covers it.
   */
  private SqliteChecks.TableCheck tableCheck(String table, long rows) throws SQLException {
    List<String> indexes = indexesOf(conn(), table);
    if (indexes.isEmpty()) {
      return null;
    }
    int inOrder = 0;
    int other = 0;
    long lookedUp = 0;
    for (String index : indexes) {
      String key = SqliteChecks.fold(index);
      if (indexesInRowidOrder.contains(key)) {
        inOrder++;
      } else {
        other++;
        Long written = indexBytes.get(key);
        lookedUp +=
            written != null
                ? written
                : SqliteChecks.bytesOf(conn(), index, SqliteChecks.LOOKUP_CACHE_BYTES);
      }
    }
    return new SqliteChecks.TableCheck(SqliteChecks.tableCost(rows, inOrder, other), lookedUp);
  }

  /** The names of the table's indexes in the staging file. */
  private static List<String> indexesOf(Connection c, String table) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT name FROM main.sqlite_master WHERE type = 'index' AND tbl_name = ?")) {
      ps.setString(1, table);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          names.add(r.getString(1));
        }
      }
    }
    return names;
  }

  /** {@link #tableCheck} of every table of {@code rows} that has indexes. */
  private Map<String, SqliteChecks.TableCheck> tableChecks(Map<String, Long> rows)
      throws SQLException {
    Map<String, SqliteChecks.TableCheck> sizes = new HashMap<>();
    for (Map.Entry<String, Long> e : rows.entrySet()) {
      SqliteChecks.TableCheck size = tableCheck(e.getKey(), e.getValue());
      if (size != null) {
        sizes.put(e.getKey(), size);
      }
    }
    return sizes;
  }

  /**
   * Commits the last of the staging file. Its bytes then start on their way to disk on another
   * thread, while the checks read it (CPU-bound), so that the sync before the swap finds little
   * left to write. That sync still runs and is the one that counts; a failure here is left to it.
   */
  private void complete() throws SQLException {
    if (!conn().getAutoCommit()) {
      conn().commit();
      conn().setAutoCommit(true);
    }
    earlySync =
        new Thread(
            () -> {
              try {
                FileSync.file(staging);
              } catch (IOException e) {
                // the sync before the swap reports it
              }
            },
            "porter-sqlite-sync");
    earlySync.setDaemon(true);
    earlySync.start();
  }

  private void awaitEarlySync() {
    if (earlySync != null) {
      try {
        earlySync.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      earlySync = null;
    }
  }

  @Override
  public String readVersion(VersionProbe probe) {
    try {
      return SqliteDialect.readVersion(conn(), probe);
    } catch (SQLException e) {
      throw Sqlite.failure("cannot read the schema version of the staging database for", target, e);
    }
  }

  @Override
  public List<Check> verify(Map<String, Long> expectedRows) {
    List<Check> checks = new ArrayList<>();
    try {
      // lets go of the exclusive lock, so that the second connection can read
      Sqlite.exec(conn(), "PRAGMA locking_mode = NORMAL");
      Sqlite.number(conn(), "SELECT count(*) FROM main.sqlite_master");
      SqliteChecks.Result found =
          checker.check(
              conn(),
              expectedRows,
              tableChecks(expectedRows),
              keySets == null ? Set.of() : keySets.cleared(),
              walStaging ? SqliteTarget::copyWalWhileChecked : null);
      if (found.failure() != null) {
        throw found.failure();
      }
      for (Map.Entry<String, Long> e : expectedRows.entrySet()) {
        long actual = found.rows().getOrDefault(e.getKey(), -1L);
        if (actual != e.getValue()) {
          throw new PorterException(
              ErrorCategory.VERIFICATION_FAILED,
              "table "
                  + e.getKey()
                  + ": the staging database holds "
                  + actual
                  + " rows, expected "
                  + e.getValue()
                  + "; the target was not changed");
        }
      }
      checks.add(new Check("row counts", true, expectedRows.size() + " tables as expected"));
      if (!found.problems().isEmpty()) {
        throw new PorterException(
            ErrorCategory.VERIFICATION_FAILED,
            "integrity_check failed on the staging database: "
                + found.problems().get(0)
                + "; the target was not changed");
      }
      checks.add(new Check("integrity_check", true, "ok"));
      if (indexesCreated + indexesMissing.size() > 0) {
        checks.add(
            new Check(
                "indexes",
                indexesMissing.isEmpty(),
                indexesCreated
                    + " of "
                    + (indexesCreated + indexesMissing.size())
                    + " PostgreSQL unique constraints and indexes recreated"
                    + (indexesMissing.isEmpty()
                        ? ""
                        : "; not recreated: " + String.join("; ", indexesMissing))));
      }
      long violations = found.violations();
      String first = found.firstViolation();
      if (violations > 0 && !options.acceptForeignKeyViolations()) {
        throw new PorterException(
            ErrorCategory.VERIFICATION_FAILED,
            "foreign_key_check found "
                + violations
                + " violations (first: "
                + first
                + "); the target was not changed (--accept-fk-violations loads such data anyway)");
      }
      checks.add(
          new Check(
              "foreign_key_check",
              violations == 0,
              violations == 0 ? "no violations" : violations + " violations accepted"));
      return checks;
    } catch (SQLException e) {
      throw Sqlite.failure("cannot check the staging database for", target, e);
    }
  }

  @Override
  public CommitResult commit() {
    Path partial = null;
    Check access = null;
    try {
      if (walStaging) {
        leaveWal();
      } else if (walAtCommit) {
        Sqlite.exec(conn(), "PRAGMA journal_mode = WAL");
      }
      conn().close();
      conn = null;
      Path wal = staging.resolveSibling(staging.getFileName() + "-wal");
      if (walStaging && Files.exists(wal) && Files.size(wal) > 0) {
        throw PorterException.unavailable(
            "cannot swap the new database into "
                + target
                + ": its staging file's WAL still holds pages after the last connection closed",
            null);
      }
      awaitEarlySync();
      FileSync.file(staging);
      if (Files.isRegularFile(target)) {
        access = SqliteFiles.giveAccessOf(target, staging);
      }
      if (guard != null) {
        String stamp = SqliteFiles.STAMP.format(Instant.now(options.clock()));
        partial = SqliteFiles.linkPartialPreImage(target, options.preImageLabel(), stamp);
      }
      Files.move(
          staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      committed = true;
    } catch (SQLException e) {
      throw Sqlite.failure("cannot swap the new database into", target, e);
    } catch (IOException e) {
      throw PorterException.unavailable(
          "cannot swap the new database into " + target + ": " + IoErrors.reason(e, target), e);
    }
    // The swap is done: nothing below may report the import as failed. A pre-image whose final
    // rename fails keeps its .partial name, which the next porter run on this database finishes.
    Path preImage = partial;
    try {
      FileSync.directory(target.getParent());
      if (guard != null) {
        Sqlite.exec(guard, "ROLLBACK");
        guard.close();
        preImage = SqliteFiles.finishPreImage(target, partial);
      }
      SqliteFiles.recordInstalled(target, preImage, options.preImageLabel());
    } catch (SQLException | IOException | RuntimeException e) {
      // rollback without --force will refuse for want of a record; the data is in place
    }
    return new CommitResult(
        target.toString(),
        preImage == null ? null : preImage.toString(),
        access == null ? List.of() : List.of(access));
  }

  /**
   * While the second connection checks its last table, copies the pages of the WAL into the file:
   * readers go on reading them from the WAL, and leaving WAL mode before the swap then has nothing
   * left to copy. Only a speed-up: if it cannot copy everything, {@link #leaveWal} does the rest.
   */
  private static void copyWalWhileChecked(Connection c) throws SQLException {
    Sqlite.number(c, "PRAGMA main.wal_checkpoint(PASSIVE)");
  }

  /**
   * Copies every page of the WAL into the staging file, the checks having passed on the same pages:
   * the file leaves WAL mode, unless it is to stay in it (the source's mode), in which case the WAL
   * is emptied and SQLite removes it when the connection closes.
   */
  private void leaveWal() throws SQLException {
    if (walAtCommit) {
      try (Statement st = conn().createStatement();
          ResultSet r = st.executeQuery("PRAGMA main.wal_checkpoint(TRUNCATE)")) {
        if (!r.next() || r.getInt(1) != 0) {
          throw new SQLException("the WAL could not be copied into the staging file");
        }
      }
      return;
    }
    String mode = Sqlite.string(conn(), "PRAGMA main.journal_mode = DELETE");
    if (!"delete".equalsIgnoreCase(mode)) {
      throw new SQLException("the staging file stayed in " + mode + " mode");
    }
  }

  @Override
  public void close() {
    checker.close();
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
        // the staging file is removed below
      }
      pages = null;
    }
    awaitEarlySync();
    closeQuietly(conn);
    conn = null;
    closeQuietly(guard);
    if (!committed) {
      try {
        SqliteFiles.deleteWithSidecars(staging);
      } catch (IOException e) {
        // a leftover staging file is removed by the next import
      }
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // nothing of the target depends on it
      }
    }
  }
}
