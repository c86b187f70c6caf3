package dev.porter.core.postgres;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.app.VersionProbe;
import dev.porter.core.dialect.Baseline;
import dev.porter.core.dialect.Check;
import dev.porter.core.dialect.CommitResult;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.dialect.LoadMode;
import dev.porter.core.dialect.RowSink;
import dev.porter.core.dialect.Target;
import dev.porter.core.dialect.TargetOptions;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.DecimalText;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.PostgresSchema;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableEntry;
import dev.porter.core.model.TableKind;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Imports into PostgreSQL inside ONE transaction, from the first DDL to the COMMIT that makes the
 * result visible: a failure, or a kill at any moment, rolls everything back and leaves the database
 * as it was. In replace mode the schemas being replaced are renamed inside that transaction to
 * {@code porter_<label>_<stamp>_<schema>} (the pre-image, kept until cleanup), so the swap is the
 * COMMIT itself. Foreign keys are dropped and re-added around the load (checked once against all
 * the rows, no superuser needed) and user triggers are disabled while rows are loaded.
 */
final class PgTarget implements Target {
  static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd't'HHmmss'z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Pattern COPY_CONTEXT =
      Pattern.compile("COPY [^,]+, line (\\d+)(?:, column ([^:]+))?");
  private static final long BUFFER_BUDGET = 32L << 20;
  private static final HexFormat HEX = HexFormat.of();

  /**
   * Why writers wait: the replaced schemas' tables are SHARE-locked from before their renaming to
   * the COMMIT, so that no write lands in what becomes the pre-image.
   */
  private static final String HOLDER = "an import in replace mode holds them off until its swap";

  private final DatabaseRef ref;
  private final TargetOptions options;
  private final Connection conn;
  private final CopyManager copy;
  private final String stamp;
  private final List<String> preImageSchemas = new ArrayList<>();

  /** Pre-image schema → the name it had, for the schemas this import renamed away. */
  private final Map<String, String> renamedAway = new LinkedHashMap<>();

  private final List<String> droppedForeignKeys = new ArrayList<>();
  private final List<String> disabledTriggers = new ArrayList<>();
  private final List<Sink> sinks = new ArrayList<>();

  /** The sink whose COPY is open on the connection, and that COPY. */
  private Sink streaming;

  private org.postgresql.copy.CopyIn active;
  private final Set<String> loadedTables = new LinkedHashSet<>();

  /**
   * The tables this transaction created (qualified names): COPY loads them with FREEZE, see {@link
   * #loader}.
   */
  private final Set<String> createdHere = new java.util.HashSet<>();

  private PgDdl ddl;
  private String preImagePrefix;
  private boolean intoExisting;
  private boolean committed;
  private long buffered;
  private int mergeTables;
  private int foreignKeysChecked;

  /** Schema objects recreated, and those that could not be, with the server's reason. */
  private int objectsCreated;

  private final List<String> objectsMissing = new ArrayList<>();

  /** The user schemas that held objects of the target's own when this import began. */
  private final Set<String> targetSchemas = new java.util.HashSet<>();

  /** Why each schema object that failed did, in its last attempt. */
  private final Map<PostgresSchema.SchemaObject, String> objectReasons = new java.util.HashMap<>();

  /** The archive's large objects, once their member has been loaded. */
  private LargeObjectSink largeObjects;

  /**
   * Recreates large objects chunk by chunk ({@code lo_create}, {@code lo_put}) in the import's
   * transaction, with their owners. One the target already has is compared chunk by chunk instead:
   * the same contents are kept as they are, other contents refuse the import (large objects belong
   * to no schema, so a replace has no pre-image to keep them in).
   */
  private final class LargeObjectSink implements RowSink {
    private final String table;
    private long rows;
    private long created;
    private long unchanged;
    private long bytes;
    private long oid = -1;
    private boolean existed;
    private long size;
    private final Map<String, Boolean> ownerUsable = new java.util.HashMap<>();
    private final Set<String> ownersNotSet = new LinkedHashSet<>();
    private final List<String> aclsNotSet = new ArrayList<>();

    LargeObjectSink(String table) {
      this.table = table;
    }

    @Override
    public void accept(Object[] row) {
      long id = (Long) row[0];
      long offset = (Long) row[1];
      byte[] data = (byte[]) row[2];
      try {
        if (offset == 0) {
          endObject();
          begin(id, (String) row[3], (String) row[4]);
        } else if (id != oid || offset != size) {
          throw PorterException.corrupt(
              "archive table "
                  + table
                  + ": a chunk of large object "
                  + id
                  + " at offset "
                  + offset
                  + " does not follow the one before it");
        }
        if (existed) {
          Object[] same =
              Pg.first(
                  conn, "SELECT lo_get(?::bigint::oid, ?, ?) = ?", id, offset, data.length, data);
          if (!Boolean.TRUE.equals(same[0])) {
            throw differs(id);
          }
        } else if (data.length > 0) {
          Pg.first(conn, "SELECT lo_put(?::bigint::oid, ?, ?)", id, offset, data);
        }
        size += data.length;
        bytes += data.length;
        rows++;
      } catch (SQLException e) {
        throw Pg.failure("cannot restore large object " + id + " into", ref, e);
      }
    }

    private void begin(long id, String owner, String acl) throws SQLException {
      oid = id;
      size = 0;
      // one round trip: created here, or the target's own already
      Object[] made =
          Pg.first(
              conn,
              "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_largeobject_metadata"
                  + " WHERE oid = ?::bigint::oid) THEN false"
                  + " ELSE lo_create(?::bigint::oid) IS NOT NULL END, current_user",
              id,
              id);
      existed = !Boolean.TRUE.equals(made[0]);
      if (owner != null && owner.equals(made[1])) {
        owner = null; // created as its owner already
      }
      if (existed) {
        return; // the target's own: its owner too
      }
      created++;
      if (owner != null && ownerUsable.computeIfAbsent(owner, this::mayOwn)) {
        Pg.exec(conn, "SAVEPOINT porter_lo_owner");
        try {
          Pg.exec(conn, "ALTER LARGE OBJECT " + id + " OWNER TO " + Pg.quote(owner));
          Pg.exec(conn, "RELEASE SAVEPOINT porter_lo_owner");
        } catch (SQLException e) {
          Pg.exec(conn, "ROLLBACK TO SAVEPOINT porter_lo_owner");
          ownerUsable.put(owner, false);
          ownersNotSet.add(owner + " (" + reason(Pg.oneLine(e)) + ")");
        }
      } else if (owner != null && !ownerUsable.get(owner)) {
        ownersNotSet.add(owner + " (not a role this session may give objects to)");
      }
      if (acl != null) {
        grant(id, acl);
      }
    }

