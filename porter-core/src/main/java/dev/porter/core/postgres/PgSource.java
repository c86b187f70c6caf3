package dev.porter.core.postgres;

import dev.porter.core.PorterException;
import dev.porter.core.app.VersionProbe;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.RowCursor;
import dev.porter.core.dialect.Source;
import dev.porter.core.io.IoErrors;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.PostgresSchema;
import dev.porter.core.model.SourceSchema;
import dev.porter.core.model.TableDef;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Reads a PostgreSQL database inside one REPEATABLE READ, READ ONLY transaction: the catalog, then
 * each table's rows through COPY TO STDOUT (a partitioned table once, through its parent).
 */
final class PgSource implements Source {
  private final DatabaseRef ref;
  private final Connection conn;
  private final SourceSchema schema;
  private String snapshot;

  private PgSource(DatabaseRef ref, Connection conn, SourceSchema schema) {
    this.ref = ref;
    this.conn = conn;
    this.schema = schema;
  }

  /**
   * A second connection in the same snapshot (pg_export_snapshot / SET TRANSACTION SNAPSHOT): it
   * sees exactly what this one sees, so tables can be read in parallel from one consistent state.
   */
  @Override
  public synchronized Source fork() {
    try {
      if (snapshot == null) {
        snapshot = Pg.string(conn, "SELECT pg_export_snapshot()");
      }
      Connection c = Pg.connect(ref);
      try {
        c.setAutoCommit(false);
        Pg.exec(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        Pg.exec(c, "SET TRANSACTION SNAPSHOT " + Pg.literal(snapshot));
        Pg.exec(c, "SET row_security = off");
        return new PgSource(ref, c, schema);
      } catch (SQLException e) {
        c.close();
        throw e;
      }
    } catch (SQLException e) {
      throw Pg.failure("cannot share the export's snapshot with a second connection to", ref, e);
    }
  }

  static PgSource open(DatabaseRef ref, List<String> schemas) {
    Connection c = Pg.connect(ref);
    try {
      c.setAutoCommit(false);
      Pg.exec(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      // A policy must not silently hide rows from a backup: with row_security off, a role that a
      // policy applies to gets an error instead of a shorter table.
      Pg.exec(c, "SET row_security = off");
      List<String> all = PgCatalog.userSchemas(c);
      List<String> chosen = schemas == null || schemas.isEmpty() ? all : schemas;
      for (String s : chosen) {
        if (!all.contains(s)) {
          throw PorterException.usage(
              "database "
                  + ref.display()
                  + " has no schema "
                  + s
                  + " (its schemas: "
                  + String.join(", ", all)
                  + ")");
        }
      }
      return new PgSource(ref, c, PgCatalog.read(c, ref, chosen));
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the read failed; the connection has nothing to keep
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw Pg.failure("cannot read the catalog of", ref, (SQLException) e);
    }
  }

  @Override
  public SourceSchema schema() {
    return schema;
  }

  @Override
  public String readVersion(VersionProbe probe) {
    try {
      return PgDialect.readVersion(conn, probe);
    } catch (SQLException e) {
      throw Pg.failure("cannot read the schema version of", ref, e);
    }
  }

  @Override
  public RowCursor rows(TableDef table) {
    if (table.kind() == dev.porter.core.model.TableKind.LARGE_OBJECTS) {
      return new LargeObjects();
    }
    PostgresSchema.Table t = pgTable(schema.postgresql(), table.name());
    try {
      long relid =
          Pg.number(
              conn,
              "SELECT " + Pg.literal(Pg.qualified(t.schema(), t.table())) + "::regclass::oid");
      List<PgColumn> all = PgCatalog.columns(conn, relid);
      List<PgColumn> cols = new ArrayList<>();
      List<LogicalType> types = new ArrayList<>();
      for (ColumnDef c : table.dataColumns()) {
        for (PgColumn pc : all) {
          if (pc.name().equals(c.name())) {
            cols.add(pc);
            types.add(c.logicalType());
          }
        }
      }
      StringBuilder sql = new StringBuilder("COPY (SELECT ");
      for (int i = 0; i < cols.size(); i++) {
        sql.append(i == 0 ? "" : ", ").append(cols.get(i).selectExpression());
      }
      if (cols.isEmpty()) {
        sql.append("1");
      }
      // An ordinary table is read ONLY itself: tables that inherit from it are exported on their
      // own. A partitioned table is read through its parent, which holds no rows of its own.
      sql.append(t.partitionKey() == null ? " FROM ONLY " : " FROM ")
          .append(Pg.qualified(t.schema(), t.table()))
          .append(") TO STDOUT");
      // COPY's binary format when every column has a decoder: no text to print, scan and parse
      CopyBinary.Kind[] kinds =
          cols.isEmpty() ? null : CopyBinary.kinds(cols, CopyBinaryReader::kind);
      if (kinds != null) {
        sql.append(" (FORMAT binary)");
      }
      CopyOut copy = conn.unwrap(PGConnection.class).getCopyAPI().copyOut(sql.toString());
      return new Cursor(table.name(), copy, cols, types, kinds);
    } catch (SQLException e) {
      throw Pg.failure("cannot read table " + table.name() + " of", ref, e);
    }
  }

  static PostgresSchema.Table pgTable(PostgresSchema s, String porterName) {
    for (PostgresSchema.Table t : s.tables()) {
      if (t.name().equals(porterName)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no table " + porterName);
  }

  /** Parses COPY text rows into typed values. */
  private final class Cursor implements RowCursor {
    private final String table;
    private final CopyOut copy;
    private final CopyText.Reader reader;
    private final CopyBinaryReader binary;
    private final List<PgColumn> cols;
    private final LogicalType[] types;

    Cursor(
        String table,
        CopyOut copy,
        List<PgColumn> cols,
        List<LogicalType> types,
        CopyBinary.Kind[] kinds) {
      this.table = table;
      this.copy = copy;
      this.cols = cols;
      this.types = types.toArray(new LogicalType[0]);
      this.reader = kinds == null ? new CopyText.Reader(new CopyOutStream(copy)) : null;
      this.binary = kinds == null ? null : new CopyBinaryReader(new CopyOutStream(copy), kinds);
    }

    @Override
    public Object[] next() {
      try {
        if (binary != null) {
          return binary.next();
        }
        String[] f = reader.next(cols.size());
        if (f == null) {
          return null;
        }
        Object[] row = new Object[cols.size()];
        for (int i = 0; i < row.length; i++) {
          row[i] = PgValues.parse(cols.get(i), types[i], f[i]);
        }
        return row;
      } catch (IOException e) {
        throw PorterException.unavailable(
            "cannot read table "
                + table
                + " of "
                + ref.display()
                + ": "
                + IoErrors.reason(e, ref.display()),
            e);
      }
    }

    @Override
    public void close() {
      try {
        if (copy.isActive()) {
          copy.cancelCopy();
        }
      } catch (SQLException e) {
        // the transaction ends with the source
      }
    }
  }

  /**
   * The database's large objects in the export's snapshot, in order of object id, each read in
   * chunks ({@code lo_get} with an offset): no object is ever held whole. The object ids come a
   * page at a time.
   */
  private final class LargeObjects implements RowCursor {
    private static final int PAGE = 1000;
    private final java.util.ArrayDeque<Object[]> page = new java.util.ArrayDeque<>();
    private long lastOid;
    private boolean noMoreIds;
    private Object[] current; // {oid, owner, access list}
    private PreparedStatement chunk; // one statement for every chunk
    private long offset;

    @Override
    public Object[] next() {
      try {
        while (true) {
          if (current == null) {
            if (page.isEmpty() && !noMoreIds) {
              fetchIds();
            }
            if (page.isEmpty()) {
              return null;
            }
            current = page.poll();
            offset = 0;
          }
          long oid = (Long) current[0];
          if (chunk == null) {
            chunk = conn.prepareStatement("SELECT lo_get(?::bigint::oid, ?, ?)");
          }
          chunk.setLong(1, oid);
          chunk.setLong(2, offset);
          chunk.setInt(3, PgCatalog.LARGE_OBJECT_CHUNK);
          byte[] data;
          try (ResultSet r = chunk.executeQuery()) {
            r.next();
            data = r.getBytes(1);
          }
          if (data.length == 0 && offset > 0) {
            current = null; // its size was a whole number of chunks
            continue;
          }
          Object[] row = {
            oid, offset, data, offset == 0 ? current[1] : null, offset == 0 ? current[2] : null
          };
          offset += data.length;
          if (data.length < PgCatalog.LARGE_OBJECT_CHUNK) {
            current = null;
          }
          return row;
        }
      } catch (SQLException e) {
        throw Pg.failure(
            "cannot read large object "
                + (current == null ? "ids" : String.valueOf(current[0]))
                + " of",
            ref,
            e);
      }
    }

    private void fetchIds() throws SQLException {
      try (PreparedStatement ps =
          conn.prepareStatement(
              "SELECT oid::bigint, pg_get_userbyid(lomowner), lomacl::text FROM pg_largeobject_metadata"
                  + " WHERE oid > ?::bigint::oid ORDER BY oid LIMIT "
                  + PAGE)) {
        ps.setLong(1, lastOid);
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            lastOid = r.getLong(1);
            page.add(new Object[] {lastOid, r.getString(2), r.getString(3)});
          }
        }
      }
      noMoreIds = page.size() < PAGE;
    }

    @Override
    public void close() {
      if (chunk != null) {
        try {
          chunk.close();
        } catch (SQLException e) {
          // the transaction ends with the source
        }
      }
    }
  }

  /** A COPY OUT as an InputStream. */
  private static final class CopyOutStream extends InputStream {
    private final CopyOut copy;
    private byte[] chunk;
    private int pos;

    CopyOutStream(CopyOut copy) {
      this.copy = copy;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (chunk == null || pos == chunk.length) {
        try {
          chunk = copy.readFromCopy();
        } catch (SQLException e) {
          throw new IOException(Pg.oneLine(e), e);
        }
        pos = 0;
        if (chunk == null) {
          return -1;
        }
      }
      int n = Math.min(len, chunk.length - pos);
      System.arraycopy(chunk, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  @Override
  public void close() {
    try {
      conn.rollback();
    } catch (SQLException e) {
      // read only
    }
    try {
      conn.close();
    } catch (SQLException e) {
      // nothing written
    }
  }
}
