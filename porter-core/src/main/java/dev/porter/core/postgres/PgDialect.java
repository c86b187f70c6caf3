package dev.porter.core.postgres;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.app.VersionProbe;
import dev.porter.core.dialect.Baseline;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.DbLock;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.dialect.PreImages;
import dev.porter.core.dialect.Source;
import dev.porter.core.dialect.Target;
import dev.porter.core.dialect.TargetOptions;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.LogicalType;
import dev.porter.core.transform.FlowColumn;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** PostgreSQL, through pgjdbc. */
public final class PgDialect implements Dialect {
  private final List<String> schemas;

  public PgDialect() {
    this(List.of());
  }

  /**
   * @param schemas the schemas an export reads (empty: every non-system schema)
   */
  public PgDialect(List<String> schemas) {
    this.schemas = List.copyOf(schemas);
  }

  @Override
  public String engine() {
    return DatabaseRef.POSTGRESQL;
  }

  /**
   * A session-level advisory lock, held on its own connection: released when porter closes it or
   * when the connection dies with the process.
   */
  /**
   * A transaction that holds SHARE locks on every table of the user schemas: INSERT, UPDATE and
   * DELETE wait, reads go on. Waits up to 10 s for writers already inside a transaction (then fails
   * with LOCKED). When it ends, a writer that waited finds its table by name again, so after an
   * upgrade's swap it writes into the new table, not into the pre-image.
   */
  @Override
  public DbLock holdWriters(DatabaseRef ref) {
    Connection c = Pg.connect(ref);
    try {
      c.setAutoCommit(false);
      Pg.holdWriters(
          c,
          PgCatalog.userSchemas(c),
          ref,
          "an upgrade holds them off from its backup to its swap");
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // failing anyway
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw Pg.failure("cannot hold the writers of", ref, (SQLException) e);
    }
    return () -> {
      try {
        c.rollback();
        c.close();
      } catch (SQLException e) {
        // the session's end releases the locks
      }
    };
  }

  @Override
  public DbLock lock(DatabaseRef ref) {
    Connection c = Pg.connect(ref);
    long key;
    try {
      key = lockKey(Pg.string(c, "SELECT current_database()"));
      if (!"t".equals(Pg.string(c, "SELECT pg_try_advisory_lock(" + key + ")"))) {
        c.close();
        throw new PorterException(
            ErrorCategory.LOCKED,
            "database "
                + ref.display()
                + " is in use by another porter (advisory lock "
                + key
                + " is held); try again when it has finished");
      }
    } catch (SQLException e) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // failing anyway
      }
      throw Pg.failure("cannot lock", ref, e);
    }
    return () -> {
      try {
        // Released before the session ends: a backend ends after its client has closed, and
        // until then the lock would still refuse the next porter run (a script's next command).
        Pg.string(c, "SELECT pg_advisory_unlock(" + key + ")");
      } catch (SQLException e) {
        // the server releases it when the session ends
      }
      try {
        c.close();
      } catch (SQLException e) {
        // the server releases it when the session ends
      }
    };
  }

  static long lockKey(String database) {
    return ("porter:" + database).hashCode() & 0x7fffffffL | 0x504f5254_00000000L;
  }

  @Override
  public Source openSource(DatabaseRef ref) {
    return PgSource.open(ref, schemas);
  }

  @Override
  public Target openTarget(DatabaseRef ref, TargetOptions options) {
    return PgTarget.open(ref, options);
  }

  @Override
  public Baseline inspectBaseline(DatabaseRef ref, String ddl) {
    return inspectBaseline(ref, ddl, ImportMode.NEW);
  }

  /**
   * Runs the DDL in a transaction that is rolled back. A schema the application created is the
   * baseline of an import in new mode; in replace mode the import moves it aside and runs the DDL,
   * and so does this (inside the same rolled-back transaction).
   */
  @Override
  public Baseline inspectBaseline(DatabaseRef ref, String ddl, ImportMode mode) {
    try (Connection c = Pg.connect(ref)) {
      c.setAutoCommit(false);
      try {
        Map<String, String[]> existing = PgTarget.userTables(c);
        if (!existing.isEmpty() && mode != ImportMode.REPLACE) {
          return PgTarget.describe(c);
        }
        Set<String> schemas = new LinkedHashSet<>();
        for (String[] st : existing.values()) {
          schemas.add(st[0]);
        }
        int n = 0;
        for (String s : schemas) {
          Pg.exec(
              c, "ALTER SCHEMA " + Pg.quote(s) + " RENAME TO " + Pg.quote("porter_plan_" + n++));
        }
        Pg.exec(c, "CREATE SCHEMA IF NOT EXISTS public");
        Pg.exec(c, "SET LOCAL search_path = public");
        try (Statement s = c.createStatement()) {
          s.execute(ddl);
        } catch (SQLException e) {
          throw PorterException.refused("the baseline DDL fails on PostgreSQL: " + Pg.oneLine(e));
        }
        return PgTarget.describe(c);
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      throw Pg.failure("cannot plan against", ref, e);
    }
  }

  @Override
  public String incompatibility(FlowColumn column, ColumnDef target) {
    LogicalType want = target.logicalType();
    LogicalType have = column.type();
    if (have == LogicalType.ANY
        || want == have
        || want == LogicalType.PG_TEXT
        || want == LogicalType.TEXT) {
      return null; // decided per value (a SQLite column), or any value has a text form
    }
    boolean ok =
        switch (want) {
          case INTEGER, DECIMAL, REAL ->
              have == LogicalType.INTEGER
                  || have == LogicalType.DECIMAL
                  || have == LogicalType.REAL
                  || have == LogicalType.BOOLEAN;
          case BOOLEAN -> have == LogicalType.INTEGER;
          case TIMESTAMP, TIMESTAMPTZ ->
              have == LogicalType.TIMESTAMP
                  || have == LogicalType.TIMESTAMPTZ
                  || have == LogicalType.DATE;
          case BLOB -> have == LogicalType.TEXT;
          default -> false;
        };
    return ok ? null : "column type " + target.declaredType() + " cannot take " + have + " values";
  }

  @Override
  public PreImages preImages(DatabaseRef ref) {
    return new PgPreImages(ref);
  }

  static String readVersion(Connection c, VersionProbe probe) throws SQLException {
    String sql =
        switch (probe.kind()) {
          case USER_VERSION ->
              throw PorterException.refused(
                  "PRAGMA user_version is SQLite's; declare another version probe for PostgreSQL");
          case QUERY -> probe.sql();
          case TABLE_COLUMN ->
              "SELECT max(" + Pg.quote(probe.column()) + ")::text FROM " + Pg.quote(probe.table());
        };
    Pg.exec(c, "SAVEPOINT porter_probe");
    try (Statement st = c.createStatement();
        ResultSet r = st.executeQuery(sql)) {
      String v = r.next() ? r.getString(1) : null;
      Pg.exec(c, "RELEASE SAVEPOINT porter_probe");
      return v;
    } catch (SQLException e) {
      Pg.exec(c, "ROLLBACK TO SAVEPOINT porter_probe");
      if ("42P01".equals(e.getSQLState())) {
        return null; // no such table: no version recorded
      }
      throw e;
    }
  }
}
