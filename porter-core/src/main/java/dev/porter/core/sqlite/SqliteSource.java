package dev.porter.core.sqlite;

import dev.porter.core.PorterException;
import dev.porter.core.app.VersionProbe;
import dev.porter.core.archive.ValueWriter;
import dev.porter.core.dialect.RowCursor;
import dev.porter.core.dialect.Source;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.RawText;
import dev.porter.core.model.SourceSchema;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.sqlite.core.Codes;
import org.sqlite.core.CoreStatement;
import org.sqlite.core.DB;
import org.sqlite.core.SafeStmtPtr;

/**
 * Reads a SQLite database inside one read transaction: the catalog first, then each table's rows,
 * all from the same snapshot. The file is opened read-only and never copied.
 */
final class SqliteSource implements Source {
  /** {@code -Dporter.sqlite.pageScan=false} reads every table through SQLite (ADR 0030). */
  private static final boolean PAGE_SCAN =
      !"false".equals(System.getProperty("porter.sqlite.pageScan"));

  private final Path file;
  private final Connection conn;
  private final SourceSchema schema;

  /** The file's pages as this snapshot sees them, or null where tables are read through SQLite. */
  private final FilePages pages;

  /**
   * What a scan of the file's pages needs: the descriptor, the page size and the bytes each page
   * reserves.
   */
  record FilePages(SqliteFileReads.Handle handle, int pageSize, int reserved) {}

  private SqliteSource(Path file, Connection conn, SqliteFileReads.Handle handle)
      throws SQLException {
    this.file = file;
    this.conn = conn;
    this.schema = SqliteCatalog.read(conn, file.getFileName().toString());
    this.pages = filePages(file, schema, handle); // after the catalog read: under the shared lock
  }

  private SqliteSource(Path file, Connection conn, SourceSchema schema, FilePages pages) {
    this.file = file;
    this.conn = conn;
    this.schema = schema;
    this.pages = pages;
  }

  /**
   * The file's pages, where this source may read its tables from them: a UTF-8 file in
   * rollback-journal mode, whose path still names the file the descriptor reads now that the
   * connection holds its shared lock (so the connection and the descriptor read the same file).
   */
  private static FilePages filePages(
      Path file, SourceSchema schema, SqliteFileReads.Handle handle) {
    if (handle == null
        || schema.sqlite() == null
        || !"UTF-8".equalsIgnoreCase(schema.sqlite().encoding())
        || "wal".equalsIgnoreCase(schema.sqlite().journalMode())) {
      return null;
    }
    try {
      if (!handle.identity().equals(SqliteFileReads.identity(file))) {
        return null;
      }
      ByteBuffer h = ByteBuffer.allocate(100);
      SqlitePages.readFully(handle.channel(), h, 0);
      if (h.hasRemaining()) {
        return null;
      }
      byte[] b = h.array();
      int size = ((b[16] & 0xFF) << 8) | (b[17] & 0xFF);
      int pageSize = size == 1 ? 65536 : size;
      int reserved = b[20] & 0xFF;
      boolean rollbackJournal = b[18] == 1 && b[19] == 1;
      if (!rollbackJournal
          || SqlitePages.int32(b, 56) != 1 // UTF-8
          || pageSize < 512
          || (pageSize & (pageSize - 1)) != 0
          || pageSize - reserved < 480) {
        return null;
      }
      return new FilePages(handle, pageSize, reserved);
    } catch (IOException e) {
      return null; // read through SQLite, as without the descriptor
    }
  }

