package dev.porter.core.sqlite;

import dev.porter.core.PorterException;
import dev.porter.core.app.VersionProbe;
import dev.porter.core.dialect.RowCursor;
import dev.porter.core.dialect.Source;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.RawText;
import dev.porter.core.model.SourceSchema;
import dev.porter.core.model.TableDef;
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
  private final Path file;
  private final Connection conn;
  private final SourceSchema schema;

  private SqliteSource(Path file, Connection conn) throws SQLException {
    this(file, conn, SqliteCatalog.read(conn, file.getFileName().toString()));
  }

  private SqliteSource(Path file, Connection conn, SourceSchema schema) {
    this.file = file;
    this.conn = conn;
    this.schema = schema;
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
      return new SqliteSource(file, c, schema);
    } catch (SQLException e) {
      closeQuietly(c);
      return null; // one reader then, as without a fork
    }
  }

  static SqliteSource open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw PorterException.usage("no such SQLite database: " + file);
    }
    if (!Sqlite.isSqliteFile(file)) {
      throw PorterException.usage("not a SQLite database: " + file);
    }
    Connection c = null;
    try {
      c = Sqlite.connect(file, true);
      c.setAutoCommit(false);
      return new SqliteSource(file, c);
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

    @Override
    Object[] row() throws SQLException {
      return statement.safeRun(this);
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
  private static Object exactText(String decoded, byte[] raw) {
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