    /**
     * Gives an object the access list it had, one GRANT per grantee and grant option, read from the
     * list by the server itself; a grantee the target lacks is named by the check instead.
     */
    private void grant(long id, String acl) throws SQLException {
      Pg.exec(conn, "SAVEPOINT porter_lo_acl");
      try {
        // the server reads the list and writes the statements: one GRANT per grantee and option
        Object[] grants =
            (Object[])
                ((java.sql.Array)
                        Pg.first(
                            conn,
                            "SELECT coalesce(array_agg('GRANT ' || g.privileges || ' ON LARGE OBJECT '"
                                + " || ? || ' TO ' || g.grantee"
                                + " || CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END"
                                + " ORDER BY g.id), '{}') FROM (SELECT a.grantee AS id, a.is_grantable,"
                                + " string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type) AS privileges,"
                                + " CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END"
                                + " AS grantee FROM aclexplode(?::aclitem[]) a"
                                + " LEFT JOIN pg_roles r ON r.oid = a.grantee"
                                + " GROUP BY a.grantee, r.rolname, a.is_grantable) g",
                            Long.toString(id),
                            acl)[0])
                    .getArray();
        for (Object g : grants) {
          Pg.exec(conn, (String) g);
        }
        Pg.exec(conn, "RELEASE SAVEPOINT porter_lo_acl");
      } catch (SQLException e) {
        Pg.exec(conn, "ROLLBACK TO SAVEPOINT porter_lo_acl");
        aclsNotSet.add(id + " (" + reason(Pg.oneLine(e)) + ")");
      }
    }

    /**
     * Whether the role exists and this session may make it an owner (it is that role, or can become
     * it).
     */
    private boolean mayOwn(String role) {
      try {
        Object[] may =
            Pg.first(
                conn,
                "SELECT coalesce((SELECT r.rolname = current_user"
                    + " OR pg_has_role(current_user, r.oid, 'MEMBER')"
                    + " OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
                    + " FROM pg_roles r WHERE r.rolname = ?), false)",
                role);
        return Boolean.TRUE.equals(may[0]);
      } catch (SQLException e) {
        throw Pg.failure("cannot look up role " + role + " in", ref, e);
      }
    }

    /** An object the target had: it must not be longer than the archive's either. */
    private void endObject() throws SQLException {
      if (oid < 0 || !existed) {
        return;
      }
      Object[] beyond =
          Pg.first(conn, "SELECT octet_length(lo_get(?::bigint::oid, ?, 1))", oid, size);
      if (((Number) beyond[0]).longValue() != 0) {
        throw differs(oid);
      }
      unchanged++;
    }

    private PorterException differs(long id) {
      return PorterException.refused(
          "large object "
              + id
              + " of "
              + ref.display()
              + " holds other contents than the archive's; a restore does not replace large"
              + " objects (they belong to no schema, so nothing would keep the old ones): remove it"
              + " or restore into another database; the target was not changed");
    }

    @Override
    public long finish() {
      try {
        endObject();
      } catch (SQLException e) {
        throw Pg.failure("cannot restore large object " + oid + " into", ref, e);
      }
      oid = -1;
      return rows;
    }

    Check check() {
      return new Check(
          "large objects",
          ownersNotSet.isEmpty() && aclsNotSet.isEmpty(),
          created
              + " created, "
              + unchanged
              + " already there with the same contents ("
              + bytes
              + " bytes)"
              + (ownersNotSet.isEmpty()
                  ? ""
                  : "; left to the importing role instead of " + String.join(", ", ownersNotSet))
              + (aclsNotSet.isEmpty()
                  ? ""
                  : "; access lists not given to " + String.join(", ", aclsNotSet)));
    }
  }

  /** What the source held that its archive does not carry, reported by the check. */
  private final List<String> notCarried = new ArrayList<>();

  /** The kinds of schema objects attempted, plural, in the order first met. */
  private final List<String> objectKinds = new ArrayList<>();

  private int foreignKeysAccepted;

  /** The fingerprint of the verified tables, taken by {@link #verify} for the commit to record. */
  private String fingerprint;

  private PgTarget(DatabaseRef ref, TargetOptions options, Connection conn) throws SQLException {
    this.ref = ref;
    this.options = options;
    this.conn = conn;
    this.copy = conn.unwrap(PGConnection.class).getCopyAPI();
    this.stamp = STAMP.format(Instant.now(options.clock()));
  }

