package dev.porter.core.sqlite;

import dev.porter.core.PorterException;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.RowCursor;
import dev.porter.core.dialect.Source;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.ForeignKeyDef;
import dev.porter.core.model.Generated;
import dev.porter.core.model.IndexDef;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.RawText;
import dev.porter.core.model.SourceInfo;
import dev.porter.core.model.SourceSchema;
import dev.porter.core.model.SqliteSchema;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableKind;
import dev.porter.core.model.TableOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a SQLite database inside one read transaction: the catalog first, then each table's rows,
 * all from the same snapshot. The file is opened read-only and never copied.
 */
final class SqliteSource implements Source {
  private static final Pattern AUTOINCREMENT =
      Pattern.compile("\\bAUTOINCREMENT\\b", Pattern.CASE_INSENSITIVE);

  private final Path file;
  private final Connection conn;
  private final SourceSchema schema;

  private SqliteSource(Path file, Connection conn) throws SQLException {
    this.file = file;
    this.conn = conn;
    this.schema = readSchema();
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

  private SourceSchema readSchema() throws SQLException {
    // The first statement starts the read transaction: everything below sees one snapshot.
    List<SqliteSchema.MasterEntry> master = new ArrayList<>();
    try (PreparedStatement ps =
            conn.prepareStatement(
                "SELECT type, name, tbl_name, sql FROM main.sqlite_master ORDER BY rowid");
        ResultSet r = ps.executeQuery()) {
      while (r.next()) {
        master.add(
            new SqliteSchema.MasterEntry(
                r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
      }
    }
    Map<String, String> kinds = new LinkedHashMap<>();
    Map<String, boolean[]> flags = new LinkedHashMap<>();
    try (PreparedStatement ps =
            conn.prepareStatement(
                "SELECT name, type, wr, strict FROM pragma_table_list WHERE schema = 'main'");
        ResultSet r = ps.executeQuery()) {
      while (r.next()) {
        kinds.put(r.getString(1), r.getString(2));
        flags.put(r.getString(1), new boolean[] {r.getInt(3) != 0, r.getInt(4) != 0});
      }
    }
    List<SqliteSchema.SequenceValue> sequences = new ArrayList<>();
    if (kinds.containsKey("sqlite_sequence")) {
      try (PreparedStatement ps =
              conn.prepareStatement("SELECT name, seq FROM main.sqlite_sequence ORDER BY rowid");
          ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          sequences.add(new SqliteSchema.SequenceValue(r.getString(1), r.getLong(2)));
        }
      }
    }
    List<TableDef> tables = new ArrayList<>();
    for (SqliteSchema.MasterEntry e : master) {
      if (!e.type().equals("table") || isInternal(e.name())) {
        continue;
      }
      String kind = kinds.getOrDefault(e.name(), "table");
      boolean[] f = flags.getOrDefault(e.name(), new boolean[2]);
      tables.add(readTable(e, kind, f[0], f[1], sequences));
    }
    SqliteSchema extras =
        new SqliteSchema(
            master,
            Sqlite.number(conn, "PRAGMA main.user_version"),
            Sqlite.number(conn, "PRAGMA main.application_id"),
            (int) Sqlite.number(conn, "PRAGMA main.page_size"),
            Sqlite.string(conn, "PRAGMA main.encoding"),
            (int) Sqlite.number(conn, "PRAGMA main.auto_vacuum"),
            Sqlite.string(conn, "PRAGMA main.journal_mode").toLowerCase(Locale.ROOT),
            sequences);
    String version = Sqlite.string(conn, "SELECT sqlite_version()");
    SourceInfo info = new SourceInfo(DatabaseRef.SQLITE, version, file.getFileName().toString());
    return new SourceSchema(info, TableOrder.referencedFirst(tables), extras);
  }

  /** sqlite_sequence travels in the header; sqlite_schema is the catalog itself. */
  private static boolean isInternal(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals("sqlite_sequence") || n.equals("sqlite_schema") || n.equals("sqlite_master");
  }

  private TableDef readTable(
      SqliteSchema.MasterEntry e,
      String kind,
      boolean withoutRowid,
      boolean strict,
      List<SqliteSchema.SequenceValue> sequences)
      throws SQLException {
    String name = e.name();
    TableKind tableKind =
        switch (kind) {
          case "virtual" -> TableKind.VIRTUAL;
          case "shadow" -> TableKind.SHADOW;
          default -> TableKind.TABLE;
        };
    List<ColumnDef> columns = new ArrayList<>();
    Map<Integer, String> pk = new java.util.TreeMap<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?)")) {
      ps.setString(1, name);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          int hidden = r.getInt(6);
          if (hidden == 1) {
            continue; // a virtual table's hidden column
          }
          Generated g =
              hidden == 2 ? Generated.VIRTUAL : hidden == 3 ? Generated.STORED : Generated.NO;
          String declared = r.getString(2);
          columns.add(
              new ColumnDef(
                  r.getString(1),
                  declared,
                  strict ? strictType(declared) : LogicalType.ANY,
                  r.getInt(3) == 0,
                  g,
                  r.getString(4)));
          if (r.getInt(5) > 0) {
            pk.put(r.getInt(5), r.getString(1));
          }
        }
      }
    }
    List<ForeignKeyDef> fks = foreignKeys(name);
    List<IndexDef> indexes = indexes(name);
    String rowid = null;
    if (tableKind != TableKind.VIRTUAL && !withoutRowid) {
      boolean aliased =
          pk.size() == 1
              && indexes.stream().noneMatch(i -> "pk".equals(i.origin()))
              && columns.stream()
                  .anyMatch(
                      c ->
                          c.name().equals(pk.values().iterator().next())
                              && c.declaredType().equalsIgnoreCase("INTEGER"));
      if (!aliased) {
        rowid = rowidAccessor(columns);
      }
    }
    boolean autoincrement =
        sequences.stream().anyMatch(s -> s.name().equals(name))
            || (e.sql() != null && AUTOINCREMENT.matcher(e.sql()).find());
    return new TableDef(
        name,
        tableKind,
        columns,
        new ArrayList<>(pk.values()),
        fks,
        indexes,
        rowid,
        withoutRowid,
        strict,
        autoincrement);
  }

  private static LogicalType strictType(String declared) {
    return switch (declared.toUpperCase(Locale.ROOT)) {
      case "INT", "INTEGER" -> LogicalType.INTEGER;
      case "REAL" -> LogicalType.REAL;
      case "TEXT" -> LogicalType.TEXT;
      case "BLOB" -> LogicalType.BLOB;
      default -> LogicalType.ANY;
    };
  }

  /** The first of SQLite's three rowid names that no column shadows, or null. */
  private static String rowidAccessor(List<ColumnDef> columns) {
    for (String candidate : List.of("rowid", "_rowid_", "oid")) {
      boolean shadowed = columns.stream().anyMatch(c -> c.name().equalsIgnoreCase(candidate));
      if (!shadowed) {
        return candidate;
      }
    }
    return null;
  }

  private List<ForeignKeyDef> foreignKeys(String table) throws SQLException {
    Map<Integer, List<String[]>> byId = new java.util.TreeMap<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete"
                + " FROM pragma_foreign_key_list(?) ORDER BY id, seq")) {
      ps.setString(1, table);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          byId.computeIfAbsent(r.getInt(1), k -> new ArrayList<>())
              .add(
                  new String[] {
                    r.getString(3), r.getString(4), r.getString(5), r.getString(6), r.getString(7)
                  });
        }
      }
    }
    List<ForeignKeyDef> out = new ArrayList<>();
    for (List<String[]> parts : byId.values()) {
      List<String> from = new ArrayList<>();
      List<String> to = new ArrayList<>();
      for (String[] p : parts) {
        from.add(p[1]);
        if (p[2] != null) {
          to.add(p[2]);
        }
      }
      String[] first = parts.get(0);
      out.add(
          new ForeignKeyDef(
              from,
              first[0],
              to.size() == from.size() ? to : List.of(),
              first[3],
              first[4],
              false));
    }
    return out;
  }

  private List<IndexDef> indexes(String table) throws SQLException {
    List<IndexDef> out = new ArrayList<>();
    List<String[]> list = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT name, \"unique\", origin FROM pragma_index_list(?)")) {
      ps.setString(1, table);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          list.add(new String[] {r.getString(1), r.getString(2), r.getString(3)});
        }
      }
    }
    for (String[] idx : list) {
      List<String> cols = new ArrayList<>();
      try (PreparedStatement ps =
          conn.prepareStatement("SELECT name FROM pragma_index_info(?) ORDER BY seqno")) {
        ps.setString(1, idx[0]);
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            cols.add(r.getString(1));
          }
        }
      }
      out.add(new IndexDef(idx[0], cols, "1".equals(idx[1]), idx[2]));
    }
    return out;
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
      return new Cursor(table, ps, rs, cols.size());
    } catch (SQLException e) {
      throw Sqlite.failure("cannot read table " + table.name() + " of", file, e);
    }
  }

  /** Reads rows, keeping each value's storage class. */
  private final class Cursor implements RowCursor {
    private final TableDef table;
    private final PreparedStatement ps;
    private final ResultSet rs;
    private final int width;

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
      } catch (SQLException e) {
        throw Sqlite.failure("cannot read table " + table.name() + " of", file, e);
      }
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
