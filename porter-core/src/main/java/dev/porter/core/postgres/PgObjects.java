package dev.porter.core.postgres;

import dev.porter.core.model.PostgresSchema;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a PostgreSQL source holds besides its tables, read from its catalogs: the schema objects a
 * plain restore recreates from their definitions (ADR 0024), and the list of what it does not
 * carry. Definitions are printed with an empty search path, so every name in them is
 * schema-qualified.
 */
final class PgObjects {
  private PgObjects() {}

  /**
   * An access list ({@code ACL} stands for its expression) as an array of {grantee, privilege, is
   * grantable}, the grantee quoted or PUBLIC, null for a role that no longer exists.
   */
  private static final String ACL_ITEMS =
      "(SELECT array_agg(ARRAY[CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname)"
          + " END, a.privilege_type, a.is_grantable::text] ORDER BY a.grantee, a.privilege_type)"
          + " FROM aclexplode(ACL) a LEFT JOIN pg_roles r ON r.oid = a.grantee)";

  /**
   * The GRANTs of an access list read with {@link #ACL_ITEMS}: one per grantee and grant option,
   * its privileges in one list, each statement starting with {@code prefix}.
   */
  private static List<String> grants(String prefix, String on, Array acl) throws SQLException {
    Map<String, List<String>> grants = new LinkedHashMap<>();
    if (acl != null) {
      for (Object o : (Object[]) acl.getArray()) {
        Object[] g = (Object[]) o;
        if (g[0] != null) { // a role that no longer exists has nothing to get back
          grants
              .computeIfAbsent(
                  g[0] + ("true".equals(String.valueOf(g[2])) ? " WITH GRANT OPTION" : ""),
                  k -> new ArrayList<>())
              .add(String.valueOf(g[1]));
        }
      }
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, List<String>> g : grants.entrySet()) {
      out.add(
          prefix + "GRANT " + String.join(", ", g.getValue()) + " ON " + on + " TO " + g.getKey());
    }
    return out;
  }

  /**
   * A condition: the object {@code objid} of catalog {@code classid} has no dependency of the
   * {@code deptypes} ('e' an extension's member, 'i' internal, 'a' automatic).
   */
  private static String notDependent(String classid, String objid, String deptypes) {
    return " AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = "
        + classid
        + " AND dep.objid = "
        + objid
        + " AND dep.deptype IN ("
        + deptypes
        + "))";
  }

  /**
   * An object of the row's schema (column 1) and name (column 2), made by one statement: {@code
   * CREATE what schema.name rest}.
   */
  private static PostgresSchema.SchemaObject created(
      String kind, ResultSet r, String what, String rest) throws SQLException {
    return new PostgresSchema.SchemaObject(
        kind,
        r.getString(1),
        r.getString(2),
        null,
        List.of("CREATE " + what + " " + Pg.qualified(r.getString(1), r.getString(2)) + rest));
  }

  /** What is done with each row of a catalog query. */
  @FunctionalInterface
  private interface RowAction {
    void accept(ResultSet r) throws SQLException;
  }