  static PgTarget open(DatabaseRef ref, TargetOptions options) {
    Connection c = Pg.connect(ref);
    try {
      c.setAutoCommit(false);
      return new PgTarget(ref, options, c);
    } catch (SQLException e) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // failing anyway
      }
      throw Pg.failure("cannot start the import into", ref, e);
    }
  }

  /** Tables of the database's user schemas: porter name → {schema, table}. */
  static Map<String, String[]> userTables(Connection c) throws SQLException {
    Map<String, String[]> out = new LinkedHashMap<>();
    for (PgCatalog.Rel r : PgCatalog.relations(c, PgCatalog.userSchemas(c))) {
      out.put(r.porterName(), new String[] {r.schema(), r.name()});
    }
    return out;
  }

  /**
   * The tables of the database's user schemas and their row counts (partitions count in their
   * parent).
   */
  static Baseline describe(Connection c) throws SQLException {
    List<String> schemas = PgCatalog.userSchemas(c);
    var schema =
        PgCatalog.read(c, DatabaseRef.parse("jdbc:postgresql://localhost/baseline"), schemas);
    Map<String, Long> rows = new LinkedHashMap<>();
    List<TableDef> tables = new ArrayList<>();
    for (TableDef t : schema.tables()) {
      if (t.kind() == TableKind.LARGE_OBJECTS) {
        continue; // the database's, not the release's: a baseline has tables only
      }
      PostgresSchema.Table pt = PgSource.pgTable(schema.postgresql(), t.name());
      rows.put(
          t.name(), Pg.number(c, "SELECT count(*) FROM " + Pg.qualified(pt.schema(), pt.table())));
      tables.add(t);
    }
    return new Baseline(tables, rows);
  }

  private void exec(String sql) {
    endActiveCopy();
    try {
      Pg.exec(conn, sql);
    } catch (SQLException e) {
      throw new PorterException(
          ErrorCategory.REFUSED,
          "PostgreSQL refused: "
              + Pg.oneLine(e)
              + " (in: "
              + PgValues.abbreviate(sql.replace('\n', ' '))
              + ")",
          e);
    }
  }

  /**
   * Creates functions, procedures, views and triggers from their recorded statements, each in a
   * savepoint, in rounds: one that fails (it needs an object made later in the list, or a table not
   * yet created) is tried again after the others. Function bodies are not checked against tables
   * that may not exist yet ({@code check_function_bodies} off, as pg_dump does). Returns what never
   * succeeded; when {@code last}, records each of them with the server's reason for the report's
   * "schema objects" check instead: the rows matter more than a view, and the check names it.
   */
  private List<PostgresSchema.SchemaObject> createObjects(
      List<PostgresSchema.SchemaObject> objects, boolean last) {
    if (objects.isEmpty()) {
      return List.of();
    }
    endActiveCopy();
    List<PostgresSchema.SchemaObject> pending = new ArrayList<>();
    for (PostgresSchema.SchemaObject o : objects) {
      boolean ofSchema =
          o.kind().equals("owner")
              || o.kind().equals("default privileges")
              || !o.sql().isEmpty()
                  && (o.sql().get(0).startsWith("REVOKE ALL ON SCHEMA ")
                      || o.sql().get(0).startsWith("COMMENT ON SCHEMA "));
      // a database-wide default (no schema) is the target's too, unless it holds nothing of its own
      boolean ofDatabase =
          (o.kind().equals("default privileges") && o.schema() == null
                  || o.kind().equals("publication"))
              && !targetSchemas.isEmpty();
      if (!(ofSchema && targetSchemas.contains(o.schema())) && !ofDatabase) {
        pending.add(o);
      }
    }
    objects = List.copyOf(pending);
    Map<PostgresSchema.SchemaObject, String> reasons = objectReasons;
    try {
      String checkBodies = Pg.string(conn, "SHOW check_function_bodies");
      Pg.exec(conn, "SET LOCAL check_function_bodies = off");
      boolean progress = true;
      while (!pending.isEmpty() && progress) {
        progress = false;
        for (var it = pending.iterator(); it.hasNext(); ) {
          PostgresSchema.SchemaObject o = it.next();
          if (o.kind().equals("owner")) {
            String failed = setOwners(o.sql());
            if (failed == null) {
              it.remove();
              progress = true;
            } else {
              reasons.put(o, failed);
            }
            continue;
          }
          Pg.exec(conn, "SAVEPOINT porter_object");
          try {
            for (String sql : o.sql()) {
              // never replace a function the target has already: fail, and be reported
              Pg.exec(
                  conn, sql.replaceFirst("^CREATE OR REPLACE (FUNCTION|PROCEDURE) ", "CREATE $1 "));
            }
            Pg.exec(conn, "RELEASE SAVEPOINT porter_object");
            it.remove();
            progress = true;
          } catch (SQLException e) {
            Pg.exec(conn, "ROLLBACK TO SAVEPOINT porter_object");
            reasons.put(o, Pg.oneLine(e));
          }
        }
      }
      Pg.exec(
          conn,
          "SELECT set_config('check_function_bodies', " + Pg.literal(checkBodies) + ", true)");
    } catch (SQLException e) {
      throw Pg.failure("cannot create the schema objects in", ref, e);
    }
    objectsCreated += objects.size() - pending.size();
    for (PostgresSchema.SchemaObject o : objects) {
      String kinds =
          switch (o.kind()) {
            case "partial index" -> "partial indexes";
            case "expression index" -> "expression indexes";
            case "row security" -> "row-level security";
            case "comment" -> "comments";
            case "privileges" -> "privileges";
            case "owner" -> "owners";
            case "default privileges" -> "default privileges";
            case "statistics" -> "statistics";
            case "text search dictionary" -> "text search dictionaries";
            case "text search configuration" -> "text search configurations";
            default -> o.kind() + "s";
          };
      if (!objectKinds.contains(kinds)) {
        objectKinds.add(kinds);
      }
    }
    if (last) {
      for (PostgresSchema.SchemaObject o : pending) {
        objectsMissing.add(
            o.kind()
                + " "
                + (o.on() != null
                    ? o.name() + " on " + o.schema() + "." + o.on()
                    : o.kind().equals("comment") || o.kind().equals("privileges")
                        ? o.name() // already qualified
                        : o.kind().equals("owner")
                                || o.kind().equals("default privileges")
                                || o.kind().equals("publication")
                            ? o.name() + (o.schema() != null ? " in " + o.schema() : "")
                            : o.schema() + "." + o.name())
                + " ("
                + reason(reasons.get(o))
                + ")");
      }
      return List.of();
    }
    return pending;
  }

  /**
   * Gives one role its objects, each statement in a savepoint. An object that is not there (it
   * could not be recreated, and is reported as such) is passed over; a role that does not exist, or
   * that this session may not give objects to, fails them all: returns the server's reason.
   */
  private String setOwners(List<String> statements) throws SQLException {
    for (String sql : statements) {
      Pg.exec(conn, "SAVEPOINT porter_owner");
      try {
        Pg.exec(conn, sql);
        Pg.exec(conn, "RELEASE SAVEPOINT porter_owner");
      } catch (SQLException e) {
        Pg.exec(conn, "ROLLBACK TO SAVEPOINT porter_owner");
        // 42704 "role … does not exist", 42501 "must be able to SET ROLE …": the role's fault;
        // anything else is this one object's (not there, reported already)
        if (("42704".equals(e.getSQLState()) || "42501".equals(e.getSQLState()))
            && Pg.oneLine(e).contains("role \"")) {
          return Pg.oneLine(e);
        }
      }
    }
    return null;
  }

  /**
   * A failure to create a type or table, completed with the source's extensions that could not be
   * created here: the likely cause of a missing type or function.
   */
  private PorterException withMissingExtensions(
      PorterException e, List<PostgresSchema.SchemaObject> waiting) {
    List<String> missing = new ArrayList<>();
    for (PostgresSchema.SchemaObject o : waiting) {
      if (o.kind().equals("extension") || o.kind().equals("collation")) {
        missing.add(o.kind() + " " + o.name() + " (" + reason(objectReasons.get(o)) + ")");
      }
    }
    if (missing.isEmpty()) {
      return e;
    }
    return new PorterException(
        e.category(),
        e.getMessage()
            + "; the source database had extensions or collations that could not be created here: "
            + String.join(", ", missing),
        e);
  }

  /** The server's message without its hint, position and context, at most 160 characters. */
  private static String reason(String message) {
    String m = message.replaceFirst("^ERROR: ", "");
    m = m.replaceAll("\\s+(Hint|Position|Where|Detail): .*$", "");
    return m.length() > 160 ? m.substring(0, 160) + "…" : m;
  }

  /** Moves a schema out of the way inside the transaction; it becomes the pre-image. */
  private void renameAway(String schema) throws SQLException {
    if (preImagePrefix == null) {
      preImagePrefix = PgPreImages.freePrefix(conn, options.preImageLabel(), stamp);
    }
    String to = preImagePrefix + schema;
    if (to.getBytes(StandardCharsets.UTF_8).length > 63) {
      throw PorterException.refused(
          "schema "
              + schema
              + " has too long a name to keep as pre-image "
              + to
              + " (PostgreSQL names hold 63 bytes); rename it, or import into another database");
    }
    exec("ALTER SCHEMA " + Pg.quote(schema) + " RENAME TO " + Pg.quote(to));
    preImageSchemas.add(to);
    renamedAway.put(to, schema);
  }

  private boolean schemaHasObjects(String schema) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ?)"
                + " + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ? AND t.typtype IN ('e','d','c') AND t.typrelid = 0)")) {
      ps.setString(1, schema);
      ps.setString(2, schema);
      try (ResultSet r = ps.executeQuery()) {
        r.next();
        return r.getLong(1) > 0;
      }
    }
  }

  @Override
  public Map<String, Long> createSchema(ArchiveHeader header) {
    try {
      List<String> schemas =
          header.postgresql() != null ? header.postgresql().schemas() : List.of("public");
      Map<String, String[]> existing = userTables(conn);
      if (options.mode() == ImportMode.REPLACE) {
        List<String> replaced = new ArrayList<>();
        for (String s : schemas) {
          if (schemaHasObjects(s)) {
            replaced.add(s);
          }
        }
        if (!options.writersHeld()) {
          Pg.holdWriters(conn, replaced, ref, HOLDER);
        }
        for (String s : replaced) {
          renameAway(s);
        }
        Pg.moveExtensions(conn, renamedAway);
        existing = userTables(conn);
      }
      List<String> wanted = new ArrayList<>();
      for (TableEntry e : header.tables()) {
        if (e.member() != null
            && e.table().kind() == TableKind.TABLE
            && !e.table().name().toLowerCase(Locale.ROOT).startsWith("sqlite_")) {
          wanted.add(e.table().name());
        }
      }
      if (options.mode() == ImportMode.NEW) {
        // other tables of the schemas the archive fills must not hold a user's data either
        for (Map.Entry<String, String[]> e : existing.entrySet()) {
          if (!wanted.contains(e.getKey()) && schemas.contains(e.getValue()[0])) {
            long rows =
                Pg.number(
                    conn, "SELECT count(*) FROM " + Pg.qualified(e.getValue()[0], e.getValue()[1]));
            if (rows > 0) {
              throw PorterException.refused(
                  "table "
                      + e.getKey()
                      + " of "
                      + ref.display()
                      + " already holds "
                      + rows
                      + " rows, and the archive has no such table; import into an empty database,"
                      + " or use --mode replace");
            }
          }
        }
      }
      boolean anyExists = wanted.stream().anyMatch(existing::containsKey);
      if (anyExists) {
        // The application created its schema: load into its (empty) tables.
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String t : wanted) {
          String[] st = existing.get(t);
          if (st == null) {
            throw PorterException.refused(
                "target "
                    + ref.display()
                    + " has tables, but not "
                    + t
                    + "; import into an empty database, or use --mode replace");
          }
          rows.put(t, Pg.number(conn, "SELECT count(*) FROM " + Pg.qualified(st[0], st[1])));
        }
        ddl = new PgDdl();
        intoExisting = true;
        prepareLoad();
        return rows;
      }
      ddl =
          header.postgresql() != null ? PgDdl.fromPostgres(header) : PgDdl.fromOtherEngine(header);
      if (header.postgresql() != null) {
        notCarried.addAll(header.postgresql().notCarried());
      }
      // Schemas that already hold the target's own objects (only without --mode replace, which
      // recreates the archive's schemas): their access lists and comments are the target's, not
      // the archive's to change. An empty one, such as a new database's public, takes them.
      if (options.mode() != ImportMode.REPLACE) {
        for (String schema : PgCatalog.userSchemas(conn)) {
          if (schemaHasObjects(schema)) {
            targetSchemas.add(schema);
          }
        }
      }
      List<PostgresSchema.SchemaObject> waiting = List.of();
      for (int i = 0; i <= ddl.before.size(); i++) {
        if (i == ddl.routinesAt) {
          waiting = createObjects(ddl.routines, false);
        }
        if (i == ddl.retryAt && !waiting.isEmpty()) {
          waiting = createObjects(waiting, false);
        }
        if (i < ddl.before.size()) {
          try {
            exec(ddl.before.get(i));
          } catch (PorterException e) {
            throw withMissingExtensions(e, waiting);
          }
        }
      }
      createObjects(waiting, true);
      for (String[] st : ddl.names.values()) {
        createdHere.add(Pg.qualified(st[0], st[1]));
      }
      prepareLoad();
      return Map.of();
    } catch (SQLException e) {
      throw Pg.failure("cannot create the schema in", ref, e);
    }
  }

  @Override
  public Baseline createBaseline(String baselineDdl) {
    try {
      Map<String, String[]> existing = userTables(conn);
      if (!existing.isEmpty() && options.mode() == ImportMode.REPLACE) {
        Set<String> schemas = new LinkedHashSet<>();
        for (String[] st : existing.values()) {
          schemas.add(st[0]);
        }
        if (!options.writersHeld()) {
          Pg.holdWriters(conn, new ArrayList<>(schemas), ref, HOLDER);
        }
        for (String s : schemas) {
          renameAway(s);
        }
        Pg.moveExtensions(conn, renamedAway);
        exec("CREATE SCHEMA IF NOT EXISTS public");
        existing = Map.of();
      }
      if (existing.isEmpty()) {
        exec("SET LOCAL search_path = public");
        try (Statement s = conn.createStatement()) {
          s.execute(baselineDdl);
        } catch (SQLException e) {
          throw PorterException.refused("the baseline DDL fails on PostgreSQL: " + Pg.oneLine(e));
        }
        exec("SET LOCAL search_path = DEFAULT");
        for (String[] st : userTables(conn).values()) {
          createdHere.add(Pg.qualified(st[0], st[1]));
        }
      } else {
        refuseUserData(existing, baselineDdl);
      }
      Baseline b = describe(conn);
      prepareLoad();
      return b;
    } catch (SQLException e) {
      throw Pg.failure("cannot create the baseline in", ref, e);
    }
  }

  /**
   * An app import into a schema the application created: only the tables its baseline DDL fills
   * (seed tables) may hold rows; rows anywhere else are a user's data, which an import must neither
   * skip as seed rows nor mix with the archive's. Which tables the DDL fills is learnt by running
   * it in a scratch schema, rolled back.
   */
  private void refuseUserData(Map<String, String[]> existing, String baselineDdl)
      throws SQLException {
    Set<String> seeded = new LinkedHashSet<>();
    String scratchFailure = null;
    Pg.exec(conn, "SAVEPOINT porter_scratch");
    try {
      Pg.exec(conn, "CREATE SCHEMA porter_scratch");
      Pg.exec(conn, "SET LOCAL search_path = porter_scratch");
      Pg.exec(conn, baselineDdl);
      for (PgCatalog.Rel r : PgCatalog.relations(conn, List.of("porter_scratch"))) {
        if (Pg.number(conn, "SELECT count(*) FROM " + Pg.qualified(r.schema(), r.name())) > 0) {
          seeded.add(r.name());
        }
      }
    } catch (SQLException e) {
      scratchFailure = Pg.oneLine(e);
    } finally {
      Pg.exec(conn, "ROLLBACK TO SAVEPOINT porter_scratch"); // also undoes SET LOCAL
      Pg.exec(conn, "RELEASE SAVEPOINT porter_scratch");
    }
    for (Map.Entry<String, String[]> t : existing.entrySet()) {
      String[] st = t.getValue();
      if ("public".equals(st[0]) && seeded.contains(st[1])) {
        continue;
      }
      long rows = Pg.number(conn, "SELECT count(*) FROM " + Pg.qualified(st[0], st[1]));
      if (rows > 0) {
        throw PorterException.refused(
            "table "
                + t.getKey()
                + " of "
                + ref.display()
                + " already holds "
                + rows
                + " rows, and the release's baseline does not fill it"
                + (scratchFailure == null
                    ? ""
                    : " (as far as porter can tell: the baseline DDL fails in a scratch schema: "
                        + scratchFailure
                        + ")")
                + "; import into an empty database, or use --mode replace");
      }
    }
  }

  /**
   * Drops the foreign keys among the user tables (re-added after the load, so each is checked once
   * against all rows) and disables user triggers (so loaded rows fire none).
   */
  private void prepareLoad() throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT n.nspname, c.relname, co.conname, pg_get_constraintdef(co.oid) FROM pg_constraint co"
                    + " JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE co.contype = 'f' AND (co.conparentid = 0 OR co.conparentid IS NULL)"
                    + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'porter\\_%'")) {
      while (r.next()) {
        String table = Pg.qualified(r.getString(1), r.getString(2));
        droppedForeignKeys.add(
            "ALTER TABLE "
                + table
                + " ADD CONSTRAINT "
                + Pg.quote(r.getString(3))
                + " "
                + r.getString(4));
        droppedForeignKeys.add(
            "ALTER TABLE " + table + " DROP CONSTRAINT " + Pg.quote(r.getString(3)));
      }
    }
    for (int i = 1; i < droppedForeignKeys.size(); i += 2) {
      exec(droppedForeignKeys.get(i));
    }
    try (Statement s = conn.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT DISTINCT n.nspname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal"
                    + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'porter\\_%'")) {
      while (r.next()) {
        disabledTriggers.add(Pg.qualified(r.getString(1), r.getString(2)));
      }
    }
    for (String t : disabledTriggers) {
      exec("ALTER TABLE " + t + " DISABLE TRIGGER USER");
    }
  }

  /**
   * Adds a foreign key, which checks it against every row. With --accept-fk-violations a failing
   * one is added NOT VALID instead: enforced for new rows, the loaded ones as they were.
   */
  private void addForeignKey(String add) {
    endActiveCopy();
    try {
      Pg.exec(conn, "SAVEPOINT porter_fk");
      Pg.exec(conn, add);
      Pg.exec(conn, "RELEASE SAVEPOINT porter_fk");
      foreignKeysChecked++;
    } catch (SQLException e) {
      try {
        Pg.exec(conn, "ROLLBACK TO SAVEPOINT porter_fk");
        if (options.acceptForeignKeyViolations()) {
          Pg.exec(conn, add + " NOT VALID");
          foreignKeysAccepted++;
          return;
        }
      } catch (SQLException again) {
        e.addSuppressed(again);
      }
      throw new PorterException(
          ErrorCategory.VERIFICATION_FAILED,
          "foreign key check failed: "
              + Pg.oneLine(e)
              + "; the target was not changed (--accept-fk-violations loads such data anyway)",
          e);
    }
  }

  private void restoreAfterLoad() {
    for (String t : disabledTriggers) {
      exec("ALTER TABLE " + t + " ENABLE TRIGGER USER");
    }
    for (int i = 0; i < droppedForeignKeys.size(); i += 2) {
      addForeignKey(droppedForeignKeys.get(i));
    }
  }

  @Override
  public RowSink loader(TableDef table, List<String> columns, LoadMode mode) {
    endActiveCopy();
    if (table.kind() == TableKind.LARGE_OBJECTS) {
      largeObjects = new LargeObjectSink(table.name());
      return largeObjects;
    }
    try {
      String[] st = resolve(table.name());
      String qualified = Pg.qualified(st[0], st[1]);
      long oid;
      boolean plainTable;
      try (Statement s = conn.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT oid, relkind = 'r' FROM pg_class WHERE oid = "
                      + Pg.literal(qualified)
                      + "::regclass")) {
        r.next();
        oid = r.getLong(1);
        plainTable = r.getBoolean(2);
      }
      List<PgColumn> all = PgCatalog.columns(conn, oid);
      List<PgColumn> cols = new ArrayList<>();
      for (String name : columns) {
        PgColumn found = null;
        for (PgColumn pc : all) {
          if (pc.name().equals(name)) {
            found = pc;
          }
        }
        if (found == null) {
          for (PgColumn pc : all) {
            if (pc.name().equalsIgnoreCase(name)) {
              found = pc;
            }
          }
        }
        if (found == null) {
          throw PorterException.refused(
              "table " + table.name() + " in " + ref.display() + " has no column " + name);
        }
        cols.add(found);
      }
      if (mode == LoadMode.REPLACE) {
        exec("DELETE FROM " + qualified);
      }
      loadedTables.add(qualified);
      // Rows COPY writes into a table created in the same transaction can be stored frozen and
      // all-visible: nobody else can see the table before the COMMIT, which makes them visible all
      // at once. The application's first reads then set no hint bits, and no later VACUUM has to
      // freeze them. Only a plain table (not a partitioned parent), and only rows simply inserted.
      boolean freeze = mode == LoadMode.INSERT && plainTable && createdHere.contains(qualified);
      Sink s = new Sink(table.name(), st, cols, mode, freeze);
      sinks.add(s);
      return s;
    } catch (SQLException e) {
      throw Pg.failure("cannot load table " + table.name() + " into", ref, e);
    }
  }

  private String[] resolve(String porterName) throws SQLException {
    if (ddl != null && ddl.names.containsKey(porterName)) {
      return ddl.names.get(porterName);
    }
    Map<String, String[]> existing = userTables(conn);
    String[] st = existing.get(porterName);
    if (st == null) {
      for (Map.Entry<String, String[]> e : existing.entrySet()) {
        if (e.getKey().equalsIgnoreCase(porterName)) {
          st = e.getValue();
        }
      }
    }
    if (st == null) {
      throw PorterException.refused("target " + ref.display() + " has no table " + porterName);
    }
    return st;
  }

  /** Rows of one table, written with COPY in chunks; several may be open at once. */
  private final class Sink implements RowSink {
    private final String table;
    private final String qualified;
    private final List<PgColumn> cols;
    private final boolean[] lossy;
    private final LoadMode mode;
    private final StringBuilder buf = new StringBuilder();
    private final Map<String, Long> coercions = new LinkedHashMap<>();
    private final String copySql;

    /** Whether the COPY stores its rows frozen ({@code FREEZE}). */
    private final boolean freeze;

    /**
     * Each column's binary encoding while the table goes in COPY's binary format; null once it goes
     * in text (a column type without one, or a value the binary path does not take).
     */
    private CopyBinary.Kind[] kinds;

    private final CopyBinary.Buffer bin = new CopyBinary.Buffer();

    /** Whether the COPY this sink has open is in the binary format. */
    private boolean openBinary;

    private String mergeTable;
    private String columnList;
    private long rows;

    /** The row count when the open COPY began: COPY's line numbers count from there. */
    private long chunkStart;

    /** The row count when the current buffer began. */
    private long copyStart;

    private long inserted;

    Sink(String table, String[] st, List<PgColumn> cols, LoadMode mode, boolean freeze) {
      this.table = table;
      this.qualified = Pg.qualified(st[0], st[1]);
      this.cols = cols;
      this.mode = mode;
      this.freeze = freeze;
      lossy = new boolean[cols.size()];
      List<String> names = new ArrayList<>();
      for (int i = 0; i < cols.size(); i++) {
        lossy[i] = options.lossyAllowed(table, cols.get(i).name());
        names.add(Pg.quote(cols.get(i).name()));
      }
      String list = " (" + String.join(", ", names) + ")";
      columnList = list;
      kinds = CopyBinary.kinds(cols, CopyBinary::kind);
      if (mode == LoadMode.MERGE) {
        // Only the loaded columns: the others (generated ones, ones the rows do not feed) take
        // their defaults in the table itself.
        mergeTable = "porter_merge_" + (++mergeTables);
        exec(
            "CREATE TEMP TABLE "
                + mergeTable
                + " ON COMMIT DROP AS SELECT "
                + String.join(", ", names)
                + " FROM "
                + qualified
                + " WITH NO DATA");
        copySql = "COPY " + mergeTable + list + " FROM STDIN";
      } else {
        copySql = "COPY " + qualified + list + " FROM STDIN";
      }
    }

    /** Numbers from their digits while the table goes in binary; the text path parses them. */
    @Override
    public boolean takesDecimalText() {
      return kinds != null;
    }

    @Override
    public void accept(Object[] row) {
      if (kinds != null && acceptBinary(row)) {
        return;
      }
      rows++;
      int before = buf.length();
      for (int i = 0; i < row.length; i++) {
        if (i > 0) {
          buf.append('\t');
        }
        Object v = row[i] instanceof DecimalText t ? t.value() : row[i];
        if (v instanceof byte[] b && cols.get(i).logical() == LogicalType.BLOB) {
          buf.append("\\\\x").append(HEX.formatHex(b)); // bytea's hex form, its backslash escaped
          continue;
        }
        String text;
        try {
          text =
              PgValues.render(
                  v, cols.get(i), lossy[i], what -> coercions.merge(what, 1L, Long::sum));
        } catch (PgValues.Lossy e) {
          throw PorterException.refused(
              "table "
                  + table
                  + ", column "
                  + cols.get(i).name()
                  + ", row "
                  + rows
                  + " ("
                  + key(row)
                  + "): "
                  + e.getMessage()
                  + (e.convertible()
                      ? "; --allow-lossy "
                          + table
                          + "."
                          + cols.get(i).name()
                          + " converts it anyway"
                      : "; the target was not changed"));
        }
        if (text != null
            && (v instanceof Number || v instanceof Boolean || v instanceof Temporal)) {
          buf.append(text); // digits, signs, dates: nothing COPY would need escaped
        } else {
          CopyText.appendField(buf, text);
        }
      }
      buf.append('\n');
      buffered += buf.length() - before;
      if (buf.length() > (1 << 18)) {
        flush();
      } else if (buffered > BUFFER_BUDGET) {
        flushLargest();
      }
    }

    /**
     * Encodes the row in COPY's binary format if every value is exactly what its column stores.
     * Otherwise the rows so far are sent, the binary COPY ended, and the table goes on in text from
     * this row, whose checks and messages then apply to it.
     */
    private boolean acceptBinary(Object[] row) {
      int start = bin.length();
      bin.int16(row.length);
      for (int i = 0; i < row.length; i++) {
        if (!CopyBinary.encode(kinds[i], cols.get(i), row[i], bin)) {
          bin.truncate(start);
          flush();
          endCopy();
          kinds = null;
          return false;
        }
      }
      rows++;
      buffered += bin.length() - start;
      if (bin.length() > (1 << 18)) {
        flush();
      } else if (buffered > BUFFER_BUDGET) {
        flushLargest();
      }
      return true;
    }

    private String key(Object[] row) {
      String v =
          row.length == 0
              ? ""
              : String.valueOf(row[0] instanceof byte[] b ? "<" + b.length + " bytes>" : row[0]);
      return (cols.isEmpty() ? "" : cols.get(0).name() + "=") + PgValues.abbreviate(v);
    }

    /**
     * Sends the buffered rows into this table's COPY, which stays open while more rows are
     * rendered: the server parses and stores one chunk while porter prepares the next. One COPY can
     * be open on a connection, so another table's open COPY is ended first.
     */
    void flush() {
      boolean binary = bin.length() > 0;
      if (!binary && buf.length() == 0) {
        return;
      }
      byte[] data = binary ? bin.array() : buf.toString().getBytes(StandardCharsets.UTF_8);
      int length = binary ? bin.length() : data.length;
      buffered -= binary ? bin.length() : buf.length();
      try {
        if (streaming != this || openBinary != binary) {
          endActiveCopy();
          active =
              copy.copyIn(
                  copySql
                      + (binary
                          ? (freeze ? " (FORMAT binary, FREEZE)" : " (FORMAT binary)")
                          : (freeze ? " (FREEZE)" : "")));
          streaming = this;
          openBinary = binary;
          chunkStart = copyStart;
          if (binary) {
            active.writeToCopy(CopyBinary.HEADER, 0, CopyBinary.HEADER.length);
          }
        }
        active.writeToCopy(data, 0, length);
        bin.clear();
        buf.setLength(0);
      } catch (SQLException e) {
        streaming = null;
        active = null;
        throw copyFailure(e);
      }
      copyStart = rows;
    }

    /** Ends this table's open COPY (merge mode: moves its rows into the table). */
    void endCopy() {
      if (streaming != this) {
        return;
      }
      try {
        if (openBinary) {
          active.writeToCopy(CopyBinary.TRAILER, 0, CopyBinary.TRAILER.length);
        }
        long n = active.endCopy();
        streaming = null;
        active = null;
        if (mode == LoadMode.MERGE) {
          try (Statement s = conn.createStatement()) {
            inserted +=
                s.executeUpdate(
                    "INSERT INTO "
                        + qualified
                        + columnList
                        + " SELECT * FROM "
                        + mergeTable
                        + " ON CONFLICT DO NOTHING");
            s.execute("TRUNCATE " + mergeTable);
          }
        } else {
          inserted += n;
        }
      } catch (SQLException e) {
        streaming = null;
        active = null;
        throw copyFailure(e);
      }
    }

    private PorterException copyFailure(SQLException e) {
      String msg = Pg.oneLine(e);
      Matcher m = COPY_CONTEXT.matcher(msg);
      String where = "table " + table;
      if (m.find()) {
        where +=
            (m.group(2) != null ? ", column " + m.group(2).trim() : "")
                + ", row "
                + (chunkStart + Long.parseLong(m.group(1)));
      }
      String cause = msg.replaceAll("\\s*Where: .*$", "").replaceAll("\\s*CONTEXT: .*$", "");
      return new PorterException(
          ErrorCategory.REFUSED, where + ": PostgreSQL refused the value: " + cause, e);
    }

    int size() {
      return buf.length() + bin.length();
    }

    @Override
    public long finish() {
      flush();
      endCopy();
      // an import may hold thousands of finished sinks: their grown buffers go now
      buf.setLength(0);
      buf.trimToSize();
      bin.release();
      return inserted;
    }

    @Override
    public Map<String, Long> coercions() {
      return coercions;
    }
  }

  /** Ends the COPY open on the connection, if any, before other statements use it. */
  private void endActiveCopy() {
    if (streaming != null) {
      streaming.endCopy();
    }
  }

  private void flushLargest() {
    Sink largest = null;
    for (Sink s : sinks) {
      if (largest == null || s.size() > largest.size()) {
        largest = s;
      }
    }
    if (largest != null) {
      largest.flush();
    }
  }

  @Override
  public void finishLoad(ArchiveHeader header) {
    endActiveCopy();
    for (String s : ddl.after) {
      if (s.contains(" FOREIGN KEY ")) {
        addForeignKey(s);
        continue;
      }
      try {
        Pg.exec(conn, s);
      } catch (SQLException e) {
        throw new PorterException(
            s.contains("FOREIGN KEY") || s.contains("PRIMARY KEY") || s.contains("UNIQUE")
                ? ErrorCategory.VERIFICATION_FAILED
                : ErrorCategory.REFUSED,
            "cannot recreate "
                + PgValues.abbreviate(s)
                + ": "
                + Pg.oneLine(e)
                + "; the target was not changed",
            e);
      }
    }
    restoreAfterLoad();
    createObjects(ddl.afterRows, true);
    if (header.postgresql() != null) {
      for (PostgresSchema.Sequence q : header.postgresql().sequences()) {
        String seq = targetSequence(q);
        if (seq == null) {
          continue;
        }
        String set =
            "setval("
                + Pg.literal(seq)
                + "::regclass, "
                + q.lastValue()
                + ", "
                + q.isCalled()
                + ")";
        if (intoExisting) {
          // the application's own rows may have moved it on already: only ever move it forward
          long used = q.isCalled() ? q.lastValue() : q.lastValue() - 1;
          exec(
              "SELECT "
                  + set
                  + " FROM "
                  + seq
                  + " WHERE CASE WHEN is_called THEN last_value ELSE last_value - 1 END < "
                  + used);
        } else {
          exec("SELECT " + set);
        }
      }
    }
    Map<String, Long> floors = new LinkedHashMap<>();
    if (header.sqlite() != null) {
      for (var s : header.sqlite().sequences()) {
        floors.put(s.name(), s.seq()); // AUTOINCREMENT: ids of deleted rows never come back
      }
    }
    continueSequences(floors);
  }

  /**
   * The target's sequence for an archived one, as a regclass text, or null when the target has
   * none: the one of the column that owns it (an identity or serial column, found in the tables
   * porter created or, in a schema the application created, in its tables), else by its name.
   */
  private String targetSequence(PostgresSchema.Sequence q) {
    try {
      if (q.ownedBy() != null) {
        int dot = q.ownedBy().lastIndexOf('.');
        String table = q.ownedBy().substring(0, dot);
        String[] st = ddl.names.get(table);
        if (st == null && intoExisting) {
          st = userTables(conn).get(table);
        }
        if (st != null) {
          String seq =
              Pg.string(
                  conn,
                  "SELECT pg_get_serial_sequence("
                      + Pg.literal(Pg.qualified(st[0], st[1]))
                      + ", "
                      + Pg.literal(q.ownedBy().substring(dot + 1))
                      + ")");
          if (seq != null) {
            return seq;
          }
        }
        if (q.identity()) {
          return null;
        }
      }
      return Pg.string(
          conn, "SELECT to_regclass(" + Pg.literal(Pg.qualified(q.schema(), q.name())) + ")::text");
    } catch (SQLException e) {
      throw Pg.failure("cannot find sequence " + q.name() + " in", ref, e);
    }
  }

  /**
   * Every serial or identity column's sequence continues above the loaded values (and above a floor
   * the archive recorded), so a new row never collides with a loaded one.
   */
  private void continueSequences(Map<String, Long> floors) {
    try (Statement s = conn.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT n.nspname, c.relname, a.attname, pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname)"
                    + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped"
                    + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'porter\\_%'"
                    + " AND pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) IS NOT NULL")) {
      List<String[]> seqs = new ArrayList<>();
      while (r.next()) {
        seqs.add(new String[] {r.getString(1), r.getString(2), r.getString(3), r.getString(4)});
      }
      for (String[] q : seqs) {
        String table = Pg.qualified(q[0], q[1]);
        Long floor = floors.get(Pg.porterName(q[0], q[1]));
        String max = "(SELECT max(" + Pg.quote(q[2]) + ") FROM " + table + ")";
        String target = floor == null ? max : "greatest(" + max + ", " + floor + ")";
        exec(
            "SELECT setval("
                + Pg.literal(q[3])
                + ", "
                + target
                + ") WHERE "
                + target
                + " IS NOT NULL AND "
                + target
                + " >= (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM "
                + q[3]
                + ")");
      }
    } catch (SQLException e) {
      throw Pg.failure("cannot set the sequences of", ref, e);
    }
  }

  @Override
  public void finishBaseline(
      String afterLoadSql, Map<String, Long> sequenceFloors, VersionProbe probe, String version) {
    restoreAfterLoad();
    if (afterLoadSql != null && !afterLoadSql.isBlank()) {
      exec(afterLoadSql);
    }
    continueSequences(sequenceFloors);
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
  public List<Check> verify(Map<String, Long> expectedRows) {
    endActiveCopy();
    try {
      // one scan per table gives the counts and the fingerprint the commit records
      Map<String, PgPreImages.TableFact> facts = PgPreImages.tableFacts(conn);
      Map<String, Long> counts = new java.util.HashMap<>();
      for (PgPreImages.TableFact f : facts.values()) {
        counts.put(f.qualified(), f.rows());
      }
      for (Map.Entry<String, Long> e : expectedRows.entrySet()) {
        if (largeObjects != null && e.getKey().equals(largeObjects.table)) {
          if (largeObjects.rows != e.getValue()) {
            throw new PorterException(
                ErrorCategory.VERIFICATION_FAILED,
                "large objects: "
                    + largeObjects.rows
                    + " chunks restored, the archive holds "
                    + e.getValue()
                    + "; the target was not changed");
          }
          continue;
        }
        String[] st = resolve(e.getKey());
        String qualified = Pg.qualified(st[0], st[1]);
        Long counted = counts.get(qualified);
        long actual =
            counted != null ? counted : Pg.number(conn, "SELECT count(*) FROM " + qualified);
        if (actual != e.getValue()) {
          throw new PorterException(
              ErrorCategory.VERIFICATION_FAILED,
              "table "
                  + e.getKey()
                  + ": the import holds "
                  + actual
                  + " rows, expected "
                  + e.getValue()
                  + "; the target was not changed");
        }
      }
      fingerprint = PgPreImages.fingerprint(conn, facts);
      List<Check> checks = new ArrayList<>();
      checks.add(new Check("row counts", true, expectedRows.size() + " tables as expected"));
      if (largeObjects != null) {
        checks.add(largeObjects.check());
      }
      checks.add(
          new Check(
              "foreign keys",
              foreignKeysAccepted == 0,
              foreignKeysChecked
                  + " checked against every row"
                  + (foreignKeysAccepted == 0
                      ? ""
                      : ", " + foreignKeysAccepted + " with violations accepted (NOT VALID)")));
      if (objectsCreated + objectsMissing.size() + notCarried.size() > 0) {
        checks.add(
            new Check(
                "schema objects",
                objectsMissing.isEmpty() && notCarried.isEmpty(),
                objectsCreated
                    + " of "
                    + (objectsCreated + objectsMissing.size())
                    + " recreated"
                    + (objectKinds.isEmpty() ? "" : " (" + String.join(", ", objectKinds) + ")")
                    + (objectsMissing.isEmpty()
                        ? ""
                        : "; not recreated: " + String.join("; ", objectsMissing))
                    + (notCarried.isEmpty()
                        ? ""
                        : "; not in the archive: " + String.join("; ", notCarried))));
      }
      return checks;
    } catch (SQLException e) {
      throw Pg.failure("cannot check the import into", ref, e);
    }
  }

  /**
   * Records the installation in the import's own transaction, so that the record and the data it
   * describes are committed together; if recording fails, the import commits without it (rollback
   * then asks for --force).
   */
  private void recordInstalled() throws SQLException {
    Pg.exec(conn, "SAVEPOINT porter_record");
    try {
      PgPreImages.recordInstalled(
          conn,
          preImageSchemas,
          options.preImageLabel(),
          fingerprint != null ? fingerprint : PgPreImages.fingerprint(conn));
      Pg.exec(conn, "RELEASE SAVEPOINT porter_record");
    } catch (SQLException | RuntimeException e) {
      Pg.exec(conn, "ROLLBACK TO SAVEPOINT porter_record");
    }
  }

  @Override
  public CommitResult commit() {
    try {
      for (Sink s : sinks) {
        s.flush();
      }
      endActiveCopy();
      recordInstalled();
      conn.commit();
      committed = true;
    } catch (SQLException e) {
      throw Pg.failure("cannot commit the import into", ref, e);
    }
    return new CommitResult(
        ref.display(),
        preImageSchemas.isEmpty() ? null : "schemas " + String.join(", ", preImageSchemas));
  }

  @Override
  public void close() {
    if (active != null) {
      // an open COPY holds the connection: rollback would wait for it forever
      try {
        active.cancelCopy();
      } catch (SQLException e) {
        // the rollback below or closing the connection ends it
      }
      active = null;
      streaming = null;
    }
    try {
      if (!committed) {
        conn.rollback();
      }
    } catch (SQLException e) {
      // closing the connection aborts the transaction too
    }
    try {
      conn.close();
    } catch (SQLException e) {
      // the server ends the session
    }
  }
}
