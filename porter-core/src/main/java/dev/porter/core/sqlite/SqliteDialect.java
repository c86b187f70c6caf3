package dev.porter.core.sqlite;

import dev.porter.core.PorterException;
import dev.porter.core.app.VersionProbe;
import dev.porter.core.dialect.Baseline;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.DbLock;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.dialect.PreImages;
import dev.porter.core.dialect.Source;
import dev.porter.core.dialect.Target;
import dev.porter.core.dialect.TargetOptions;
import dev.porter.core.io.LockFile;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.SourceSchema;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableKind;
import dev.porter.core.transform.FlowColumn;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SQLite, through sqlite-jdbc. */
public final class SqliteDialect implements Dialect {
  @Override
  public String engine() {
    return DatabaseRef.SQLITE;
  }

  @Override
  public DbLock lock(DatabaseRef ref) {
    return LockFile.acquire(SqliteFiles.sidecar(ref.file(), ".porter-lock"), ref.display());
  }

  @Override
  public Source openSource(DatabaseRef ref) {
    return SqliteSource.open(ref.file());
  }

  @Override
  public Target openTarget(DatabaseRef ref, TargetOptions options) {
    return SqliteTarget.open(ref.file(), options);
  }

  @Override
  public Baseline inspectBaseline(DatabaseRef ref, String ddl) {
    try (Connection c = Sqlite.memory()) {
      try {
        SqliteScript.run(c, ddl);
      } catch (SQLException e) {
        throw PorterException.refused(
            "the baseline DDL fails on SQLite: " + e.getMessage().replace('\n', ' '));
      }
      return describe(c);
    } catch (SQLException e) {
      throw PorterException.unavailable(
          "cannot open a scratch SQLite database: " + e.getMessage(), e);
    }
  }

  /** The tables of a database and how many rows each holds. */
  static Baseline describe(Connection c) throws SQLException {
    SourceSchema s = SqliteCatalog.read(c, "baseline");
    Map<String, Long> rows = new LinkedHashMap<>();
    for (TableDef t : s.tables()) {
      if (t.kind() == TableKind.TABLE) {
        rows.put(t.name(), Sqlite.number(c, "SELECT count(*) FROM main." + Sqlite.quote(t.name())));
      }
    }
    List<TableDef> tables = s.tables().stream().filter(t -> t.kind() == TableKind.TABLE).toList();
    return new Baseline(tables, rows);
  }

  static String readVersion(Connection c, VersionProbe probe) throws SQLException {
    String sql =
        switch (probe.kind()) {
          case USER_VERSION -> "PRAGMA user_version";
          case QUERY -> probe.sql();
          case TABLE_COLUMN ->
              "SELECT max("
                  + Sqlite.quote(probe.column())
                  + ") FROM "
                  + Sqlite.quote(probe.table());
        };
    try (Statement st = c.createStatement();
        ResultSet r = st.executeQuery(sql)) {
      if (!r.next()) {
        return null;
      }
      String v = r.getString(1);
      if (probe.kind() == VersionProbe.Kind.USER_VERSION && "0".equals(v)) {
        return null; // SQLite's default: no version recorded
      }
      return v;
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("no such table")) {
        return null;
      }
      throw e;
    }
  }

  @Override
  public String incompatibility(FlowColumn column, ColumnDef target) {
    LogicalType want = target.logicalType();
    LogicalType have = column.type();
    if (want == LogicalType.ANY || have == LogicalType.ANY || want == have) {
      return null;
    }
    if (want == LogicalType.REAL && have == LogicalType.INTEGER) {
      return null; // STRICT REAL stores integers as reals, exactly up to 2^53 (checked per value)
    }
    return "STRICT column of type " + target.declaredType() + " cannot store " + have + " values";
  }

  @Override
  public PreImages preImages(DatabaseRef ref) {
    return new SqlitePreImages(ref.file());
  }
}
