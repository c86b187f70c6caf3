package dev.porter.cli.pg;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Compares two PostgreSQL databases table by table through their own COPY TO STDOUT text (sorted,
 * since row order is not a property of a table), in the same session settings. Independent of
 * porter's code.
 */
public final class PgCompare {
  private PgCompare() {}

  /** Every ordinary table and partition of the given schema, as schema.table. */
  public static List<String> tables(Connection c, String schema) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind = 'r' AND n.nspname = '"
                    + schema
                    + "' ORDER BY 1")) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  /**
   * Every function, procedure, aggregate, view, materialized view and trigger of the schema with
   * its definition as the server prints it (every name qualified), sorted: two databases with equal
   * lists have the same such objects.
   */
  public static List<String> objects(String url, String schema) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = TestPostgres.connect(url);
        Statement s = c.createStatement()) {
      s.execute("SET search_path = ''");
      String ns = "(SELECT oid FROM pg_namespace WHERE nspname = '" + schema + "')";
      for (String q :
          List.of(
              "SELECT p.oid::regprocedure::text || ' ' || p.prokind::text || ' '"
                  + " || CASE WHEN p.prokind = 'a' THEN (SELECT a.aggtransfn::regproc::text"
                  + " || ' ' || format_type(a.aggtranstype, NULL) || ' ' || coalesce(a.agginitval, '-')"
                  + " FROM pg_aggregate a WHERE a.aggfnoid = p.oid) ELSE pg_get_functiondef(p.oid) END"
                  + " FROM pg_proc p WHERE p.pronamespace = "
                  + ns,
              "SELECT c.relname || ' ' || c.relkind::text || ' ' || pg_get_viewdef(c.oid)"
                  + " || ' ' || coalesce(array_to_string(c.reloptions, ','), '')"
                  + " || ' ' || coalesce((SELECT string_agg(pg_get_indexdef(i.indexrelid), '; ' ORDER BY 1)"
                  + " FROM pg_index i WHERE i.indrelid = c.oid), '')"
                  + " FROM pg_class c WHERE c.relkind IN ('v', 'm') AND c.relnamespace = "
                  + ns,
              "SELECT pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text FROM pg_trigger t"
                  + " JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
                  + " AND c.relnamespace = "
                  + ns)) {
        try (ResultSet r = s.executeQuery(q)) {
          while (r.next()) {
            out.add(r.getString(1));
          }
        }
      }
    }
    out.sort(null);
    return out;
  }

  /** The sorted COPY text lines of one table. */
  public static List<String> rows(Connection c, String table) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute("SET extra_float_digits = 3");
      s.execute("SET DateStyle = 'ISO, YMD'");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY " + table + " TO STDOUT", out);
    List<String> lines =
        new ArrayList<>(Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\n", -1)));
    lines.removeIf(String::isEmpty);
    lines.sort(null);
    return lines;
  }

  /** null when every table of the schema holds the same rows in both, else the first difference. */
  public static String difference(String urlA, String urlB, String schema) throws Exception {
    try (Connection a = TestPostgres.connect(urlA);
        Connection b = TestPostgres.connect(urlB)) {
      List<String> ta = tables(a, schema);
      List<String> tb = tables(b, schema);
      if (!ta.equals(tb)) {
        return "tables differ: " + ta + " vs " + tb;
      }
      for (String t : ta) {
        List<String> ra = rows(a, t);
        List<String> rb = rows(b, t);
        String d = firstDifference(t, ra, rb);
        if (d != null) {
          return d;
        }
      }
      return null;
    }
  }

  /** null when the two tables' row lists are equal, else where they first differ. */
  static String firstDifference(String table, List<String> ra, List<String> rb) {
    for (int i = 0; i < Math.max(ra.size(), rb.size()); i++) {
      String x = i < ra.size() ? ra.get(i) : "<none>";
      String y = i < rb.size() ? rb.get(i) : "<none>";
      if (!x.equals(y)) {
        return "table "
            + table
            + " ("
            + ra.size()
            + " vs "
            + rb.size()
            + " rows), first difference: "
            + x
            + " | "
            + y;
      }
    }
    return null;
  }
}