  /**
   * A second reader of this snapshot, so that two tables are read at once: only in rollback-journal
   * mode, where this source's open read transaction holds SQLite's shared lock, so that no writer
   * can commit until the export ends and a reader that starts now sees exactly what this one sees.
   * In WAL mode writers go on committing and a new reader could see their rows: no fork. If the
   * second reader cannot start at once (a writer is waiting for the lock), none either.
   */
  @Override
  public Source fork() {
    if (schema.sqlite() == null || "wal".equals(schema.sqlite().journalMode())) {
      return null;
    }
    Connection c = null;
    try {
      c = Sqlite.connect(file, true);
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA busy_timeout = 100");
        st.executeQuery("SELECT count(*) FROM main.sqlite_master").close(); // takes the shared lock
        if ("wal".equalsIgnoreCase(Sqlite.string(c, "PRAGMA main.journal_mode"))) {
          closeQuietly(c);
          return null;
        }
      }
      if (pages != null && !pages.handle().identity().equals(SqliteFileReads.identity(file))) {
        closeQuietly(c); // the path names another file now: this reader would not see the snapshot
        return null;
      }
      return new SqliteSource(file, c, schema, pages);
    } catch (SQLException | IOException e) {
      closeQuietly(c);
      return null; // one reader then, as without a fork
    }
  }

  static SqliteSource open(Path file) {
    return open(file, PAGE_SCAN);
  }

  /** {@code pageScan} false reads every table through SQLite. */
  static SqliteSource open(Path file, boolean pageScan) {
    if (!Files.isRegularFile(file)) {
      throw PorterException.usage("no such SQLite database: " + file);
    }
    if (!Sqlite.isSqliteFile(file)) {
      throw PorterException.usage("not a SQLite database: " + file);
    }
    SqliteFileReads.Handle handle = null;
    if (pageScan) {
      try {
        handle = SqliteFileReads.of(file); // before the connection: see filePages
      } catch (IOException e) {
        handle = null; // read through SQLite
      }
    }
    Connection c = null;
    try {
      c = Sqlite.connect(file, true);
      c.setAutoCommit(false);
      return new SqliteSource(file, c, handle);
    } catch (SQLException e) {
      closeQuietly(c);
      throw Sqlite.failure("cannot read SQLite database", file, e);
    }
  }

  @Override
  public SourceSchema schema() {
    return schema;
  }

  @Override
  public String readVersion(VersionProbe probe) {
    try {
      return SqliteDialect.readVersion(conn, probe);
    } catch (SQLException e) {
      throw Sqlite.failure("cannot read the schema version of", file, e);
    }
  }

  @Override
  public RowCursor rows(TableDef table) {
    if (pages != null) {
      try {
        RowCursor scan = scan(table);
        if (scan != null) {
          return scan;
        }
      } catch (SQLException | IOException e) {
        throw PorterException.unavailable(
            "cannot read table " + table.name() + " of " + file + ": " + e.getMessage(), e);
      }
    }
    return select(table, null);
  }

  /** True when this snapshot's tables are read from the file's pages where they can be. */
  boolean scansPages() {
    return pages != null;
  }

  /**
   * A scan of the table's pages, or null where the table's records are not exactly its columns or
   * its rowid cannot be named (ADR 0030).
   */
  private RowCursor scan(TableDef table) throws SQLException, IOException {
    if ((table.kind() != TableKind.TABLE && table.kind() != TableKind.SHADOW)
        || table.withoutRowid()) {
      return null;
    }
    for (ColumnDef c : table.columns()) {
      if (!c.carriesData()) {
        return null;
      }
    }
    long root;
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT rootpage FROM main.sqlite_master WHERE type = 'table' AND name = ?")) {
      ps.setString(1, table.name());
      try (ResultSet r = ps.executeQuery()) {
        root = r.next() ? r.getLong(1) : 0;
      }
    }
    if (root < 2) {
      return null;
    }
    List<ColumnDef> columns = table.columns();
    int first = table.rowidColumn() != null ? 1 : 0;
    int rowidAt = first == 1 ? 0 : aliasOfRowid(table);
    if (rowidAt < 0) {
      return null; // no name for the rowid, by which a short record's row would be asked for
    }
    boolean[] real = new boolean[columns.size()];
    for (int i = 0; i < real.length; i++) {
      real[i] =
          SqliteRecords.Affinity.of(columns.get(i).declaredType()) == SqliteRecords.Affinity.REAL;
    }
    String rowidName = first == 1 ? table.rowidColumn() : Sqlite.quote(columns.get(rowidAt).name());
    return new SqliteTableScan(
        pages.handle().channel(),
        "table " + table.name() + " of " + file,
        root,
        pages.pageSize(),
        pages.reserved(),
        real,
        first,
        rowidAt,
        rowid -> {
          try (RowCursor one = select(table, rowidName + " = " + rowid)) {
            return one.next();
          }
        });
  }

  /**
   * The index of the column that is the table's INTEGER PRIMARY KEY, an alias of the rowid, or -1:
   * a one-column primary key is that alias exactly when SQLite made no index for it.
   */
  private int aliasOfRowid(TableDef table) throws SQLException {
    if (table.primaryKey().size() != 1) {
      return -1;
    }
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT count(*) FROM pragma_index_list(?) WHERE origin = 'pk'")) {
      ps.setString(1, table.name());
      try (ResultSet r = ps.executeQuery()) {
        if (r.next() && r.getLong(1) > 0) {
          return -1;
        }
      }
    }
    List<ColumnDef> columns = table.columns();
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(table.primaryKey().get(0))) {
        return i;
      }
    }
    return -1;
  }

  /** The table's rows through SQLite, all of them or those {@code where} selects. */
  private RowCursor select(TableDef table, String where) {
    StringBuilder sql = new StringBuilder("SELECT ");
    List<ColumnDef> cols = table.dataColumns();
    for (int i = 0; i < cols.size(); i++) {
      if (i > 0) {
        sql.append(", ");
      }
      boolean isRowid = i == 0 && table.rowidColumn() != null;
      sql.append(isRowid ? table.rowidColumn() : Sqlite.quote(cols.get(i).name()));
    }
    sql.append(" FROM main.").append(Sqlite.quote(table.name()));
    if (where != null) {
      sql.append(" WHERE ").append(where);
    }
    try {
      PreparedStatement ps = conn.prepareStatement(sql.toString());
      ResultSet rs = ps.executeQuery();
      if (ps instanceof CoreStatement cs && isUtf8()) {
        return new DirectCursor(table, ps, rs, cs.pointer, cols.size());
      }
      return new Cursor(table, ps, rs, cols.size());
    } catch (SQLException e) {
      throw Sqlite.failure("cannot read table " + table.name() + " of", file, e);
    }
  }

  private boolean isUtf8() {
    return schema.sqlite() != null && "UTF-8".equalsIgnoreCase(schema.sqlite().encoding());
  }

  /** Reads rows through JDBC, keeping each value's storage class. */
  private class Cursor implements RowCursor {
    final TableDef table;
    final PreparedStatement ps;
    final ResultSet rs;
    final int width;

    Cursor(TableDef table, PreparedStatement ps, ResultSet rs, int width) {
      this.table = table;
      this.ps = ps;
      this.rs = rs;
      this.width = width;
    }

    @Override
    public Object[] next() {
      try {
        if (!rs.next()) {
          return null;
        }
        return row();
      } catch (SQLException e) {
        throw Sqlite.failure("cannot read table " + table.name() + " of", file, e);
      }
    }

    Object[] row() throws SQLException {
      Object[] row = new Object[width];
      for (int i = 0; i < width; i++) {
        Object v = rs.getObject(i + 1);
        if (v instanceof Integer n) {
          v = n.longValue();
        } else if (v instanceof String s && s.indexOf('\uFFFD') >= 0) {
          v = exactText(s, rs.getBytes(i + 1));
        }
        row[i] = v;
      }
      return row;
    }

    @Override
    public void close() {
      try {
        rs.close();
        ps.close();
      } catch (SQLException e) {
        // reading is over; nothing to lose
      }
    }
  }

  /**
   * Reads a UTF-8 database's rows straight from the statement (docs/decisions/0022): one lock per
   * row instead of one per call, the storage class asked once per value instead of twice, and TEXT
   * fetched as its stored bytes and decoded here. The JDBC path asks the type twice and builds each
   * string through a direct buffer made by a call back into Java, which was most of an export's
   * reading time. The result is the same values as {@link Cursor}'s.
   */
  private final class DirectCursor extends Cursor
      implements SafeStmtPtr.SafePtrFunction<Object[], SQLException> {
    private final SafeStmtPtr statement;

    DirectCursor(
        TableDef table, PreparedStatement ps, ResultSet rs, SafeStmtPtr statement, int width) {
      super(table, ps, rs, width);
      this.statement = statement;
    }

    /** The writer {@link #nextInto} hands the current row to. */
    private ValueWriter values;

    private final SafeStmtPtr.SafePtrFunction<Void, SQLException> intoValues = this::writeValues;

    @Override
    Object[] row() throws SQLException {
      return statement.safeRun(this);
    }

    /**
     * Rows go to the archive writer value by value (ADR 0035): the values {@link #run} would make
     * objects of, ASCII text as its bytes.
     */
    @Override
    public boolean writesValues() {
      return true;
    }

    @Override
    public boolean nextInto(ValueWriter out) {
      try {
        if (!rs.next()) {
          return false;
        }
        values = out;
        statement.safeRun(intoValues);
        return true;
      } catch (SQLException e) {
        throw Sqlite.failure("cannot read table " + table.name() + " of", file, e);
      }
    }

    private Void writeValues(DB db, long stmt) throws SQLException {
      ValueWriter out = values;
      for (int i = 0; i < width; i++) {
        switch (db.column_type(stmt, i)) {
          case Codes.SQLITE_INTEGER -> out.integer(db.column_long(stmt, i));
          case Codes.SQLITE_FLOAT -> out.real(db.column_double(stmt, i));
          case Codes.SQLITE_TEXT -> {
            byte[] utf8 = db.column_blob(stmt, i);
            if (utf8 != null && SqliteTableScan.ascii(utf8, 0, utf8.length)) {
              out.asciiText(utf8, 0, utf8.length);
            } else {
              out.value(text(utf8));
            }
          }
          case Codes.SQLITE_BLOB -> {
            byte[] blob = db.column_blob(stmt, i);
            if (blob == null) {
              out.nullValue(); // as run() leaves it
            } else {
              out.blob(blob, 0, blob.length);
            }
          }
          default -> out.nullValue();
        }
      }
      out.endRow();
      return null;
    }

    @Override
    public Object[] run(DB db, long stmt) throws SQLException {
      Object[] row = new Object[width];
      for (int i = 0; i < width; i++) {
        switch (db.column_type(stmt, i)) {
          case Codes.SQLITE_INTEGER -> row[i] = db.column_long(stmt, i);
          case Codes.SQLITE_FLOAT -> row[i] = db.column_double(stmt, i);
          case Codes.SQLITE_TEXT -> row[i] = text(db.column_blob(stmt, i));
          case Codes.SQLITE_BLOB -> row[i] = db.column_blob(stmt, i);
          default -> row[i] = null;
        }
      }
      return row;
    }
  }

  /** UTF-8 bytes of a TEXT value as a String, or as raw bytes if they are not UTF-8. */
  private static Object text(byte[] utf8) {
    if (utf8 == null) {
      return "";
    }
    String s = new String(utf8, StandardCharsets.UTF_8);
    return s.indexOf('\uFFFD') >= 0 ? exactText(s, utf8) : s;
  }

  /**
   * A TEXT value that decoded with replacement characters: keep it as a String if its bytes really
   * are that UTF-8, else carry the raw bytes.
   */
  static Object exactText(String decoded, byte[] raw) {
    if (raw != null && !Arrays.equals(decoded.getBytes(StandardCharsets.UTF_8), raw)) {
      return new RawText(raw);
    }
    return decoded;
  }

  @Override
  public void close() {
    try {
      conn.rollback();
    } catch (SQLException e) {
      // a read-only transaction has nothing to roll back
    }
    closeQuietly(conn);
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // nothing was written
      }
    }
  }
}