  /** Runs {@code sql}, its every parameter the exported schemas' names, and acts on each row. */
  private static void eachRow(Connection c, String sql, Array names, RowAction action)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int parameters = (int) sql.chars().filter(ch -> ch == '?').count();
      for (int i = 1; i <= parameters; i++) {
        ps.setArray(i, names);
      }
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          action.accept(r);
        }
      }
    }
  }

  /**
   * The schema objects of {@code schemas} a plain restore recreates (and the database's extensions
   * and publications), kind after kind, each kind in creation order; none that belongs to an
   * extension. Their definitions are printed with an empty search path, so that every name in them
   * is schema-qualified, as pg_dump does.
   */
  static List<PostgresSchema.SchemaObject> objects(Connection c, List<String> schemas)
      throws SQLException {
    List<PostgresSchema.SchemaObject> out = new ArrayList<>();
    String path = Pg.string(c, "SELECT current_setting('search_path')");
    boolean inTransaction = !c.getAutoCommit();
    Pg.exec(c, "SELECT set_config('search_path', '', " + inTransaction + ")");
    long serverVersion = Pg.number(c, "SELECT current_setting('server_version_num')::int");
    Array names = c.createArrayOf("text", schemas.toArray());
    extensions(c, names, out);
    collations(c, names, out);
    textSearch(c, names, out);
    types(c, names, serverVersion, out);
    routines(c, names, out);
    views(c, names, out);
    aggregates(c, names, out);
    triggers(c, names, serverVersion, out);
    rules(c, names, out);
    statistics(c, names, out);
    rowSecurity(c, names, out);
    privileges(c, names, out);
    columnPrivileges(c, names, out);
    defaultPrivileges(c, names, out);
    owners(c, names, out);
    comments(c, names, out);
    out.addAll(publications(c, schemas, serverVersion));
    // not in a finally: after a failure the transaction is aborted, and the error is what matters
    Pg.exec(c, "SELECT set_config('search_path', " + Pg.literal(path) + ", " + inTransaction + ")");
    return out;
  }

  /**
   * The database's extensions, wherever they live (outside pg_catalog): the tables and functions
   * may need them.
   */
  private static void extensions(Connection c, Array names, List<PostgresSchema.SchemaObject> out)
      throws SQLException {
    // extensions first, wherever they live: the tables and functions may need them
    try (java.sql.Statement st = c.createStatement();
        ResultSet r =
            st.executeQuery(
                "SELECT e.extname, n.nspname FROM pg_extension e"
                    + " JOIN pg_namespace n ON n.oid = e.extnamespace"
                    + " WHERE n.nspname <> 'pg_catalog' ORDER BY e.oid")) {
      while (r.next()) {
        out.add(
            new PostgresSchema.SchemaObject(
                "extension",
                r.getString(2),
                r.getString(1),
                null,
                List.of(
                    "CREATE SCHEMA IF NOT EXISTS " + Pg.quote(r.getString(2)),
                    "CREATE EXTENSION IF NOT EXISTS "
                        + Pg.quote(r.getString(1))
                        + " WITH SCHEMA "
                        + Pg.quote(r.getString(2)))));
      }
    }
  }

  /** Collations: a column, a domain or a type may sort by one. */
  private static void collations(Connection c, Array names, List<PostgresSchema.SchemaObject> out)
      throws SQLException {
    // collations: a column, a domain or a type may sort by one. The locale columns differ by
    // server version (colliculocale in 15, colllocale from 17), so they are read by name.
    eachRow(
        c,
        "SELECT n.nspname, co.collname, co.collprovider::text, co.collisdeterministic,"
            + " j->>'collcollate', j->>'collctype', coalesce(j->>'colllocale', j->>'colliculocale'),"
            + " j->>'collicurules' FROM pg_collation co"
            + " JOIN pg_namespace n ON n.oid = co.collnamespace"
            + " CROSS JOIN LATERAL to_jsonb(co) j WHERE n.nspname = ANY (?)"
            + notDependent("'pg_collation'::regclass", "co.oid", "'e'")
            + " ORDER BY co.oid",
        names,
        r -> {
          List<String> parts = new ArrayList<>();
          String provider = r.getString(3);
          switch (provider) {
            case "i" -> {
              parts.add("PROVIDER = icu");
              parts.add(
                  "LOCALE = "
                      + Pg.literal(r.getString(7) != null ? r.getString(7) : r.getString(5)));
              if (r.getString(8) != null) {
                parts.add("RULES = " + Pg.literal(r.getString(8)));
              }
            }
            case "b" -> {
              parts.add("PROVIDER = builtin");
              parts.add("LOCALE = " + Pg.literal(r.getString(7)));
            }
            default -> {
              parts.add("PROVIDER = libc");
              parts.add("LC_COLLATE = " + Pg.literal(r.getString(5)));
              parts.add("LC_CTYPE = " + Pg.literal(r.getString(6)));
            }
          }
          if (!r.getBoolean(4)) {
            parts.add("DETERMINISTIC = false");
          }
          out.add(created("collation", r, "COLLATION", " (" + String.join(", ", parts) + ")"));
        });
  }

  /** Text search dictionaries, then configurations with their token mappings. */
  private static void textSearch(Connection c, Array names, List<PostgresSchema.SchemaObject> out)
      throws SQLException {
    // text search dictionaries, then configurations: a column's default, a generated column or
    // an index may name one
    eachRow(
        c,
        "SELECT n.nspname, d.dictname, quote_ident(tn.nspname) || '.' || quote_ident(t.tmplname),"
            + " d.dictinitoption FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace"
            + " JOIN pg_ts_template t ON t.oid = d.dicttemplate"
            + " JOIN pg_namespace tn ON tn.oid = t.tmplnamespace WHERE n.nspname = ANY (?)"
            + notDependent("'pg_ts_dict'::regclass", "d.oid", "'e'")
            + " ORDER BY d.oid",
        names,
        r -> {
          String options = r.getString(4);
          out.add(
              created(
                  "text search dictionary",
                  r,
                  "TEXT SEARCH DICTIONARY",
                  " (TEMPLATE = "
                      + r.getString(3)
                      + (options == null || options.isBlank() ? "" : ", " + options)
                      + ")"));
        });
    eachRow(
        c,
        "SELECT n.nspname, cf.cfgname, quote_ident(pn.nspname) || '.' || quote_ident(p.prsname),"
            + " (SELECT array_agg(m.alias || ' WITH ' || m.dicts ORDER BY m.tokid) FROM ("
            + " SELECT tt.tokid, tt.alias, string_agg(quote_ident(dn.nspname) || '.'"
            + " || quote_ident(d.dictname), ', ' ORDER BY cm.mapseqno) AS dicts"
            + " FROM pg_ts_config_map cm JOIN pg_ts_dict d ON d.oid = cm.mapdict"
            + " JOIN pg_namespace dn ON dn.oid = d.dictnamespace"
            + " JOIN ts_token_type(cf.cfgparser) tt ON tt.tokid = cm.maptokentype"
            + " WHERE cm.mapcfg = cf.oid GROUP BY tt.tokid, tt.alias) m)"
            + " FROM pg_ts_config cf JOIN pg_namespace n ON n.oid = cf.cfgnamespace"
            + " JOIN pg_ts_parser p ON p.oid = cf.cfgparser"
            + " JOIN pg_namespace pn ON pn.oid = p.prsnamespace WHERE n.nspname = ANY (?)"
            + notDependent("'pg_ts_config'::regclass", "cf.oid", "'e'")
            + " ORDER BY cf.oid",
        names,
        r -> {
          String name = Pg.qualified(r.getString(1), r.getString(2));
          List<String> sql = new ArrayList<>();
          sql.add(
              "CREATE TEXT SEARCH CONFIGURATION " + name + " (PARSER = " + r.getString(3) + ")");
          Array mappings = r.getArray(4);
          if (mappings != null) {
            for (Object m : (Object[]) mappings.getArray()) {
              sql.add("ALTER TEXT SEARCH CONFIGURATION " + name + " ADD MAPPING FOR " + m);
            }
          }
          out.add(
              new PostgresSchema.SchemaObject(
                  "text search configuration", r.getString(1), r.getString(2), null, sql));
        });
  }

  /** Composite types, then range types (not an extension's). */
  private static void types(
      Connection c, Array names, long serverVersion, List<PostgresSchema.SchemaObject> out)
      throws SQLException {
    String notOfExtension = notDependent("'pg_type'::regclass", "t.oid", "'e'");
    // composite types, then range types: a column or a function may have them as its type
    eachRow(
        c,
        "SELECT n.nspname, t.typname, (SELECT string_agg(quote_ident(a.attname) || ' '"
            + " || format_type(a.atttypid, a.atttypmod) || coalesce((SELECT ' COLLATE '"
            + " || quote_ident(cn.nspname) || '.' || quote_ident(co.collname)"
            + " FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace"
            + " JOIN pg_type at ON at.oid = a.atttypid"
            + " WHERE co.oid = a.attcollation AND a.attcollation <> at.typcollation), ''),"
            + " ', ' ORDER BY a.attnum)"
            + " FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0"
            + " AND NOT a.attisdropped) FROM pg_type t"
            + " JOIN pg_namespace n ON n.oid = t.typnamespace"
            + " JOIN pg_class c ON c.oid = t.typrelid"
            + " WHERE c.relkind = 'c' AND n.nspname = ANY (?)"
            + notOfExtension
            + " ORDER BY t.oid",
        names,
        r -> {
          out.add(
              created(
                  "type",
                  r,
                  "TYPE",
                  " AS (" + (r.getString(3) == null ? "" : r.getString(3)) + ")"));
        });
    boolean multiranges = serverVersion >= 140000;
    eachRow(
        c,
        "SELECT n.nspname, t.typname, format_type(r.rngsubtype, NULL),"
            + " nullif(r.rngsubdiff, 0)::regproc::text,"
            + " (SELECT quote_ident(on2.nspname) || '.' || quote_ident(o.opcname) FROM pg_opclass o"
            + " JOIN pg_namespace on2 ON on2.oid = o.opcnamespace"
            + " WHERE o.oid = r.rngsubopc AND NOT o.opcdefault),"
            + (multiranges
                ? " (SELECT quote_ident(mn.nspname) || '.' || quote_ident(m.typname) FROM pg_type m"
                    + " JOIN pg_namespace mn ON mn.oid = m.typnamespace WHERE m.oid = r.rngmultitypid)"
                : " NULL")
            + " FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid"
            + " JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY (?)"
            + notOfExtension
            + " ORDER BY t.oid",
        names,
        r -> {
          List<String> parts = new ArrayList<>();
          parts.add("SUBTYPE = " + r.getString(3));
          if (r.getString(5) != null) {
            parts.add("SUBTYPE_OPCLASS = " + r.getString(5));
          }
          if (r.getString(4) != null) {
            parts.add("SUBTYPE_DIFF = " + r.getString(4));
          }
          if (r.getString(6) != null) {
            parts.add("MULTIRANGE_TYPE_NAME = " + r.getString(6));
          }
          out.add(created("type", r, "TYPE", " AS RANGE (" + String.join(", ", parts) + ")"));
        });
  }

  /** Functions and procedures (not an extension's, nor those a type made for itself). */
  private static void routines(Connection c, Array names, List<PostgresSchema.SchemaObject> out)
      throws SQLException {
    eachRow(
        c,
        "SELECT n.nspname, p.proname, p.prokind, pg_get_functiondef(p.oid) FROM pg_proc p"
            + " JOIN pg_namespace n ON n.oid = p.pronamespace"
            + " WHERE n.nspname = ANY (?) AND p.prokind IN ('f', 'p', 'w')"
            // not an extension's, nor one a type made for itself (a range's constructors)
            + notDependent("'pg_proc'::regclass", "p.oid", "'e', 'i'")
            + " ORDER BY p.oid",
        names,
        r -> {
          out.add(
              new PostgresSchema.SchemaObject(
                  "p".equals(r.getString(3)) ? "procedure" : "function",
                  r.getString(1),
                  r.getString(2),
                  null,
                  List.of(r.getString(4).strip())));
        });
  }

  /** Views and materialized views, with their options, data state and indexes. */
  private static void views(Connection c, Array names, List<PostgresSchema.SchemaObject> out)
      throws SQLException {
    eachRow(
        c,
        "SELECT c.oid, n.nspname, c.relname, c.relkind, pg_get_viewdef(c.oid),"
            + " array_to_string(c.reloptions, ', '), c.relispopulated FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY (?)"
            + notDependent("'pg_class'::regclass", "c.oid", "'e'")
            + " ORDER BY c.oid",
        names,
        r -> {
          boolean materialized = "m".equals(r.getString(4));
          String query = r.getString(5).strip();
          if (query.endsWith(";")) {
            query = query.substring(0, query.length() - 1);
          }
          String options = r.getString(6);
          List<String> sql = new ArrayList<>();
          sql.add(
              (materialized ? "CREATE MATERIALIZED VIEW " : "CREATE VIEW ")
                  + Pg.qualified(r.getString(2), r.getString(3))
                  + (options == null || options.isEmpty() ? "" : " WITH (" + options + ")")
                  + " AS "
                  + query
                  + (materialized ? (r.getBoolean(7) ? " WITH DATA" : " WITH NO DATA") : ""));
          if (materialized) {
            try (PreparedStatement ix =
                c.prepareStatement(
                    "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = ?"
                        + " ORDER BY indexrelid")) {
              ix.setLong(1, r.getLong(1));
              try (ResultSet i = ix.executeQuery()) {
                while (i.next()) {
                  sql.add(i.getString(1));
                }
              }
            }
          }
          out.add(
              new PostgresSchema.SchemaObject(
                  materialized ? "materialized view" : "view",
                  r.getString(2),
                  r.getString(3),
                  null,
                  sql));
        });
  }

  /** Aggregates: ordinary, ordered-set and hypothetical-set ones. */
  private static void aggregates(Connection c, Array names, List<PostgresSchema.SchemaObject> out)
      throws SQLException {
    eachRow(
        c,
        "SELECT n.nspname, p.proname, p.oid::regprocedure::text, p.pronargs,"
            + " a.aggtransfn::regproc::text, format_type(a.aggtranstype, NULL),"
            + " nullif(a.aggfinalfn, 0)::regproc::text, a.agginitval, a.aggfinalextra,"
            + " nullif(a.aggcombinefn, 0)::regproc::text, nullif(a.aggserialfn, 0)::regproc::text,"
            + " nullif(a.aggdeserialfn, 0)::regproc::text, p.proparallel,"
            + " nullif(a.aggmtransfn, 0)::regproc::text, nullif(a.aggminvtransfn, 0)::regproc::text,"
            + " CASE WHEN a.aggmtranstype <> 0 THEN format_type(a.aggmtranstype, NULL) END,"
            + " nullif(a.aggmfinalfn, 0)::regproc::text, a.aggminitval, a.aggmfinalextra,"
            + " a.aggkind::text, pg_get_function_arguments(p.oid), a.aggfinalmodify::text,"
            + " a.aggmfinalmodify::text, (SELECT 'OPERATOR(' || quote_ident(opn.nspname) || '.'"
            + " || o.oprname || ')' FROM pg_operator o JOIN pg_namespace opn ON opn.oid = o.oprnamespace"
            + " WHERE o.oid = a.aggsortop)"
            + " FROM pg_proc p JOIN pg_aggregate a ON a.aggfnoid = p.oid"
            + " JOIN pg_namespace n ON n.oid = p.pronamespace"
            + " WHERE n.nspname = ANY (?) AND p.prokind = 'a'"
            + notDependent("'pg_proc'::regclass", "p.oid", "'e'")
            + " ORDER BY p.oid",
        names,
        r -> {
          String signature = r.getString(3);
          boolean ordinary = "n".equals(r.getString(20));
          if (!ordinary) {
            // "direct arguments ORDER BY aggregated arguments", which only this function prints
            signature = Pg.qualified(r.getString(1), r.getString(2)) + "(" + r.getString(21) + ")";
          } else if (r.getInt(4) == 0) {
            signature = signature.substring(0, signature.lastIndexOf('(')) + "(*)";
          }
          List<String> parts = new ArrayList<>();
          parts.add("SFUNC = " + r.getString(5));
          parts.add("STYPE = " + r.getString(6));
          finalAndInitial(
              parts, "", r.getString(7), r.getBoolean(9), r.getString(22), r.getString(8));
          if (r.getString(10) != null) {
            parts.add("COMBINEFUNC = " + r.getString(10));
          }
          if (r.getString(11) != null) {
            parts.add("SERIALFUNC = " + r.getString(11));
          }
          if (r.getString(12) != null) {
            parts.add("DESERIALFUNC = " + r.getString(12));
          }
          if (r.getString(14) != null) {
            parts.add("MSFUNC = " + r.getString(14));
            parts.add("MINVFUNC = " + r.getString(15));
            parts.add("MSTYPE = " + r.getString(16));
            finalAndInitial(
                parts, "M", r.getString(17), r.getBoolean(19), r.getString(23), r.getString(18));
          }
          if (r.getString(24) != null) {
            parts.add("SORTOP = " + r.getString(24));
          }
          if ("h".equals(r.getString(20))) {
            parts.add("HYPOTHETICAL");
          }
          parts.add(
              "PARALLEL = "
                  + switch (r.getString(13)) {
                    case "s" -> "SAFE";
                    case "r" -> "RESTRICTED";
                    default -> "UNSAFE";
                  });
          out.add(
              new PostgresSchema.SchemaObject(
                  "aggregate",
                  r.getString(1),
                  r.getString(2),
                  null,
                  List.of(
                      "CREATE AGGREGATE " + signature + " (" + String.join(", ", parts) + ")")));
        });
  }

  /** Triggers (not internal ones, nor the clones of a partitioned table's), with their state. */
  private static void triggers(
      Connection c, Array names, long serverVersion, List<PostgresSchema.SchemaObject> out)
      throws SQLException {
    boolean clonesHaveParents = serverVersion >= 130000;
    eachRow(
        c,
        "SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled"
            + " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE NOT t.tgisinternal AND n.nspname = ANY (?)"
            + (clonesHaveParents ? " AND t.tgparentid = 0" : "")
            + " ORDER BY t.oid",
        names,
        r -> {
          String table = Pg.qualified(r.getString(1), r.getString(2));
          List<String> sql = new ArrayList<>();
          sql.add(r.getString(4));
          String state = enabledState(r.getString(5), "TRIGGER");
          if (state != null) {
            sql.add("ALTER TABLE " + table + " " + state + Pg.quote(r.getString(3)));
          }
          out.add(
              new PostgresSchema.SchemaObject(
                  "trigger", r.getString(1), r.getString(3), r.getString(2), sql));
        });
  }

  /**
   * The clause of {@code ALTER TABLE} that gives a trigger or rule ({@code kind}) the enabled state
   * the catalog codes as {@code code} ({@code tgenabled}, {@code ev_enabled}); null for the
   * default, enabled on origin.
   */
  private static String enabledState(String code, String kind) {
    return switch (code) {
      case "D" -> "DISABLE " + kind + " ";
      case "R" -> "ENABLE REPLICA " + kind + " ";
      case "A" -> "ENABLE ALWAYS " + kind + " ";
      default -> null;
    };
  }

  /** Rules (a view's own _RETURN rule is the view), with their enabled state. */
  private static void rules(Connection c, Array names, List<PostgresSchema.SchemaObject> out)
      throws SQLException {
    eachRow(
        c,
        "SELECT n.nspname, c.relname, r.rulename, pg_get_ruledef(r.oid), r.ev_enabled::text"
            + " FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE r.rulename <> '_RETURN' AND n.nspname = ANY (?)"
            + notDependent("'pg_rewrite'::regclass", "r.oid", "'e'")
            + " ORDER BY r.oid",
        names,
        r -> {
          String definition = r.getString(4).strip();
          if (definition.endsWith(";")) {
            definition = definition.substring(0, definition.length() - 1);
          }
          List<String> sql = new ArrayList<>();
          sql.add(definition);
          String state = enabledState(r.getString(5), "RULE");
          if (state != null) {
            sql.add(
                "ALTER TABLE "
                    + Pg.qualified(r.getString(1), r.getString(2))
                    + " "
                    + state
                    + Pg.quote(r.getString(3)));
          }
          out.add(
              new PostgresSchema.SchemaObject(
                  "rule", r.getString(1), r.getString(3), r.getString(2), sql));
        });
  }

  /** Extended statistics, with a statistics target set on them. */
  private static void statistics(Connection c, Array names, List<PostgresSchema.SchemaObject> out)
      throws SQLException {
    eachRow(
        c,
        "SELECT n.nspname, s.stxname, pg_get_statisticsobjdef(s.oid),"
            + " (to_jsonb(s)->>'stxstattarget')::int"
            + " FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace"
            + " WHERE n.nspname = ANY (?)"
            + notDependent("'pg_statistic_ext'::regclass", "s.oid", "'e'")
            + " ORDER BY s.oid",
        names,
        r -> {
          List<String> sql = new ArrayList<>();
          sql.add(r.getString(3));
          int target = r.getInt(4);
          if (!r.wasNull() && target >= 0) {
            sql.add(
                "ALTER STATISTICS "
                    + Pg.qualified(r.getString(1), r.getString(2))
                    + " SET STATISTICS "
                    + target);
          }
          out.add(
              new PostgresSchema.SchemaObject(
                  "statistics", r.getString(1), r.getString(2), null, sql));
        });
  }

  /** Row-level security: each table's policies, then its ENABLE and FORCE flags. */
  private static void rowSecurity(Connection c, Array names, List<PostgresSchema.SchemaObject> out)
      throws SQLException {
    eachRow(
        c,
        "SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity,"
            + " (SELECT array_agg(ARRAY[p.polname, p.polcmd::text, p.polpermissive::text,"
            + " coalesce((SELECT string_agg(CASE WHEN r.oid = 0 THEN 'PUBLIC'"
            + " ELSE quote_ident(a.rolname) END, ', ' ORDER BY r.i)"
            + " FROM unnest(p.polroles) WITH ORDINALITY AS r(oid, i)"
            + " LEFT JOIN pg_roles a ON a.oid = r.oid), 'PUBLIC'),"
            + " pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)]"
            + " ORDER BY p.oid) FROM pg_policy p WHERE p.polrelid = c.oid)"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p')"
            + " AND (c.relrowsecurity OR c.relforcerowsecurity"
            + " OR EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)) ORDER BY c.oid",
        names,
        r -> {
          String table = Pg.qualified(r.getString(1), r.getString(2));
          List<String> sql = new ArrayList<>();
          Array policies = r.getArray(5);
          if (policies != null) {
            for (Object o : (Object[]) policies.getArray()) {
              Object[] p = (Object[]) o;
              String cmd =
                  switch (String.valueOf(p[1])) {
                    case "r" -> "SELECT";
                    case "a" -> "INSERT";
                    case "w" -> "UPDATE";
                    case "d" -> "DELETE";
                    default -> "ALL";
                  };
              sql.add(
                  "CREATE POLICY "
                      + Pg.quote(String.valueOf(p[0]))
                      + " ON "
                      + table
                      + " AS "
                      + ("true".equals(String.valueOf(p[2])) ? "PERMISSIVE" : "RESTRICTIVE")
                      + " FOR "
                      + cmd
                      + " TO "
                      + p[3]
                      + (p[4] != null ? " USING (" + p[4] + ")" : "")
                      + (p[5] != null ? " WITH CHECK (" + p[5] + ")" : ""));
            }
          }
          if (r.getBoolean(3)) {
            sql.add("ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY");
          }
          if (r.getBoolean(4)) {
            sql.add("ALTER TABLE " + table + " FORCE ROW LEVEL SECURITY");
          }
          out.add(
              new PostgresSchema.SchemaObject(
                  "row security", r.getString(1), r.getString(2), r.getString(2), sql));
        });
  }

  /** Access lists of tables, routines, types and schemas, as GRANTs. */
  private static void privileges(Connection c, Array names, List<PostgresSchema.SchemaObject> out)
      throws SQLException {
    // privileges: each object's access control list as GRANTs, after revoking what PUBLIC
    // has by default; an extension's objects and a type's own functions keep their defaults
    eachRow(
        c,
        "SELECT kind, schema, name, identity, "
            + ACL_ITEMS.replace("ACL", "acl")
            + " FROM ("
            + " SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind,"
            + " n.nspname AS schema, c.relname AS name,"
            + " quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS identity,"
            + " c.relacl AS acl, 1 AS o, c.oid AS id FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relacl IS NOT NULL"
            + " AND n.nspname = ANY (?)"
            + notDependent("'pg_class'::regclass", "c.oid", "'e'")
            + " UNION ALL SELECT 'ROUTINE', n.nspname, p.proname, p.oid::regprocedure::text,"
            + " p.proacl, 2, p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            + " WHERE p.proacl IS NOT NULL AND n.nspname = ANY (?)"
            + notDependent("'pg_proc'::regclass", "p.oid", "'e', 'i'")
            + " UNION ALL SELECT 'TYPE', n.nspname, t.typname, t.oid::regtype::text, t.typacl,"
            + " 3, t.oid FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
            + " WHERE t.typacl IS NOT NULL AND t.typtype IN ('e', 'd', 'c', 'r')"
            + " AND n.nspname = ANY (?)"
            + notDependent("'pg_type'::regclass", "t.oid", "'e'")
            + " UNION ALL SELECT 'SCHEMA', n.nspname, n.nspname, quote_ident(n.nspname),"
            + " n.nspacl, 4, n.oid FROM pg_namespace n"
            + " WHERE n.nspacl IS NOT NULL AND n.nspname = ANY (?)"
            + " ) x ORDER BY o, id",
        names,
        r -> {
          String on = r.getString(1) + " " + r.getString(4);
          List<String> sql = new ArrayList<>();
          sql.add("REVOKE ALL ON " + on + " FROM PUBLIC");
          sql.addAll(grants("", on, r.getArray(5)));
          out.add(
              new PostgresSchema.SchemaObject(
                  "privileges", r.getString(2), r.getString(4), null, sql));
        });
  }

  /** Column privileges, after the tables' own. */
  private static void columnPrivileges(
      Connection c, Array names, List<PostgresSchema.SchemaObject> out) throws SQLException {
    // column privileges, after the table's own (revoking a table's privileges takes its
    // columns' too)
    eachRow(
        c,
        "SELECT n.nspname, quote_ident(n.nspname) || '.' || quote_ident(c.relname),"
            + " a.attname, "
            + ACL_ITEMS.replace("ACL", "a.attacl")
            + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped"
            + " AND c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname = ANY (?)"
            + notDependent("'pg_class'::regclass", "c.oid", "'e'")
            + " ORDER BY c.oid, a.attnum",
        names,
        r -> {
          List<String> sql = new ArrayList<>();
          for (String g : grants("", "TABLE " + r.getString(2), r.getArray(4))) {
            // GRANT SELECT, UPDATE ON … → GRANT SELECT (col), UPDATE (col) ON …
            int on = g.indexOf(" ON TABLE ");
            String privileges = g.substring("GRANT ".length(), on);
            List<String> each = new ArrayList<>();
            for (String p : privileges.split(", ")) {
              each.add(p + " (" + Pg.quote(r.getString(3)) + ")");
            }
            sql.add("GRANT " + String.join(", ", each) + g.substring(on));
          }
          if (!sql.isEmpty()) {
            out.add(
                new PostgresSchema.SchemaObject(
                    "privileges",
                    r.getString(1),
                    r.getString(2) + "." + Pg.quote(r.getString(3)),
                    null,
                    sql));
          }
        });
  }

  /** Default privileges, per schema and database-wide. */
  private static void defaultPrivileges(
      Connection c, Array names, List<PostgresSchema.SchemaObject> out) throws SQLException {
    // default privileges: what the objects a role creates later get, in an exported schema or
    // anywhere in the database. A global entry is the whole list (PUBLIC's default taken away
    // first); a schema's only adds to it.
    eachRow(
        c,
        "SELECT pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype::text,"
            + " "
            + ACL_ITEMS.replace("ACL", "d.defaclacl")
            + " FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace"
            + " WHERE d.defaclnamespace = 0 OR n.nspname = ANY (?) ORDER BY d.oid",
        names,
        r -> {
          String on =
              switch (r.getString(3)) {
                case "r" -> "TABLES";
                case "S" -> "SEQUENCES";
                case "f" -> "FUNCTIONS";
                case "T" -> "TYPES";
                case "n" -> "SCHEMAS";
                default -> null;
              };
          if (on == null) {
            return;
          }
          String prefix =
              "ALTER DEFAULT PRIVILEGES FOR ROLE "
                  + Pg.quote(r.getString(1))
                  + (r.getString(2) != null ? " IN SCHEMA " + Pg.quote(r.getString(2)) : "");
          List<String> sql = new ArrayList<>();
          if (r.getString(2) == null && !on.equals("SCHEMAS")) {
            sql.add(prefix + " REVOKE ALL ON " + on + " FROM PUBLIC");
          }
          sql.addAll(grants(prefix + " ", on, r.getArray(4)));
          out.add(
              new PostgresSchema.SchemaObject(
                  "default privileges",
                  r.getString(2),
                  r.getString(1) + " on " + on.toLowerCase(java.util.Locale.ROOT),
                  null,
                  sql));
        });
  }

  /** Owners, one object per role and schema. */
  private static void owners(Connection c, Array names, List<PostgresSchema.SchemaObject> out)
      throws SQLException {
    // owners, one object per role and schema: setting them needs the right to become that role,
    // which a restore has for all of a role's objects or for none
    eachRow(
        c,
        "SELECT x.owner, x.schema, string_agg('ALTER ' || x.kind || ' ' || x.identity || ' OWNER TO '"
            + " || quote_ident(x.owner), E'\\n' ORDER BY x.o, x.id) FROM ("
            + " SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'"
            + " WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind,"
            + " quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS identity,"
            + " pg_get_userbyid(c.relowner) AS owner, 2 AS o, c.oid AS id, n.nspname AS schema"
            + " FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname = ANY (?)"
            + notDependent("'pg_class'::regclass", "c.oid", "'e', 'a', 'i'")
            + " UNION ALL SELECT 'ROUTINE', p.oid::regprocedure::text,"
            + " pg_get_userbyid(p.proowner), 3, p.oid, n.nspname FROM pg_proc p"
            + " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY (?)"
            + notDependent("'pg_proc'::regclass", "p.oid", "'e', 'i'")
            + " UNION ALL SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,"
            + " t.oid::regtype::text, pg_get_userbyid(t.typowner), 4, t.oid, n.nspname FROM pg_type t"
            + " JOIN pg_namespace n ON n.oid = t.typnamespace"
            + " WHERE t.typtype IN ('e', 'd', 'c', 'r') AND n.nspname = ANY (?)"
            + " AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')"
            + notDependent("'pg_type'::regclass", "t.oid", "'e', 'i'")
            + " UNION ALL SELECT 'SCHEMA', quote_ident(n.nspname), pg_get_userbyid(n.nspowner),"
            + " 1, n.oid, n.nspname FROM pg_namespace n WHERE n.nspname = ANY (?)"
            + " ) x GROUP BY x.owner, x.schema ORDER BY x.schema, x.owner",
        names,
        r -> {
          out.add(
              new PostgresSchema.SchemaObject(
                  "owner",
                  r.getString(2),
                  r.getString(1),
                  null,
                  List.of(r.getString(3).split("\n"))));
        });
  }

  /** Comments on what a restore creates (an extension's objects carry their own). */
  private static void comments(Connection c, Array names, List<PostgresSchema.SchemaObject> out)
      throws SQLException {
    eachRow(
        c,
        "SELECT o.type, o.identity, d.description, coalesce(o.schema, n.nspname)"
            + " FROM pg_description d"
            + " CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o"
            + " LEFT JOIN pg_namespace n ON d.classoid = 'pg_namespace'::regclass"
            + " AND n.oid = d.objoid"
            + " WHERE o.type IN ('table', 'table column', 'view', 'view column',"
            + " 'materialized view', 'function', 'procedure', 'aggregate', 'type', 'domain',"
            + " 'index', 'sequence', 'schema')"
            + " AND coalesce(o.schema, n.nspname) = ANY (?)"
            // every new database's own: nothing to restore
            + " AND NOT (o.type = 'schema' AND o.identity = 'public'"
            + " AND d.description = 'standard public schema')"
            + notDependent("d.classoid", "d.objoid", "'e'")
            + " ORDER BY d.classoid, d.objoid, d.objsubid",
        names,
        r -> {
          String type = r.getString(1);
          String keyword =
              switch (type) {
                case "table column", "view column" -> "COLUMN";
                default -> type.toUpperCase(java.util.Locale.ROOT);
              };
          out.add(
              new PostgresSchema.SchemaObject(
                  "comment",
                  r.getString(4),
                  r.getString(2),
                  null,
                  List.of(
                      "COMMENT ON "
                          + keyword
                          + " "
                          + r.getString(2)
                          + " IS "
                          + Pg.literal(r.getString(3)))));
        });
  }

  /** Catalogs of schema objects a restore does not recreate, by their namespace column. */
  private static final String[][] UNCARRIED_IN_SCHEMAS = {
    {"pg_operator", "oprnamespace", "true"},
    {"pg_opclass", "opcnamespace", "true"},
    {"pg_opfamily", "opfnamespace", "true"},
    {"pg_conversion", "connamespace", "true"},
    {"pg_ts_parser", "prsnamespace", "true"},
    {"pg_ts_template", "tmplnamespace", "true"},
    {"pg_class", "relnamespace", "x.relkind = 'f'"},
    {"pg_type", "typnamespace", "x.typtype IN ('b', 'p', 'm')"},
  };

  /** Database-wide catalogs of objects a restore does not recreate; user-made ones only. */
  private static final String[] UNCARRIED_IN_DATABASE = {
    "pg_cast",
    "pg_transform",
    "pg_language",
    "pg_foreign_data_wrapper",
    "pg_foreign_server",
    "pg_event_trigger",
  };

  /**
   * What the source holds that the archive does not carry: operators and operator classes, text
   * search parsers and templates, foreign tables, base types (in the exported schemas), casts,
   * languages, foreign servers and event triggers (database-wide), and large objects. Not an
   * extension's own, nor one an object made for itself (a type's array): the extension brings those
   * back. Each as "type identity", as the server names it.
   */
  static List<String> notCarried(Connection c, List<String> schemas) throws SQLException {
    StringBuilder union = new StringBuilder();
    for (String[] k : UNCARRIED_IN_SCHEMAS) {
      union
          .append(union.length() == 0 ? "" : " UNION ALL ")
          .append("SELECT '")
          .append(k[0])
          .append("'::regclass AS classid, x.oid AS objid FROM ")
          .append(k[0])
          .append(" x JOIN pg_namespace n ON n.oid = x.")
          .append(k[1])
          .append(" WHERE n.nspname = ANY (?) AND ")
          .append(k[2]);
    }
    for (String k : UNCARRIED_IN_DATABASE) {
      // 16384: the first object id a user's objects get (FirstNormalObjectId)
      union
          .append(" UNION ALL SELECT '")
          .append(k)
          .append("'::regclass, x.oid FROM ")
          .append(k)
          .append(" x WHERE x.oid >= 16384");
    }
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT o.type || ' ' || o.identity FROM ("
                + union
                + ") u CROSS JOIN LATERAL pg_identify_object(u.classid, u.objid, 0) o"
                + " WHERE NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = u.classid"
                + " AND dep.objid = u.objid AND dep.deptype IN ('e', 'i'))"
                + " ORDER BY u.classid, u.objid")) {
      Array names = c.createArrayOf("text", schemas.toArray());
      for (int i = 1; i <= UNCARRIED_IN_SCHEMAS.length; i++) {
        ps.setArray(i, names);
      }
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
    }
    return out; // large objects travel with their owners and access lists (LARGE_OBJECTS_TABLE)
  }

  /**
   * Publications (logical replication), database-wide: each with what it publishes, and the tables
   * (with their column lists and row filters) and schemas it holds of the exported schemas. Called
   * with an empty search path, so every name is schema-qualified.
   */
  private static List<PostgresSchema.SchemaObject> publications(
      Connection c, List<String> schemas, long serverVersion) throws SQLException {
    List<PostgresSchema.SchemaObject> out = new ArrayList<>();
    boolean filters = serverVersion >= 150000; // row filters, column lists, TABLES IN SCHEMA
    Array names = c.createArrayOf("text", schemas.toArray());
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT p.oid, p.pubname, p.puballtables, concat_ws(', ',"
                    + " CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,"
                    + " CASE WHEN p.pubdelete THEN 'delete' END,"
                    + " CASE WHEN (to_jsonb(p)->>'pubtruncate')::boolean THEN 'truncate' END),"
                    + " coalesce((to_jsonb(p)->>'pubviaroot')::boolean, false)"
                    + " FROM pg_publication p ORDER BY p.oid");
        PreparedStatement tables =
            c.prepareStatement(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(cl.relname),"
                    + (filters
                        ? " pg_get_expr(pr.prqual, pr.prrelid), (SELECT string_agg(quote_ident(a.attname),"
                            + " ', ' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = pr.prrelid"
                            + " AND a.attnum = ANY (pr.prattrs::int2[]))"
                        : " NULL, NULL")
                    + " FROM pg_publication_rel pr JOIN pg_class cl ON cl.oid = pr.prrelid"
                    + " JOIN pg_namespace n ON n.oid = cl.relnamespace"
                    + " WHERE pr.prpubid = ? AND n.nspname = ANY (?) ORDER BY pr.oid");
        PreparedStatement inSchemas =
            c.prepareStatement(
                filters
                    ? "SELECT quote_ident(n.nspname) FROM pg_publication_namespace pn"
                        + " JOIN pg_namespace n ON n.oid = pn.pnnspid"
                        + " WHERE pn.pnpubid = ? AND n.nspname = ANY (?) ORDER BY pn.oid"
                    : "SELECT NULL WHERE ?::oid IS NULL AND ?::text[] IS NULL")) {
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          String name = Pg.quote(r.getString(2));
          List<String> sql = new ArrayList<>();
          sql.add(
              "CREATE PUBLICATION "
                  + name
                  + (r.getBoolean(3) ? " FOR ALL TABLES" : "")
                  + " WITH (publish = "
                  + Pg.literal(r.getString(4))
                  + (r.getBoolean(5) ? ", publish_via_partition_root = true" : "")
                  + ")");
          for (PreparedStatement q : List.of(tables, inSchemas)) {
            q.setLong(1, r.getLong(1));
            q.setArray(2, names);
          }
          try (ResultSet t = tables.executeQuery()) {
            while (t.next()) {
              sql.add(
                  "ALTER PUBLICATION "
                      + name
                      + " ADD TABLE "
                      + t.getString(1)
                      + (t.getString(3) != null ? " (" + t.getString(3) + ")" : "")
                      + (t.getString(2) != null ? " WHERE (" + t.getString(2) + ")" : ""));
            }
          }
          try (ResultSet t = inSchemas.executeQuery()) {
            while (t.next()) {
              sql.add("ALTER PUBLICATION " + name + " ADD TABLES IN SCHEMA " + t.getString(1));
            }
          }
          out.add(new PostgresSchema.SchemaObject("publication", null, r.getString(2), null, sql));
        }
      }
    }
    return out;
  }

  /**
   * An aggregate's final function (its extra arguments, what it may do to the state) and initial
   * condition, of its plain state ({@code prefix} "") or its moving one ("M").
   */
  private static void finalAndInitial(
      List<String> parts,
      String prefix,
      String finalFunction,
      boolean extra,
      String modify,
      String initial) {
    if (finalFunction != null) {
      parts.add(prefix + "FINALFUNC = " + finalFunction);
    }
    if (extra) {
      parts.add(prefix + "FINALFUNC_EXTRA");
    }
    if (finalFunction != null) {
      parts.add(
          prefix
              + "FINALFUNC_MODIFY = "
              + switch (modify) {
                case "s" -> "SHAREABLE";
                case "w" -> "READ_WRITE";
                default -> "READ_ONLY";
              });
    }
    if (initial != null) {
      parts.add(prefix + "INITCOND = " + Pg.literal(initial));
    }
  }
}
