package dev.porter.core.postgres;

import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.ForeignKeyDef;
import dev.porter.core.model.Generated;
import dev.porter.core.model.IndexDef;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.PostgresSchema;
import dev.porter.core.model.SourceInfo;
import dev.porter.core.model.SourceSchema;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableKind;
import dev.porter.core.model.TableOrder;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a PostgreSQL database's catalog (from pg_catalog) into porter's model. */
final class PgCatalog {
  private PgCatalog() {}

  /** Schemas porter exports by default: every schema but the system ones. */
  static List<String> userSchemas(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema')"
                    + " AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp\\_%'"
                    + " AND nspname NOT LIKE 'porter\\_%' ORDER BY oid");
        ResultSet r = ps.executeQuery()) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  /** The columns of a table, with the type facts porter needs. */
  static List<PgColumn> columns(Connection c, long relid) throws SQLException {
    List<PgColumn> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "WITH RECURSIVE base(attnum, oid, typmod, depth) AS ("
                + "  SELECT a.attnum, a.atttypid, a.atttypmod, 0 FROM pg_attribute a"
                + "  WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped"
                + "  UNION ALL"
                + "  SELECT b.attnum, t.typbasetype, CASE WHEN b.typmod >= 0 THEN b.typmod ELSE t.typtypmod END, b.depth + 1"
                + "  FROM base b JOIN pg_type t ON t.oid = b.oid WHERE t.typtype = 'd')"
                + " SELECT a.attname, format_type(a.atttypid, a.atttypmod), bt.typname, bt.typcategory, b.typmod"
                + " FROM pg_attribute a"
                + " JOIN LATERAL (SELECT * FROM base WHERE base.attnum = a.attnum ORDER BY depth DESC LIMIT 1) b ON true"
                + " JOIN pg_type bt ON bt.oid = b.oid"
                + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
      ps.setLong(1, relid);
      ps.setLong(2, relid);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          out.add(
              new PgColumn(
                  r.getString(1),
                  r.getString(2),
                  r.getString(3),
                  r.getString(4).charAt(0),
                  r.getInt(5)));
        }
      }
    }
    return out;
  }

  /** A relation: its oid, schema, name and kind. */
  record Rel(
      long oid,
      String schema,
      String name,
      char kind,
      boolean partition,
      String porterName,
      boolean unlogged,
      List<String> storage) {}

  static List<Rel> relations(Connection c, List<String> schemas) throws SQLException {
    List<Rel> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relispartition,"
                + " c.relpersistence = 'u', coalesce(c.reloptions, '{}') FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY (?) ORDER BY c.oid")) {
      Array a = c.createArrayOf("text", schemas.toArray());
      ps.setArray(1, a);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          out.add(
              new Rel(
                  r.getLong(1),
                  r.getString(2),
                  r.getString(3),
                  r.getString(4).charAt(0),
                  r.getBoolean(5),
                  Pg.porterName(r.getString(2), r.getString(3)),
                  r.getBoolean(6),
                  Arrays.asList((String[]) r.getArray(7).getArray())));
        }
      }
    }
    return out;
  }

  static SourceSchema read(Connection c, DatabaseRef ref, List<String> schemas)
      throws SQLException {
    List<Rel> rels = relations(c, schemas);
    Map<Long, Rel> byOid = new HashMap<>();
    for (Rel r : rels) {
      byOid.put(r.oid(), r);
    }
    List<TableDef> tables = new ArrayList<>();
    List<PostgresSchema.Table> pgTables = new ArrayList<>();
    for (Rel rel : rels) {
      List<PgColumn> cols = columns(c, rel.oid());
      Map<String, String> identities = new LinkedHashMap<>();
      Map<String, String> generated = new LinkedHashMap<>();
      Map<String, String> defaults = new LinkedHashMap<>();
      Map<String, Boolean> notNull = new LinkedHashMap<>();
      Map<String, String> collations = new LinkedHashMap<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT a.attname, a.attnotnull, a.attidentity, a.attgenerated, pg_get_expr(d.adbin, d.adrelid),"
                  // a collation other than the type's own, as pg_dump writes it
                  + " CASE WHEN a.attcollation <> t.typcollation THEN"
                  + " quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END"
                  + " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                  + " JOIN pg_type t ON t.oid = a.atttypid"
                  + " LEFT JOIN pg_collation co ON co.oid = a.attcollation"
                  + " LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
                  + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
        ps.setLong(1, rel.oid());
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            String n = r.getString(1);
            notNull.put(n, r.getBoolean(2));
            String ident = r.getString(3);
            if (ident != null && !ident.isEmpty()) {
              identities.put(n, ident);
            }
            String gen = r.getString(4);
            if (gen != null && !gen.isEmpty()) {
              generated.put(n, r.getString(5));
            } else if (r.getString(5) != null) {
              defaults.put(n, r.getString(5));
            }
            if (r.getString(6) != null) {
              collations.put(n, r.getString(6));
            }
          }
        }
      }
      List<ColumnDef> columns = new ArrayList<>();
      for (PgColumn pc : cols) {
        columns.add(
            new ColumnDef(
                pc.name(),
                pc.declared(),
                pc.logical(),
                !notNull.getOrDefault(pc.name(), false),
                generated.containsKey(pc.name()) ? Generated.STORED : Generated.NO,
                defaults.get(pc.name())));
      }
      List<PostgresSchema.Constraint> constraints = new ArrayList<>();
      List<String> pk = new ArrayList<>();
      List<ForeignKeyDef> fks = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT co.conname, co.contype, pg_get_constraintdef(co.oid), co.conkey, co.confrelid, co.confkey,"
                  + " co.confupdtype, co.confdeltype, co.condeferrable"
                  + " FROM pg_constraint co WHERE co.conrelid = ? AND co.contype IN ('p', 'u', 'c', 'f', 'x')"
                  + " AND (co.conparentid = 0 OR co.conparentid IS NULL) ORDER BY co.contype = 'f', co.oid")) {
        ps.setLong(1, rel.oid());
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            String type = r.getString(2);
            constraints.add(new PostgresSchema.Constraint(r.getString(1), type, r.getString(3)));
            List<String> keyCols = attnames(c, rel.oid(), toShorts(r.getArray(4)));
            if (type.equals("p")) {
              pk.addAll(keyCols);
            } else if (type.equals("f")) {
              Rel ref2 = byOid.get(r.getLong(5));
              String refName = ref2 != null ? ref2.porterName() : refName(c, r.getLong(5));
              List<String> refCols =
                  ref2 != null ? attnames(c, ref2.oid(), toShorts(r.getArray(6))) : List.of();
              fks.add(
                  new ForeignKeyDef(
                      keyCols,
                      refName,
                      refCols,
                      action(r.getString(7)),
                      action(r.getString(8)),
                      r.getBoolean(9)));
            }
          }
        }
      }
      List<String> indexes = new ArrayList<>();
      List<IndexDef> indexDefs = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT ic.relname, pg_get_indexdef(i.indexrelid), i.indisunique,"
                  + " EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid)"
                  + " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = ?"
                  + " AND NOT EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = i.indexrelid) ORDER BY ic.oid")) {
        ps.setLong(1, rel.oid());
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            boolean ofConstraint = r.getBoolean(4);
            if (!ofConstraint) {
              // a partitioned table's index: recreate it on the partitions too
              indexes.add(r.getString(2).replace(" ON ONLY ", " ON "));
            }
            indexDefs.add(
                new IndexDef(
                    r.getString(1), List.of(), r.getBoolean(3), ofConstraint ? "constraint" : "c"));
          }
        }
      }
      String partKey = null;
      String partOf = null;
      String bound = null;
      if (rel.kind() == 'p') {
        partKey = Pg.string(c, "SELECT pg_get_partkeydef(" + rel.oid() + ")");
      }
      if (rel.partition()) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT i.inhparent, pg_get_expr(cl.relpartbound, cl.oid) FROM pg_inherits i"
                    + " JOIN pg_class cl ON cl.oid = i.inhrelid WHERE i.inhrelid = ?")) {
          ps.setLong(1, rel.oid());
          try (ResultSet r = ps.executeQuery()) {
            if (r.next()) {
              Rel parent = byOid.get(r.getLong(1));
              partOf = parent != null ? parent.porterName() : null;
              bound = r.getString(2);
            }
          }
        }
      }
      pgTables.add(
          new PostgresSchema.Table(
              rel.porterName(),
              rel.schema(),
              rel.name(),
              partKey,
              partOf,
              bound,
              identities,
              generated,
              constraints,
              indexes,
              inherits(c, rel, byOid),
              collations,
              rel.unlogged(),
              rel.storage()));
      if (!rel.partition()) {
        tables.add(
            new TableDef(
                rel.porterName(),
                TableKind.TABLE,
                columns,
                pk,
                fks,
                indexDefs,
                null,
                false,
                false,
                !identities.isEmpty()));
      }
    }
    PostgresSchema extras =
        new PostgresSchema(
            schemas,
            enums(c, schemas),
            domains(c, schemas),
            sequences(c, schemas, byOid),
            pgTables,
            PgObjects.objects(c, schemas),
            PgObjects.notCarried(c, schemas),
            Pg.number(c, "SELECT count(*) FROM pg_largeobject_metadata"));
    String version = Pg.string(c, "SHOW server_version");
    SourceInfo info = new SourceInfo(DatabaseRef.POSTGRESQL, version, ref.displayName());
    List<TableDef> ordered = new ArrayList<>(TableOrder.referencedFirst(tables));
    if (extras.largeObjects() > 0) {
      ordered.add(LARGE_OBJECTS_TABLE); // last: nothing refers to it
    }
    return new SourceSchema(info, ordered, null, extras);
  }

  /**
   * The archive's table of a database's large objects: each object in chunks of at most {@link
   * #LARGE_OBJECT_CHUNK} bytes, in order of object id and offset; an empty object is one chunk of
   * no bytes. Its owner and access list (as PostgreSQL prints an {@code aclitem[]}) come with its
   * first chunk.
   */
  static final TableDef LARGE_OBJECTS_TABLE =
      new TableDef(
          "pg_catalog.pg_largeobject",
          TableKind.LARGE_OBJECTS,
          List.of(
              new ColumnDef("loid", "oid", LogicalType.INTEGER, false, Generated.NO, null),
              new ColumnDef("offset", "bigint", LogicalType.INTEGER, false, Generated.NO, null),
              new ColumnDef("data", "bytea", LogicalType.BLOB, false, Generated.NO, null),
              new ColumnDef("owner", "name", LogicalType.TEXT, true, Generated.NO, null),
              new ColumnDef("acl", "aclitem[]", LogicalType.TEXT, true, Generated.NO, null)),
          List.of("loid", "offset"),
          List.of(),
          List.of(),
          null,
          false,
          false,
          false);

  /** The largest chunk of a large object in the archive: 256 KiB. */
  static final int LARGE_OBJECT_CHUNK = 1 << 18;

  /** The porter names of the exported tables {@code rel} inherits from (not a partition's). */
  private static List<String> inherits(Connection c, Rel rel, Map<Long, Rel> byOid)
      throws SQLException {
    if (rel.partition()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT inhparent FROM pg_inherits WHERE inhrelid = ? ORDER BY inhseqno")) {
      ps.setLong(1, rel.oid());
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          Rel parent = byOid.get(r.getLong(1));
          if (parent != null) {
            out.add(parent.porterName());
          }
        }
      }
    }
    return out;
  }

  private static Short[] toShorts(Array a) throws SQLException {
    if (a == null) {
      return new Short[0];
    }
    Object o = a.getArray();
    if (o instanceof Short[] s) {
      return s;
    }
    Object[] arr = (Object[]) o;
    Short[] out = new Short[arr.length];
    for (int i = 0; i < arr.length; i++) {
      out[i] = ((Number) arr[i]).shortValue();
    }
    return out;
  }

  /** Column names by attribute number (numbers skip dropped columns, so positions will not do). */
  private static List<String> attnames(Connection c, long relid, Short[] nums) throws SQLException {
    Map<Short, String> names = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT attnum, attname FROM pg_attribute WHERE attrelid = ? AND attnum > 0")) {
      ps.setLong(1, relid);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          names.put(r.getShort(1), r.getString(2));
        }
      }
    }
    List<String> out = new ArrayList<>();
    for (Short n : nums) {
      out.add(names.get(n));
    }
    return out;
  }

  private static String refName(Connection c, long oid) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ?")) {
      ps.setLong(1, oid);
      try (ResultSet r = ps.executeQuery()) {
        return r.next() ? Pg.porterName(r.getString(1), r.getString(2)) : "?";
      }
    }
  }

  private static String action(String code) {
    return switch (code) {
      case "c" -> "CASCADE";
      case "n" -> "SET NULL";
      case "d" -> "SET DEFAULT";
      case "r" -> "RESTRICT";
      default -> "NO ACTION";
    };
  }

  private static List<PostgresSchema.EnumType> enums(Connection c, List<String> schemas)
      throws SQLException {
    List<PostgresSchema.EnumType> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT n.nspname, t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[]"
                + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid"
                + " WHERE n.nspname = ANY (?) GROUP BY n.nspname, t.typname, t.oid ORDER BY t.oid")) {
      ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          out.add(
              new PostgresSchema.EnumType(
                  r.getString(1),
                  r.getString(2),
                  Arrays.asList((String[]) r.getArray(3).getArray())));
        }
      }
    }
    return out;
  }

  private static List<PostgresSchema.Domain> domains(Connection c, List<String> schemas)
      throws SQLException {
    List<PostgresSchema.Domain> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod)"
                + " || CASE WHEN t.typcollation <> (SELECT b.typcollation FROM pg_type b WHERE b.oid = t.typbasetype)"
                + " THEN ' COLLATE ' || (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)"
                + " FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace"
                + " WHERE co.oid = t.typcollation) ELSE '' END, t.typdefault, t.typnotnull,"
                + " coalesce((SELECT array_agg(pg_get_constraintdef(co.oid) ORDER BY co.oid)::text[] FROM pg_constraint co WHERE co.contypid = t.oid AND co.contype = 'c'), '{}')"
                + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd' AND n.nspname = ANY (?) ORDER BY t.oid")) {
      ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          out.add(
              new PostgresSchema.Domain(
                  r.getString(1),
                  r.getString(2),
                  r.getString(3),
                  r.getString(4),
                  r.getBoolean(5),
                  Arrays.asList((String[]) r.getArray(6).getArray())));
        }
      }
    }
    return out;
  }

  private static List<PostgresSchema.Sequence> sequences(
      Connection c, List<String> schemas, Map<Long, Rel> rels) throws SQLException {
    List<PostgresSchema.Sequence> out = new ArrayList<>();
    List<Object[]> seqs = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,"
                + " d.refobjid, a.attname, d.deptype"
                + " FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
                + " LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                + " WHERE n.nspname = ANY (?) ORDER BY c.oid")) {
      ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          Rel owner = r.getObject(10) == null ? null : rels.get(r.getLong(10));
          seqs.add(
              new Object[] {
                r.getString(1),
                r.getString(2),
                r.getString(3),
                r.getLong(4),
                r.getLong(5),
                r.getLong(6),
                r.getLong(7),
                r.getLong(8),
                r.getBoolean(9),
                owner == null || r.getString(11) == null
                    ? null
                    : owner.porterName() + "." + r.getString(11),
                "i".equals(r.getString(12))
              });
        }
      }
    }
    for (Object[] s : seqs) {
      long last;
      boolean called;
      try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT last_value, is_called FROM "
                      + Pg.qualified((String) s[0], (String) s[1]));
          ResultSet r = ps.executeQuery()) {
        r.next();
        last = r.getLong(1);
        called = r.getBoolean(2);
      }
      out.add(
          new PostgresSchema.Sequence(
              (String) s[0],
              (String) s[1],
              (String) s[2],
              (Long) s[3],
              (Long) s[4],
              (Long) s[5],
              (Long) s[6],
              (Long) s[7],
              (Boolean) s[8],
              last,
              called,
              (String) s[9],
              (Boolean) s[10]));
    }
    return out;
  }
}
