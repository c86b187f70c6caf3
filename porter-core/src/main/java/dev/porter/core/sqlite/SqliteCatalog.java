package dev.porter.core.sqlite;

import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.ForeignKeyDef;
import dev.porter.core.model.Generated;
import dev.porter.core.model.IndexDef;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.SourceInfo;
import dev.porter.core.model.SourceSchema;
import dev.porter.core.model.SqliteSchema;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableKind;
import dev.porter.core.model.TableOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads a SQLite database's catalog: tables, columns, keys, indexes, and its settings. */
final class SqliteCatalog {
  private static final Pattern AUTOINCREMENT =
      Pattern.compile("\\bAUTOINCREMENT\\b", Pattern.CASE_INSENSITIVE);

  private SqliteCatalog() {}

  /** Every row of the file's {@code sqlite_master}, in its order. */
  static List<SqliteSchema.MasterEntry> master(Connection conn) throws SQLException {
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
    return master;
  }

  /** The names of {@code table}'s indexes in the file, in {@code sqlite_master}'s order. */
  static List<String> indexNames(Connection conn, String table) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT name FROM main.sqlite_master WHERE type = 'index' AND tbl_name = ?"
                + " ORDER BY rowid")) {
      ps.setString(1, table);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          names.add(r.getString(1));
        }
      }
    }
    return names;
  }

  static SourceSchema read(Connection conn, String displayName) throws SQLException {
    // The first statement starts the read transaction: everything below sees one snapshot.
    List<SqliteSchema.MasterEntry> master = master(conn);
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
      tables.add(readTable(conn, e, kind, f[0], f[1], sequences));
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
    SourceInfo info = new SourceInfo(DatabaseRef.SQLITE, version, displayName);
    return new SourceSchema(info, TableOrder.referencedFirst(tables), extras);
  }

  /** sqlite_sequence travels in the header; sqlite_schema is the catalog itself. */
  static boolean isInternal(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals("sqlite_sequence") || n.equals("sqlite_schema") || n.equals("sqlite_master");
  }

  private static TableDef readTable(
      Connection conn,
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
    List<ForeignKeyDef> fks = foreignKeys(conn, name);
    List<IndexDef> indexes = indexes(conn, name);
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

  private static List<ForeignKeyDef> foreignKeys(Connection conn, String table)
      throws SQLException {
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

  private static List<IndexDef> indexes(Connection conn, String table) throws SQLException {
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
}
