package dev.porter.core.postgres;

import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.ForeignKeyDef;
import dev.porter.core.model.Generated;
import dev.porter.core.model.IndexDef;
import dev.porter.core.model.PostgresSchema;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableEntry;
import dev.porter.core.model.TableKind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The schema a plain restore creates in PostgreSQL, in two halves: {@link #before} the rows
 * (schemas, types, sequences, tables) and {@link #after} them (keys, checks, indexes, foreign
 * keys), so loading is fast and every constraint is checked once, against all the data.
 */
final class PgDdl {
  final List<String> before = new ArrayList<>();
  final List<String> after = new ArrayList<>();

  /**
   * Extensions, composite and range types, then functions, procedures and aggregates, tried where
   * {@link #routinesAt} says in {@link #before} (after the schemas and enum types: a domain's check
   * or a column's default may call one); one that needs a table's row type is tried again after the
   * tables.
   */
  final List<PostgresSchema.SchemaObject> routines = new ArrayList<>();

  int routinesAt;

  /**
   * Where in {@link #before} the routines that failed are tried a second time: after the domains (a
   * composite type may have a domain's attribute), before the tables that may use them.
   */
  int retryAt;

  /**
   * Views and materialized views, then triggers, row-level security, comments: created after the
   * rows and every constraint (a policy forced on the owner would filter the load).
   */
  final List<PostgresSchema.SchemaObject> afterRows = new ArrayList<>();

  /** porter table name → schema and table it is created as. */
  final java.util.Map<String, String[]> names = new java.util.LinkedHashMap<>();

  /** From an archive of a PostgreSQL database: its recorded schema, recreated. */
  static PgDdl fromPostgres(ArchiveHeader h) {
    PgDdl d = new PgDdl();
    PostgresSchema s = h.postgresql();
    for (String schema : s.schemas()) {
      d.before.add("CREATE SCHEMA IF NOT EXISTS " + Pg.quote(schema));
    }
    for (PostgresSchema.EnumType e : s.enums()) {
      List<String> labels = new ArrayList<>();
      for (String l : e.labels()) {
        labels.add(Pg.literal(l));
      }
      d.before.add(
          "CREATE TYPE "
              + Pg.qualified(e.schema(), e.name())
              + " AS ENUM ("
              + String.join(", ", labels)
              + ")");
    }
    d.routinesAt = d.before.size();
    take(
        s,
        d.routines,
        Set.of("extension"),
        Set.of("collation"),
        Set.of("text search dictionary"),
        Set.of("text search configuration"),
        Set.of("type"));
    take(s, d.routines, Set.of("function", "procedure", "aggregate"));
    take(
        s,
        d.afterRows,
        Set.of("view", "materialized view"),
        Set.of("trigger"),
        Set.of("rule"),
        Set.of("statistics"),
        Set.of("row security"),
        Set.of("comment"),
        Set.of("privileges"),
        Set.of("default privileges"),
        Set.of("owner"),
        Set.of("publication"));
    for (PostgresSchema.Domain dom : s.domains()) {
      StringBuilder b =
          new StringBuilder(
              "CREATE DOMAIN " + Pg.qualified(dom.schema(), dom.name()) + " AS " + dom.baseType());
      if (dom.defaultSql() != null) {
        b.append(" DEFAULT ").append(dom.defaultSql());
      }
      if (dom.notNull()) {
        b.append(" NOT NULL");
      }
      for (String c : dom.checks()) {
        b.append(' ').append(c);
      }
      d.before.add(b.toString());
    }
    d.retryAt = d.before.size();
    for (PostgresSchema.Sequence q : s.sequences()) {
      if (q.identity()) {
        continue; // the identity column creates its own
      }
      d.before.add(
          "CREATE SEQUENCE "
              + Pg.qualified(q.schema(), q.name())
              + " AS "
              + q.dataType()
              + sequenceOptions(q));
    }
    java.util.Map<String, TableDef> defs = new java.util.HashMap<>();
    for (TableEntry e : h.tables()) {
      defs.put(e.table().name(), e.table());
    }
    // Partitioned parents before their partitions; partitions copy the parent's columns.
    List<PostgresSchema.Table> ordered = new ArrayList<>();
    for (PostgresSchema.Table t : s.tables()) {
      if (t.partitionOf() == null) {
        ordered.add(t);
      }
    }
    for (PostgresSchema.Table t : s.tables()) {
      if (t.partitionOf() != null) {
        ordered.add(t);
      }
    }
    for (PostgresSchema.Table t : ordered) {
      String q = Pg.qualified(t.schema(), t.table());
      d.names.put(t.name(), new String[] {t.schema(), t.table()});
      if (t.partitionOf() != null) {
        PostgresSchema.Table parent = PgSource.pgTable(s, t.partitionOf());
        d.before.add(
            "CREATE TABLE "
                + q
                + " PARTITION OF "
                + Pg.qualified(parent.schema(), parent.table())
                + " "
                + t.partitionBound()
                + (t.partitionKey() != null ? " PARTITION BY " + t.partitionKey() : "")
                + storage(t));
      } else {
        TableDef def = defs.get(t.name());
        List<String> cols = new ArrayList<>();
        for (ColumnDef c : def.columns()) {
          StringBuilder b =
              new StringBuilder(Pg.quote(c.name())).append(' ').append(c.declaredType());
          String collation = t.collations().get(c.name());
          if (collation != null) {
            b.append(" COLLATE ").append(collation);
          }
          String gen = t.generated().get(c.name());
          String ident = t.identities().get(c.name());
          if (gen != null) {
            b.append(" GENERATED ALWAYS AS (").append(gen).append(") STORED");
          } else if (ident != null) {
            b.append(" GENERATED ")
                .append(ident.equals("a") ? "ALWAYS" : "BY DEFAULT")
                .append(" AS IDENTITY")
                .append(identityOptions(s, t.name() + "." + c.name()));
          } else if (c.defaultSql() != null) {
            b.append(" DEFAULT ").append(c.defaultSql());
          }
          if (!c.nullable()) {
            b.append(" NOT NULL");
          }
          cols.add(b.toString());
        }
        List<String> parents = new ArrayList<>();
        for (String p : t.inherits()) {
          String[] pn = d.names.get(p);
          if (pn != null) {
            parents.add(Pg.qualified(pn[0], pn[1]));
          }
        }
        d.before.add(
            "CREATE "
                + (t.unlogged() ? "UNLOGGED " : "")
                + "TABLE "
                + q
                + " ("
                + String.join(", ", cols)
                + ")"
                + (parents.isEmpty() ? "" : " INHERITS (" + String.join(", ", parents) + ")")
                + (t.partitionKey() != null ? " PARTITION BY " + t.partitionKey() : "")
                + storage(t));
      }
      for (PostgresSchema.Constraint c : t.constraints()) {
        if (c.type().equals("c") && inheritedCheck(s, t, c)) {
          continue; // the parent's ADD CONSTRAINT gives it to this table too
        }
        if (!c.type().equals("f")) {
          d.after.add(
              "ALTER TABLE " + q + " ADD CONSTRAINT " + Pg.quote(c.name()) + " " + c.definition());
        }
      }
      d.after.addAll(t.indexes());
    }
    for (PostgresSchema.Table t : ordered) {
      for (PostgresSchema.Constraint c : t.constraints()) {
        if (c.type().equals("f")) {
          d.after.add(
              "ALTER TABLE "
                  + Pg.qualified(t.schema(), t.table())
                  + " ADD CONSTRAINT "
                  + Pg.quote(c.name())
                  + " "
                  + c.definition());
        }
      }
    }
    for (PostgresSchema.Sequence q : s.sequences()) {
      if (q.ownedBy() != null && !q.identity()) {
        int dot = q.ownedBy().lastIndexOf('.');
        String[] tn = d.names.get(q.ownedBy().substring(0, dot));
        if (tn != null) {
          d.after.add(
              "ALTER SEQUENCE "
                  + Pg.qualified(q.schema(), q.name())
                  + " OWNED BY "
                  + Pg.qualified(tn[0], tn[1])
                  + "."
                  + Pg.quote(q.ownedBy().substring(dot + 1)));
        }
      }
    }
    return d;
  }

  /**
   * Adds the archive's schema objects to {@code to}, group after group, each group's kinds in the
   * archive's (creation) order.
   */
  @SafeVarargs
  private static void take(
      PostgresSchema s, List<PostgresSchema.SchemaObject> to, Set<String>... groups) {
    for (Set<String> kinds : groups) {
      for (PostgresSchema.SchemaObject o : s.objects()) {
        if (kinds.contains(o.kind())) {
          to.add(o);
        }
      }
    }
  }

  /**
   * A table's storage parameters as a WITH clause ({@code fillfactor=70} → {@code 'fillfactor' =
   * '70'}).
   */
  private static String storage(PostgresSchema.Table t) {
    List<String> options = new ArrayList<>();
    for (String o : t.storage()) {
      int eq = o.indexOf('=');
      options.add(o.substring(0, eq) + " = " + Pg.literal(o.substring(eq + 1)));
    }
    return options.isEmpty() ? "" : " WITH (" + String.join(", ", options) + ")";
  }

  /**
   * The options of an identity column's sequence, as the source had them (its name, start,
   * increment, bounds, cache, cycle): an application that counts by tens still does after a
   * restore. Empty where the archive has no record of it.
   */
  private static String identityOptions(PostgresSchema s, String ownedBy) {
    for (PostgresSchema.Sequence q : s.sequences()) {
      if (q.identity() && ownedBy.equals(q.ownedBy())) {
        return " (SEQUENCE NAME " + Pg.qualified(q.schema(), q.name()) + sequenceOptions(q) + ")";
      }
    }
    return "";
  }

  /** A sequence's increment, bounds, start, cache and cycle, as CREATE SEQUENCE takes them. */
  private static String sequenceOptions(PostgresSchema.Sequence q) {
    return " INCREMENT BY "
        + q.increment()
        + " MINVALUE "
        + q.min()
        + " MAXVALUE "
        + q.max()
        + " START WITH "
        + q.start()
        + " CACHE "
        + q.cache()
        + (q.cycle() ? " CYCLE" : " NO CYCLE");
  }

  /** Whether a parent of {@code t} (INHERITS) has the CHECK constraint {@code c} by its name. */
  private static boolean inheritedCheck(
      PostgresSchema s, PostgresSchema.Table t, PostgresSchema.Constraint c) {
    for (String p : t.inherits()) {
      PostgresSchema.Table parent = PgSource.pgTable(s, p);
      if (parent != null) {
        for (PostgresSchema.Constraint pc : parent.constraints()) {
          if (pc.type().equals("c") && pc.name().equals(c.name())) {
            return true;
          }
        }
        if (inheritedCheck(s, parent, c)) {
          return true;
        }
      }
    }
    return false;
  }

  /** An index term for PostgreSQL: a column as it is, an expression in parentheses. */
  static String indexTerm(String term) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?is)(.*?)\\s+(ASC|DESC)").matcher(term.strip());
    String body = m.matches() ? m.group(1) : term.strip();
    String direction = m.matches() ? " " + m.group(2).toUpperCase(Locale.ROOT) : "";
    boolean column = body.matches("\"(?:[^\"]|\"\")*\"");
    return (column ? body : "(" + body + ")") + direction;
  }

  /**
   * From an archive of another engine (SQLite): tables in schema public with types mapped from the
   * declared types (docs/cross-engine.md), an identity for each INTEGER PRIMARY KEY.
   */
  static PgDdl fromOtherEngine(ArchiveHeader h) {
    PgDdl d = new PgDdl();
    d.before.add("CREATE SCHEMA IF NOT EXISTS public");
    java.util.Map<String, String> indexSql = new java.util.HashMap<>();
    if (h.sqlite() != null) {
      for (var m : h.sqlite().master()) {
        if ("index".equals(m.type()) && m.sql() != null) {
          indexSql.put(m.name(), m.sql());
        }
      }
    }
    Set<String> names = new LinkedHashSet<>();
    for (TableEntry e : h.tables()) {
      TableDef t = e.table();
      if (t.kind() != TableKind.TABLE || t.name().toLowerCase(Locale.ROOT).startsWith("sqlite_")) {
        continue;
      }
      names.add(t.name());
      d.names.put(t.name(), new String[] {"public", t.name()});
      String q = Pg.qualified("public", t.name());
      List<String> cols = new ArrayList<>();
      boolean rowidKey =
          t.primaryKey().size() == 1
              && t.rowidColumn() == null
              && !t.withoutRowid()
              && t.column(t.primaryKey().get(0)).declaredType().equalsIgnoreCase("INTEGER");
      for (ColumnDef c : t.columns()) {
        if (c.generated() != Generated.NO) {
          continue; // SQLite's generation expression is SQLite SQL
        }
        StringBuilder b =
            new StringBuilder(Pg.quote(c.name())).append(' ').append(pgType(c.declaredType()));
        if (rowidKey && c.name().equals(t.primaryKey().get(0))) {
          b.append(" GENERATED BY DEFAULT AS IDENTITY");
        }
        if (!c.nullable() || t.primaryKey().contains(c.name())) {
          b.append(" NOT NULL");
        }
        cols.add(b.toString());
      }
      d.before.add("CREATE TABLE " + q + " (" + String.join(", ", cols) + ")");
      if (!t.primaryKey().isEmpty()) {
        d.after.add("ALTER TABLE " + q + " ADD PRIMARY KEY (" + idents(t.primaryKey()) + ")");
      }
      List<String> columns = new ArrayList<>();
      for (ColumnDef c : t.columns()) {
        columns.add(c.name());
      }
      for (IndexDef i : t.indexes()) {
        if (i.columns().isEmpty() || "pk".equals(i.origin())) {
          continue;
        }
        String sql = "c".equals(i.origin()) ? indexSql.get(i.name()) : null;
        boolean expression = i.columns().contains(null);
        String terms;
        if (!expression) {
          terms = idents(i.columns());
        } else {
          List<String> written = SqlitePredicate.terms(sql);
          if (written == null) {
            continue; // no statement to read the expressions from
          }
          List<String> spelled = new ArrayList<>();
          for (String term : written) {
            spelled.add(indexTerm(SqlitePredicate.toPostgres(term, columns)));
          }
          terms = String.join(", ", spelled);
        }
        String name =
            i.name().startsWith("sqlite_autoindex")
                ? t.name() + "_" + String.join("_", i.columns()) + "_key"
                : i.name();
        String create =
            "CREATE "
                + (i.unique() ? "UNIQUE " : "")
                + "INDEX "
                + Pg.quote(name)
                + " ON "
                + q
                + " ("
                + terms
                + ")";
        String where = SqlitePredicate.where(sql);
        if (where == null && !expression) {
          d.after.add(create);
        } else {
          // SQLite SQL in a predicate or an expression, which PostgreSQL may refuse: the index is
          // then reported, not fatal (ADR 0024)
          d.afterRows.add(
              new PostgresSchema.SchemaObject(
                  where != null ? "partial index" : "expression index",
                  "public",
                  name,
                  t.name(),
                  List.of(
                      where == null
                          ? create
                          : create + " WHERE " + SqlitePredicate.toPostgres(where, columns))));
        }
      }
    }
    if (h.sqlite() != null) {
      // views, in SQLite's SQL with the names of tables, columns and views spelled as created
      List<String> known = new ArrayList<>();
      for (TableEntry e : h.tables()) {
        known.add(e.table().name());
        for (ColumnDef c : e.table().columns()) {
          known.add(c.name());
        }
      }
      for (var m : h.sqlite().master()) {
        if ("view".equals(m.type())) {
          known.add(m.name());
        }
      }
      for (var m : h.sqlite().master()) {
        if (!"view".equals(m.type())) {
          continue;
        }
        String body = SqlitePredicate.viewBody(m.sql());
        d.afterRows.add(
            new PostgresSchema.SchemaObject(
                "view",
                "public",
                m.name(),
                null,
                List.of(
                    "CREATE VIEW "
                        + Pg.qualified("public", m.name())
                        + " "
                        + (body == null ? "" : SqlitePredicate.toPostgres(body, known)))));
      }
    }
    for (TableEntry e : h.tables()) {
      TableDef t = e.table();
      if (!names.contains(t.name())) {
        continue;
      }
      for (ForeignKeyDef fk : t.foreignKeys()) {
        String ref = resolve(names, fk.referencedTable());
        if (ref == null) {
          continue;
        }
        TableDef rt = header(h, ref);
        List<String> refCols =
            fk.referencedColumns().isEmpty() ? rt.primaryKey() : fk.referencedColumns();
        d.after.add(
            "ALTER TABLE "
                + Pg.qualified("public", t.name())
                + " ADD FOREIGN KEY ("
                + idents(fk.columns())
                + ") REFERENCES "
                + Pg.qualified("public", ref)
                + " ("
                + idents(refCols)
                + ")"
                + action("UPDATE", fk.onUpdate())
                + action("DELETE", fk.onDelete()));
      }
    }
    return d;
  }

  private static TableDef header(ArchiveHeader h, String name) {
    for (TableEntry e : h.tables()) {
      if (e.table().name().equals(name)) {
        return e.table();
      }
    }
    return null;
  }

  private static String resolve(Set<String> names, String ref) {
    for (String n : names) {
      if (n.equalsIgnoreCase(ref)) {
        return n;
      }
    }
    return null;
  }

  private static String action(String what, String a) {
    return a == null || a.equalsIgnoreCase("NO ACTION")
        ? ""
        : " ON " + what + " " + a.toUpperCase(Locale.ROOT);
  }

  private static String idents(List<String> cols) {
    List<String> q = new ArrayList<>();
    for (String c : cols) {
      q.add(Pg.quote(c));
    }
    return String.join(", ", q);
  }

  /**
   * A SQLite declared type as a PostgreSQL type, by SQLite's affinity rules and common names
   * (docs/cross-engine.md).
   */
  static String pgType(String declared) {
    String d = declared.toUpperCase(Locale.ROOT).trim();
    if (d.isEmpty() || d.startsWith("INTERVAL") || d.startsWith("POINT")) {
      return "text"; // not integers, though SQLite's affinity rule reads INT in them
    }
    if (d.contains("INT")) {
      return "bigint";
    }
    if (d.contains("BOOL")) {
      return "boolean";
    }
    if (d.startsWith("UUID")) {
      return "uuid";
    }
    if (d.startsWith("JSON")) {
      return "json";
    }
    if (d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT")) {
      return "text";
    }
    if (d.contains("BLOB")) {
      return "bytea";
    }
    if (d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB")) {
      return "double precision";
    }
    if (d.startsWith("TIMESTAMPTZ") || d.startsWith("TIMESTAMP WITH TIME ZONE")) {
      return "timestamptz";
    }
    if (d.startsWith("DATETIME") || d.startsWith("TIMESTAMP")) {
      return "timestamp";
    }
    if (d.equals("DATE")) {
      return "date";
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "(?:NUMERIC|DECIMAL)\\s*\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\)")
            .matcher(d);
    if (m.find()) {
      return "numeric(" + m.group(1) + "," + (m.group(2) == null ? "0" : m.group(2)) + ")";
    }
    if (d.contains("NUM") || d.contains("DEC") || d.contains("MONEY")) {
      return "numeric";
    }
    // TIME, STRING, ANY, YEAR…: SQLite keeps such values as it got them, mostly text; text
    // takes every value (numbers as their decimal form), numeric would refuse the text ones
    return "text";
  }
}
