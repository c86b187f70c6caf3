package dev.porter.testdata;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Compares two SQLite databases the way a restore promises to keep them: every {@code
 * sqlite_master} entry (rootpage aside), {@code user_version}, {@code application_id}, and every
 * table's rows value by value with each value's storage class, rowids included. Independent of
 * porter's own code, so it can judge it.
 */
public final class SqliteCompare {
  private SqliteCompare() {}

  /** Returns null when the databases are identical, else the first difference found. */
  public static String difference(Path expected, Path actual) throws SQLException {
    try (Connection a = open(expected);
        Connection b = open(actual)) {
      String d = compareList("sqlite_master", master(a), master(b));
      if (d != null) {
        return d;
      }
      for (String pragma :
          List.of("user_version", "application_id", "page_size", "encoding", "auto_vacuum")) {
        String x = single(a, "PRAGMA " + pragma);
        String y = single(b, "PRAGMA " + pragma);
        if (!Objects.equals(x, y)) {
          return "PRAGMA " + pragma + ": " + x + " vs " + y;
        }
      }
      for (String table : dataTables(a)) {
        d = compareTable(a, b, table);
        if (d != null) {
          return d;
        }
      }
      return null;
    }
  }

  private static Connection open(Path p) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + p.toAbsolutePath());
  }

  private static List<String> master(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT type, name, tbl_name, sql FROM sqlite_master")) {
      while (r.next()) {
        out.add(
            r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getString(4));
      }
    }
    out.sort(null);
    return out;
  }

  private static String compareList(String what, List<String> x, List<String> y) {
    if (x.equals(y)) {
      return null;
    }
    TreeSet<String> onlyX = new TreeSet<>(x);
    onlyX.removeAll(y);
    TreeSet<String> onlyY = new TreeSet<>(y);
    onlyY.removeAll(x);
    return what + " differs: only in expected " + onlyX + ", only in actual " + onlyY;
  }

  private static String single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getString(1) : null;
    }
  }

  /** Tables whose rows are stored: ordinary and shadow tables, sqlite_sequence included. */
  private static List<String> dataTables(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT name FROM pragma_table_list WHERE schema = 'main'"
                    + " AND type IN ('table', 'shadow') AND name NOT IN ('sqlite_schema')"
                    + " ORDER BY name")) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  private static String compareTable(Connection a, Connection b, String table) throws SQLException {
    String q = "\"" + table.replace("\"", "\"\"") + "\"";
    boolean withoutRowid =
        "1"
            .equals(
                single(
                    a,
                    "SELECT wr FROM pragma_table_list WHERE schema='main' AND name = '"
                        + table.replace("'", "''")
                        + "'"));
    List<String> cols = new ArrayList<>();
    try (PreparedStatement ps =
        a.prepareStatement("SELECT name FROM pragma_table_xinfo(?) WHERE hidden NOT IN (2, 3)")) {
      ps.setString(1, table);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          cols.add(r.getString(1));
        }
      }
    }
    String rowid = null;
    if (!withoutRowid) {
      for (String candidate : List.of("rowid", "_rowid_", "oid")) {
        if (cols.stream().noneMatch(c -> c.equalsIgnoreCase(candidate))) {
          rowid = candidate;
          break;
        }
      }
    }
    StringBuilder sql = new StringBuilder("SELECT ");
    if (rowid != null) {
      sql.append(rowid).append(", ");
    }
    for (String col : cols) {
      String qc = "\"" + col.replace("\"", "\"\"") + "\"";
      sql.append("typeof(").append(qc).append("), ").append(qc).append(", ");
    }
    sql.setLength(sql.length() - 2);
    sql.append(" FROM ").append(q);
    if (rowid != null) {
      sql.append(" ORDER BY ").append(rowid);
    }
    try (Statement sa = a.createStatement();
        Statement sb = b.createStatement();
        ResultSet ra = sa.executeQuery(sql.toString());
        ResultSet rb = sb.executeQuery(sql.toString())) {
      int width = ra.getMetaData().getColumnCount();
      long row = 0;
      while (true) {
        boolean ha = ra.next();
        boolean hb = rb.next();
        row++;
        if (ha != hb) {
          return "table "
              + table
              + ": row count differs at row "
              + row
              + " ("
              + (ha ? "actual" : "expected")
              + " ends first)";
        }
        if (!ha) {
          return null;
        }
        for (int i = 1; i <= width; i++) {
          Object x = value(ra, i);
          Object y = value(rb, i);
          if (!same(x, y)) {
            return "table "
                + table
                + ", row "
                + row
                + ", result column "
                + i
                + ": expected "
                + show(x)
                + ", actual "
                + show(y);
          }
        }
      }
    }
  }

  private static Object value(ResultSet r, int i) throws SQLException {
    Object v = r.getObject(i);
    if (v instanceof Integer n) {
      return n.longValue();
    }
    if (v instanceof String) {
      return new Text(r.getBytes(i));
    }
    return v;
  }

  private record Text(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Text t && Arrays.equals(bytes, t.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "TEXT(" + new String(bytes, java.nio.charset.StandardCharsets.UTF_8) + ")";
    }
  }

  private static boolean same(Object x, Object y) {
    if (x instanceof Double dx && y instanceof Double dy) {
      return Double.doubleToRawLongBits(dx) == Double.doubleToRawLongBits(dy);
    }
    if (x instanceof byte[] bx && y instanceof byte[] by) {
      return Arrays.equals(bx, by);
    }
    return Objects.equals(x, y) && (x == null || x.getClass() == y.getClass());
  }

  private static String show(Object v) {
    if (v instanceof byte[] b) {
      return "BLOB(" + b.length + " bytes)";
    }
    return v == null ? "NULL" : v.getClass().getSimpleName() + ":" + v;
  }
}
