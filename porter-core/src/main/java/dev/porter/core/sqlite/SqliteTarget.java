package dev.porter.core.sqlite;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.app.VersionProbe;
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
  static final long LOAD_CACHE_BYTES = 64L << 20;

  private final Path target;
  private final Path staging;
  private final TargetOptions options;
  private final Connection guard;
  private final List<String[]> baselineTriggers = new ArrayList<>();
  private Connection conn;
  private boolean committed;

  /** A PostgreSQL archive's indexes created, and those that could not be, with the reason. */
  private int indexesCreated;

  private final List<String> indexesMissing = new ArrayList<>();

  /** The restored file is to be in WAL mode: switched at commit, after the checks. */
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

  /** The rows and indexes written as pages while {@link #conn} is closed (ADR 0027, 0029). */
  private final SqlitePageLoad pageLoad;

  /** INSERT loaders not yet finished; they close their statements while pages are written. */
  private final Set<SqliteInsertLoader> openLoaders = new java.util.LinkedHashSet<>();

  /** What the loaders ask of this import. */
  private final Hosting hosting = new Hosting();

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

  /** Sends the complete staging file's bytes to disk while the checks read it; see complete(). */
  private FileSync.Early earlySync;

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
    this.pageLoad = new SqlitePageLoad(staging, target, hosting);
  }

  /** What the INSERT loaders and the loaders writing pages ask of this import. */
  private final class Hosting implements SqliteInsertLoader.Host, SqlitePageLoad.Host {
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

    @Override
    public SqliteInsertLoader insertLoader(
        TableDef table, List<String> columns, SqliteKeySets.Tracking tracking, long firstRow)
        throws SQLException {
      return new SqliteInsertLoader(
          this, options, target, table, columns, LoadMode.INSERT, tracking, firstRow);
    }

    /**
     * Makes way for pages: open INSERT loaders send their rows and close their statements, the
     * connection commits and closes.
     */
    @Override
    public void releaseConnection() throws SQLException {
      for (SqliteInsertLoader l : new ArrayList<>(openLoaders)) {
        l.suspend();
      }
      if (!conn.getAutoCommit()) {
        conn.commit();
      }
      conn.close();
      conn = null;
    }
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
      return new SqliteInsertLoader(hosting, options, target, table, columns, mode, tracking, 0);
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
    if (pageLoad.unavailable()) {
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
    List<SqliteIndexPages.Plan> plans = List.of();
    // a baseline's indexes are dropped on the open connection, before any page is written
    if (pageableIndexes != null && (!baselineIndexes || conn != null)) {
      List<SqliteSchema.MasterEntry> candidates =
          pageableIndexes.getOrDefault(SqliteChecks.fold(table.name()), List.of());
      plans = SqliteIndexPages.plans(shape, source, candidates);
      if (baselineIndexes) {
        plans = dropForPages(plans, candidates);
      }
    }
    return pageLoad.loader(table, columns, shape, source, tracking, plans);
  }

  /**
   * Of a baseline table's indexes that its rows could write as pages, drops those that are not
   * UNIQUE, which {@link #buildAfterLoad} enters again with their pages, or creates again where the
   * pages were not written. A UNIQUE one stays, rebuilt after the rows, so that a repeated key is
   * refused naming its row ({@code SqlitePageLoad.Loader.reindex}). The connection is open: the
   * baseline's loaders are all made before the first row. Pages are only written without
   * auto-vacuum ({@link SqlitePages#open}), where a DROP INDEX moves no other B-tree's root page.
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

  /** Whether the checks started beside the index builds, the file in WAL mode (for tests). */
  boolean checksBesideIndexBuilds() {
    return walStaging;
  }

  /** The indexes written as pages rather than built by CREATE INDEX (for tests). */
  Set<String> indexesAsPages() {
    return pageLoad.indexesAsPages();
  }

  /** The bytes of each index of {@link #indexesAsPages}, as written (for tests). */
  Map<String, Long> indexBytes() {
    return pageLoad.indexBytes();
  }

  /** Of {@link #indexesAsPages}, those whose keys came in rowid order (for tests). */
  Set<String> indexesInRowidOrder() {
    return pageLoad.indexesInRowidOrder();
  }

  /** How many rows were written as pages rather than inserted (for tests and timings). */
  long rowsAsPages() {
    return pageLoad.rowsAsPages();
  }

  /**
   * The staging connection, opened again if pages were written since it was closed: the file's
   * header is completed first, then the written tables' CHECK constraints are asked of their rows,
   * their indexes rebuilt (which finds any duplicate a UNIQUE constraint forbids) and their
   * AUTOINCREMENT counters set.
   */
  private Connection conn() throws SQLException {
    return open(false);
  }

  /**
   * As {@link #conn()}; {@code reindexLater} leaves the indexes SQLite rebuilds for written tables
   * to the end of the load, which starts the checks beside them ({@link #buildAfterLoad}).
   */
  private Connection open(boolean reindexLater) throws SQLException {
    if (conn == null) {
      // loaders still writing pages complete their trees and go on by INSERT
      List<SqlitePageLoad.Loader> switching = pageLoad.closeFile();
      Connection c = Sqlite.connect(staging, false);
      conn = c;
      stagingPragmas(c);
      c.setAutoCommit(false);
      pageLoad.reopened(c, switching, reindexLater);
    }
    return conn;
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
      // here (docs/benchmark-history.md, eighteenth session)
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
        anyToBuild |= pageLoad.indexRoot(m.name()) == null;
      }
    }
    // The indexes of tables written as pages that SQLite rebuilds (UNIQUE constraints): those
    // the tables have when the connection opens, rebuilt once the checks of the others run.
    open(true);
    // A rebuild counts as one more index to build for its table, which waits for it.
    List<SqlitePageLoad.Rebuild> rebuilds = pageLoad.takeRebuilds(conn());
    for (SqlitePageLoad.Rebuild r : rebuilds) {
      indexesToBuild.merge(SqliteChecks.fold(r.table()), 1, Integer::sum);
    }
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
      Long root = type.equals("index") ? pageLoad.indexRoot(m.name()) : null;
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
    for (SqlitePageLoad.Rebuild r : rebuilds) {
      String table = r.table();
      r.run(conn());
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
   * Hands a complete table with indexes to the checks (one without is checked with the rest);
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
   * indexes, whose check is cheap and waits for the rest (quick_check may cover it).
   */
  private SqliteChecks.TableCheck tableCheck(String table, long rows) throws SQLException {
    List<String> indexes = SqliteCatalog.indexNames(conn(), table);
    if (indexes.isEmpty()) {
      return null;
    }
    int inOrder = 0;
    int other = 0;
    long lookedUp = 0;
    for (String index : indexes) {
      if (pageLoad.inRowidOrder(index)) {
        inOrder++;
      } else {
        other++;
        Long written = pageLoad.indexBytes(index);
        lookedUp +=
            written != null
                ? written
                : SqliteChecks.bytesOf(conn(), index, SqliteChecks.LOOKUP_CACHE_BYTES);
      }
    }
    return new SqliteChecks.TableCheck(SqliteChecks.tableCost(rows, inOrder, other), lookedUp);
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
    earlySync = FileSync.Early.start("porter-sqlite-sync", () -> FileSync.file(staging));
  }

  private void awaitEarlySync() {
    if (earlySync != null) {
      earlySync.await();
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
    pageLoad.close();
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
