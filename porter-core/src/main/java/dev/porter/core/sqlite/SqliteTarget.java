package dev.porter.core.sqlite;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.dialect.Check;
import dev.porter.core.dialect.CommitResult;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.dialect.RowSink;
import dev.porter.core.dialect.Target;
import dev.porter.core.dialect.TargetOptions;
import dev.porter.core.io.FileSync;
import dev.porter.core.io.LockFile;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.RawText;
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
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Imports into a SQLite file through a staging file beside it. The staging file is built without a
 * journal (it is verified and synced before it is used), then renamed over the target in one atomic
 * step; the previous file stays beside it as {@code NAME.pre-import.TIMESTAMP}. Until that rename,
 * the target is never opened for writing.
 */
final class SqliteTarget implements Target {
  static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final Path target;
  private final Path staging;
  private final TargetOptions options;
  private final LockFile lock;
  private Connection conn;
  private boolean committed;

  private SqliteTarget(Path target, Path staging, TargetOptions options, LockFile lock) {
    this.target = target;
    this.staging = staging;
    this.options = options;
    this.lock = lock;
  }

  static SqliteTarget open(Path target, TargetOptions options) {
    Path dir = target.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw PorterException.usage("no such directory for the target database: " + dir);
    }
    LockFile lock = LockFile.acquire(sidecar(target, ".porter-lock"), target.toString());
    try {
      checkPrecondition(target, options.mode());
      Path staging = sidecar(target, ".porter-staging");
      deleteWithSidecars(staging);
      recoverPartialPreImages(target, options);
      SqliteTarget t = new SqliteTarget(target, staging, options, lock);
      t.conn = Sqlite.connect(staging, false);
      return t;
    } catch (SQLException e) {
      lock.close();
      throw Sqlite.failure("cannot create the staging database beside", target, e);
    } catch (IOException e) {
      lock.close();
      throw PorterException.unavailable(
          "cannot prepare the import into " + target + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** A hidden file beside the target: {@code .NAME<suffix>}. */
  static Path sidecar(Path target, String suffix) {
    return target.resolveSibling("." + target.getFileName() + suffix);
  }

  /**
   * A kill between the swap and the pre-image's final rename leaves the pre-image under its
   * temporary name: if it is another file than the target, the swap happened and it is renamed to
   * its final name; if it is the target itself (the swap never happened), the extra link is
   * removed.
   */
  private static void recoverPartialPreImages(Path target, TargetOptions options)
      throws IOException {
    for (Path partial : stalePartials(target)) {
      if (Files.exists(target) && Files.isSameFile(partial, target)) {
        Files.delete(partial);
      } else {
        String n = partial.getFileName().toString();
        String stamp =
            n.substring(n.indexOf(".pre-import.") + 12, n.length() - ".partial".length());
        Path finalName = target.resolveSibling(target.getFileName() + ".pre-import." + stamp);
        if (!Files.exists(finalName)) {
          Files.move(partial, finalName, StandardCopyOption.ATOMIC_MOVE);
        }
      }
    }
  }

  private static List<Path> stalePartials(Path target) throws IOException {
    String prefix = "." + target.getFileName() + ".pre-import.";
    List<Path> out = new ArrayList<>();
    try (var s = Files.list(target.getParent())) {
      s.filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> p.getFileName().toString().endsWith(".partial"))
          .forEach(out::add);
    }
    return out;
  }

  private static void checkPrecondition(Path target, ImportMode mode) {
    if (!Files.exists(target) || mode == ImportMode.REPLACE) {
      if (Files.exists(target) && !Files.isRegularFile(target)) {
        throw PorterException.usage("target " + target + " is not a file");
      }
      return;
    }
    long objects = schemaObjects(target);
    if (objects > 0) {
      throw PorterException.refused(
          "target "
              + target
              + " already holds a database ("
              + objects
              + " schema objects); import --mode replace keeps it as a pre-image and swaps in the new one");
    }
  }

  /** How many schema objects an existing file holds: 0 for an empty file or an empty database. */
  private static long schemaObjects(Path file) {
    try {
      if (Files.size(file) == 0) {
        return 0;
      }
    } catch (IOException e) {
      throw PorterException.unavailable("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (!Sqlite.isSqliteFile(file)) {
      throw PorterException.refused("target " + file + " exists and is not a SQLite database");
    }
    try (Connection c = Sqlite.connect(file, true)) {
      return Sqlite.number(c, "SELECT count(*) FROM sqlite_master");
    } catch (SQLException e) {
      throw Sqlite.failure("cannot read the existing target", file, e);
    }
  }

  @Override
  public void createSchema(ArchiveHeader header) {
    SqliteSchema s = header.sqlite();
    if (s == null) {
      throw PorterException.refused(
          "archive from " + header.source().engine() + " carries no SQLite schema to restore");
    }
    Set<String> shadow = new HashSet<>();
    for (TableEntry e : header.tables()) {
      if (e.table().kind() == TableKind.SHADOW) {
        shadow.add(e.table().name());
      }
    }
    try {
      // Settings that only take effect before the first table is created.
      Sqlite.exec(conn, "PRAGMA page_size = " + s.pageSize());
      Sqlite.exec(conn, "PRAGMA auto_vacuum = " + s.autoVacuum());
      Sqlite.exec(conn, "PRAGMA encoding = " + Sqlite.literal(s.encoding()));
      // A staging file needs no journal: it is verified and synced before it is ever used.
      Sqlite.exec(conn, "PRAGMA journal_mode = OFF");
      Sqlite.exec(conn, "PRAGMA synchronous = OFF");
      Sqlite.exec(conn, "PRAGMA locking_mode = EXCLUSIVE");
      Sqlite.exec(conn, "PRAGMA foreign_keys = OFF");
      Sqlite.exec(conn, "PRAGMA cache_size = -65536");
      conn.setAutoCommit(false);
      for (SqliteSchema.MasterEntry m : s.master()) {
        if (!m.type().equals("table") || m.sql() == null) {
          continue;
        }
        if (shadow.contains(m.name()) || m.name().equalsIgnoreCase("sqlite_sequence")) {
          continue; // created by their virtual table / by the first AUTOINCREMENT table
        }
        execDdl(m);
      }
    } catch (SQLException e) {
      throw Sqlite.failure("cannot create the schema in the staging database for", target, e);
    }
  }

  private void execDdl(SqliteSchema.MasterEntry m) throws SQLException {
    try {
      Sqlite.exec(conn, m.sql());
    } catch (SQLException e) {
      throw new PorterException(
          ErrorCategory.REFUSED,
          "cannot recreate "
              + m.type()
              + " "
              + m.name()
              + " in SQLite: "
              + e.getMessage().replace('\n', ' '),
          e);
    }
  }

  @Override
  public RowSink loader(TableEntry entry) {
    TableDef t = entry.table();
    try {
      if (t.kind() == TableKind.SHADOW) {
        // The virtual table's creation may have written its own rows here; the archive's replace
        // them.
        Sqlite.exec(conn, "DELETE FROM main." + Sqlite.quote(t.name()));
      }
      return new Loader(t);
    } catch (SQLException e) {
      throw Sqlite.failure(
          "cannot load table " + t.name() + " into the staging database for", target, e);
    }
  }

  /**
   * Inserts one table's rows with one prepared statement; TEXT that is not UTF-8 goes through CAST.
   */
  private final class Loader implements RowSink {
    private final TableDef table;
    private final List<ColumnDef> columns;
    private final PreparedStatement insert;
    private final Map<Long, PreparedStatement> rawTextInserts = new HashMap<>();
    private long rows;

    Loader(TableDef table) throws SQLException {
      this.table = table;
      this.columns = table.dataColumns();
      this.insert = conn.prepareStatement(insertSql(0L));
    }

    private String insertSql(long rawTextMask) {
      StringBuilder cols = new StringBuilder();
      StringBuilder vals = new StringBuilder();
      for (int i = 0; i < columns.size(); i++) {
        if (i > 0) {
          cols.append(", ");
          vals.append(", ");
        }
        boolean isRowid = i == 0 && table.rowidColumn() != null;
        cols.append(isRowid ? table.rowidColumn() : Sqlite.quote(columns.get(i).name()));
        vals.append(i < 64 && (rawTextMask & (1L << i)) != 0 ? "CAST(? AS TEXT)" : "?");
      }
      return "INSERT INTO main."
          + Sqlite.quote(table.name())
          + " ("
          + cols
          + ") VALUES ("
          + vals
          + ")";
    }

    @Override
    public void accept(Object[] row) {
      rows++;
      try {
        long mask = 0;
        for (int i = 0; i < row.length; i++) {
          if (row[i] instanceof RawText) {
            if (i >= 64) {
              throw PorterException.refused(
                  "table "
                      + table.name()
                      + ", column "
                      + columns.get(i).name()
                      + ", row "
                      + rows
                      + ": raw TEXT beyond the 64th column is not supported");
            }
            mask |= 1L << i;
          }
        }
        PreparedStatement ps = insert;
        if (mask != 0) {
          long m = mask;
          ps = rawTextInserts.computeIfAbsent(m, k -> prepare(insertSql(k)));
        }
        for (int i = 0; i < row.length; i++) {
          bind(ps, i + 1, row[i], i);
        }
        ps.executeUpdate();
      } catch (SQLException e) {
        throw new PorterException(
            ErrorCategory.REFUSED,
            "table "
                + table.name()
                + ", row "
                + rows
                + ": SQLite refused the row: "
                + e.getMessage().replace('\n', ' '),
            e);
      }
    }

    private PreparedStatement prepare(String sql) {
      try {
        return conn.prepareStatement(sql);
      } catch (SQLException e) {
        throw Sqlite.failure("cannot prepare an insert into the staging database for", target, e);
      }
    }

    private void bind(PreparedStatement ps, int index, Object v, int column) throws SQLException {
      if (v == null) {
        ps.setNull(index, Types.NULL);
      } else if (v instanceof Long l) {
        ps.setLong(index, l);
      } else if (v instanceof Double d) {
        ps.setDouble(index, d);
      } else if (v instanceof String s) {
        ps.setString(index, s);
      } else if (v instanceof byte[] b) {
        ps.setBytes(index, b);
      } else if (v instanceof RawText r) {
        ps.setBytes(index, r.bytes());
      } else {
        throw PorterException.refused(
            "table "
                + table.name()
                + ", column "
                + columns.get(column).name()
                + ", row "
                + rows
                + ": SQLite cannot store a "
                + v.getClass().getSimpleName());
      }
    }

    @Override
    public long finish() {
      try {
        insert.close();
        for (PreparedStatement ps : rawTextInserts.values()) {
          ps.close();
        }
      } catch (SQLException e) {
        throw Sqlite.failure("cannot finish loading table " + table.name() + " into", target, e);
      }
      return rows;
    }
  }

  @Override
  public void finishLoad(ArchiveHeader header) {
    SqliteSchema s = header.sqlite();
    try {
      // Indexes after the rows (faster), triggers last (so they never fire for loaded rows).
      for (String type : List.of("index", "view", "trigger")) {
        for (SqliteSchema.MasterEntry m : s.master()) {
          if (m.type().equals(type) && m.sql() != null) {
            execDdl(m);
          }
        }
      }
      if (!s.sequences().isEmpty()) {
        Sqlite.exec(conn, "DELETE FROM main.sqlite_sequence");
        try (PreparedStatement ps =
            conn.prepareStatement("INSERT INTO main.sqlite_sequence (name, seq) VALUES (?, ?)")) {
          for (SqliteSchema.SequenceValue v : s.sequences()) {
            ps.setString(1, v.name());
            ps.setLong(2, v.seq());
            ps.executeUpdate();
          }
        }
      }
      Sqlite.exec(conn, "PRAGMA user_version = " + s.userVersion());
      Sqlite.exec(conn, "PRAGMA application_id = " + s.applicationId());
      conn.commit();
      conn.setAutoCommit(true);
      if ("wal".equals(s.journalMode())) {
        Sqlite.exec(conn, "PRAGMA journal_mode = WAL"); // WAL is a property of the file
      }
    } catch (SQLException e) {
      throw Sqlite.failure("cannot complete the staging database for", target, e);
    }
  }

  @Override
  public List<Check> verify(Map<String, Long> expectedRows) {
    List<Check> checks = new ArrayList<>();
    try {
      for (Map.Entry<String, Long> e : expectedRows.entrySet()) {
        long actual = Sqlite.number(conn, "SELECT count(*) FROM main." + Sqlite.quote(e.getKey()));
        if (actual != e.getValue()) {
          throw new PorterException(
              ErrorCategory.VERIFICATION_FAILED,
              "table "
                  + e.getKey()
                  + ": loaded "
                  + actual
                  + " rows, the archive holds "
                  + e.getValue()
                  + "; the target was not changed");
        }
      }
      checks.add(new Check("row counts", true, expectedRows.size() + " tables match the archive"));
      List<String> problems = new ArrayList<>();
      try (Statement st = conn.createStatement();
          ResultSet r = st.executeQuery("PRAGMA main.integrity_check")) {
        while (r.next()) {
          problems.add(r.getString(1));
        }
      }
      if (!(problems.size() == 1 && problems.get(0).equals("ok"))) {
        throw new PorterException(
            ErrorCategory.VERIFICATION_FAILED,
            "integrity_check failed on the staging database: "
                + problems.get(0)
                + "; the target was not changed");
      }
      checks.add(new Check("integrity_check", true, "ok"));
      long violations = 0;
      String first = null;
      try (Statement st = conn.createStatement();
          ResultSet r = st.executeQuery("PRAGMA main.foreign_key_check")) {
        while (r.next()) {
          violations++;
          if (first == null) {
            first =
                "table "
                    + r.getString(1)
                    + " rowid "
                    + r.getString(2)
                    + " references missing row in "
                    + r.getString(3);
          }
        }
      }
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
    try {
      closeConnection();
      FileSync.file(staging);
      Path preImage = null;
      if (Files.exists(target) && Files.size(target) > 0) {
        try (Connection old = Sqlite.connect(target, false)) {
          quiesce(old);
          preImage = keepPreImage();
          Files.move(
              staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          FileSync.directory(target.getParent());
          Sqlite.exec(old, "ROLLBACK");
        }
        Path finalName = preImageName(preImage);
        Files.move(preImage, finalName, StandardCopyOption.ATOMIC_MOVE);
        FileSync.directory(target.getParent());
        preImage = finalName;
      } else {
        Files.move(
            staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FileSync.directory(target.getParent());
      }
      committed = true;
      return new CommitResult(target.toString(), preImage == null ? null : preImage.toString());
    } catch (SQLException e) {
      throw Sqlite.failure("cannot swap the new database into", target, e);
    } catch (IOException e) {
      throw PorterException.unavailable(
          "cannot swap the new database into " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Empties the old database's WAL into it and holds an exclusive lock, so that no writer is
   * mid-transaction while the file is swapped and the pre-image is complete in one file.
   */
  private void quiesce(Connection old) throws SQLException {
    if ("wal".equalsIgnoreCase(Sqlite.string(old, "PRAGMA journal_mode"))) {
      try (Statement st = old.createStatement();
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
      Sqlite.exec(old, "BEGIN EXCLUSIVE");
    } catch (SQLException e) {
      throw new PorterException(
          ErrorCategory.LOCKED,
          "database " + target + " is in use by another process; stop the application and retry",
          e);
    }
  }

  /**
   * Links the current target under a temporary pre-image name (no copy: the same file, a second
   * name). If links are not possible on this file system, copies it instead.
   */
  private Path keepPreImage() throws IOException {
    Path partial =
        target.resolveSibling(
            "."
                + target.getFileName()
                + ".pre-import."
                + STAMP.format(Instant.now(options.clock()))
                + ".partial");
    Files.deleteIfExists(partial);
    try {
      Files.createLink(partial, target);
    } catch (UnsupportedOperationException | IOException e) {
      Files.copy(target, partial, StandardCopyOption.COPY_ATTRIBUTES);
      FileSync.file(partial);
    }
    return partial;
  }

  private Path preImageName(Path partial) {
    String n = partial.getFileName().toString();
    String stamp = n.substring(n.indexOf(".pre-import.") + 12, n.length() - ".partial".length());
    Path name = target.resolveSibling(target.getFileName() + ".pre-import." + stamp);
    for (int k = 2; Files.exists(name); k++) {
      name = target.resolveSibling(target.getFileName() + ".pre-import." + stamp + "-" + k);
    }
    return name;
  }

  private void closeConnection() throws SQLException {
    if (conn != null) {
      conn.close();
      conn = null;
    }
  }

  @Override
  public void close() {
    try {
      if (conn != null) {
        try {
          conn.close();
        } catch (SQLException e) {
          // the staging file is deleted below
        }
        conn = null;
      }
      if (!committed) {
        deleteWithSidecars(staging);
      }
    } catch (IOException e) {
      // a leftover staging file is removed by the next import
    } finally {
      lock.close();
    }
  }

  private static void deleteWithSidecars(Path db) throws IOException {
    for (String suffix : List.of("", "-journal", "-wal", "-shm")) {
      Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
    }
  }
}
