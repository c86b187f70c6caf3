package dev.porter.bench.app;

import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.PorterApp;
import dev.porter.core.app.VersionProbe;
import dev.porter.core.model.LogicalType;
import dev.porter.transforms.Steps;
import dev.porter.transforms.Transform;

/**
 * The benchmark's app: release 1 is the benchmark's SQLite shop schema; three steps touch its
 * largest tables (a rename on customer, a type change on orders, a computed column on order_item),
 * so an import through them can be timed against an import with no step.
 */
public final class BenchApp implements PorterApp {
  /** The release-1 DDL; set by the benchmark before porter loads the app in its own JVM. */
  static String release1() {
    return dev.porter.bench.app.Ddl.SQLITE;
  }

  @Override
  public AppDefinition definition() {
    String v1 = release1();
    String v2 =
        v1.replace("'schema_version', '1'", "'schema_version', '2'")
            .replace("uuid TEXT NOT NULL, name TEXT", "uuid TEXT NOT NULL, full_name TEXT");
    String v3 =
        v2.replace("'schema_version', '2'", "'schema_version', '3'")
            .replace("total NUMERIC(12,2) NOT NULL", "total_cents INTEGER NOT NULL");
    String v4 =
        v3.replace("'schema_version', '3'", "'schema_version', '4'")
            .replace(
                "unit_price NUMERIC(10,2) NOT NULL)",
                "unit_price NUMERIC(10,2) NOT NULL, line_total REAL NOT NULL)");
    return AppDefinition.builder("bench-shop", BenchApp.class)
        .release("1", r -> r.ddl("sqlite", v1).seedTables("app_meta"))
        .release("2", r -> r.ddl("sqlite", v2).seedTables("app_meta"))
        .release("3", r -> r.ddl("sqlite", v3).seedTables("app_meta"))
        .release("4", r -> r.ddl("sqlite", v4).seedTables("app_meta"))
        .versionProbe(
            "*", VersionProbe.query("SELECT value FROM app_meta WHERE key = 'schema_version'"))
        .steps(new Rename(), new Cents(), new LineTotal())
        .build();
  }

  /** 1 → 2: customer.name becomes full_name. */
  public static final class Rename extends Transform {
    public Rename() {
      super("1", "2");
    }

    @Override
    protected void define(Steps s) {
      s.table("customer").renameColumn("name", "full_name");
    }
  }

  /** 2 → 3: orders.total (a decimal) becomes total_cents (an integer). */
  public static final class Cents extends Transform {
    public Cents() {
      super("2", "3");
    }

    @Override
    protected void define(Steps s) {
      s.table("orders")
          .convert("total", LogicalType.INTEGER, v -> Math.round(((Number) v).doubleValue() * 100))
          .renameColumn("total", "total_cents");
    }
  }

  /** 3 → 4: order_item gains line_total = qty × unit_price. */
  public static final class LineTotal extends Transform {
    public LineTotal() {
      super("3", "4");
    }

    @Override
    protected void define(Steps s) {
      s.table("order_item")
          .addColumn(
              "line_total",
              LogicalType.REAL,
              r ->
                  ((Number) r.get("qty")).doubleValue()
                      * ((Number) r.get("unit_price")).doubleValue());
    }
  }
}
