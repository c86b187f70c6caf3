package dev.porter.transforms;

import dev.porter.core.model.LogicalType;
import dev.porter.core.transform.Catalog;
import dev.porter.core.transform.FlowColumn;
import dev.porter.core.transform.FlowTable;
import dev.porter.core.transform.LookupSpec;
import dev.porter.core.transform.Lookups;
import dev.porter.core.transform.Route;
import dev.porter.core.transform.StepPlan;
import dev.porter.core.transform.VersionStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Drives one {@link VersionStep} through the seam the engine uses, without an archive or a
 * database: {@code step.plan(catalog)}, then every input row through each {@code
 * Route.op().apply(row, lookups, out)}. Lookups are filled from the input rows of the tables the
 * plan declares, keyed by their declared key columns; a route's {@code distinctOn} drops rows whose
 * key was already emitted. Input rows are pushed table by table, in catalog order, and each row
 * through every route from its table before the next row (as the engine's fan-out does).
 *
 * <p>It also checks what every route must respect: the op never modifies its input row, and every
 * row it emits has exactly the output table's width.
 */
public final class StepHarness {
  private StepHarness() {}

  /** What a step did: its schema pass, and the rows of each output table in emission order. */
  public record Result(StepPlan plan, Map<String, List<Object[]>> rows) {
    /** The output rows of a table (empty if none were emitted); fails if the table is absent. */
    public List<Object[]> rows(String table) {
      if (!plan.output().has(table)) {
        throw new AssertionError("the step produces no table " + table);
      }
      return rows.getOrDefault(table, List.of());
    }

    /** The one route from {@code from} to {@code to}; fails if there is none or several. */
    public Route route(String from, String to) {
      Route found = null;
      for (Route r : plan.routes()) {
        if (r.from().equals(from) && r.to().equals(to)) {
          if (found != null) {
            throw new AssertionError("two routes " + from + " → " + to);
          }
          found = r;
        }
      }
      if (found == null) {
        throw new AssertionError("no route " + from + " → " + to + " in " + plan.routes());
      }
      return found;
    }
  }

  /** A table; each column is "name" (type any) or "name:type" (integer, real, text, blob, any). */
  public static FlowTable table(String name, String... columns) {
    List<FlowColumn> cols = new ArrayList<>();
    for (String c : columns) {
      int colon = c.indexOf(':');
      if (colon < 0) {
        cols.add(new FlowColumn(c, LogicalType.ANY));
      } else {
        cols.add(
            new FlowColumn(
                c.substring(0, colon),
                LogicalType.valueOf(c.substring(colon + 1).toUpperCase(Locale.ROOT))));
      }
    }
    return new FlowTable(name, cols);
  }

  public static Catalog catalog(FlowTable... tables) {
    return new Catalog(List.of(tables));
  }

  /** A row: {@code row(1L, "x", null)}. */
  public static Object[] row(Object... values) {
    return values;
  }

  /** Rows, as a list: {@code rows(row(1L, "a"), row(2L, "b"))}. */
  public static List<Object[]> rows(Object[]... rows) {
    return List.of(rows);
  }

  /** Runs the step over {@code input} (table → rows in the input table's column order). */
  public static Result run(VersionStep step, Catalog catalog, Map<String, List<Object[]>> input) {
    for (String t : input.keySet()) {
      if (!catalog.has(t)) {
        throw new IllegalArgumentException("rows given for table " + t + ", not in the catalog");
      }
    }
    StepPlan plan = step.plan(catalog);
    Map<String, Map<List<Object>, Object[]>> lookupRows = new HashMap<>();
    for (LookupSpec spec : plan.lookups()) {
      FlowTable t = catalog.table(spec.table());
      int[] keyIdx = spec.keyColumns().stream().mapToInt(t::index).toArray();
      Map<List<Object>, Object[]> byKey = new HashMap<>();
      for (Object[] r : input.getOrDefault(spec.table(), List.of())) {
        List<Object> key = new ArrayList<>();
        for (int i : keyIdx) {
          key.add(r[i]);
        }
        if (byKey.putIfAbsent(key, r) != null) {
          throw new IllegalStateException("lookup " + spec.table() + ": key " + key + " twice");
        }
      }
      lookupRows.put(spec.table(), byKey);
    }
    Map<String, List<Object[]>> out = new LinkedHashMap<>();
    for (FlowTable t : catalog.tables()) {
      List<Route> routes = new ArrayList<>();
      for (Route r : plan.routes()) {
        if (r.from().equals(t.name())) {
          routes.add(r);
        }
      }
      List<Set<List<Object>>> seen = new ArrayList<>();
      for (int i = 0; i < routes.size(); i++) {
        seen.add(new HashSet<>());
      }
      for (Object[] row : input.getOrDefault(t.name(), List.of())) {
        if (row.length != t.columns().size()) {
          throw new IllegalArgumentException(
              "table " + t.name() + ": row " + Arrays.toString(row) + " has the wrong width");
        }
        for (int k = 0; k < routes.size(); k++) {
          Route r = routes.get(k);
          FlowTable to = plan.output().table(r.to());
          int[] distinctIdx = r.distinctOn().stream().mapToInt(to::index).toArray();
          Set<List<Object>> seenKeys = seen.get(k);
          Object[] copy = row.clone();
          Lookups lookups = lookups(r, lookupRows);
          r.op()
              .apply(
                  copy,
                  lookups,
                  o -> {
                    if (o.length != to.columns().size()) {
                      throw new AssertionError(
                          "route "
                              + r.from()
                              + " → "
                              + r.to()
                              + " emitted "
                              + Arrays.toString(o)
                              + " for columns "
                              + to.columnNames());
                    }
                    if (distinctIdx.length > 0) {
                      List<Object> key = new ArrayList<>();
                      for (int i : distinctIdx) {
                        key.add(o[i]);
                      }
                      if (!seenKeys.add(key)) {
                        return;
                      }
                    }
                    out.computeIfAbsent(r.to(), x -> new ArrayList<>()).add(o.clone());
                  });
          if (!Arrays.deepEquals(copy, row)) {
            throw new AssertionError(
                "route " + r.from() + " → " + r.to() + " modified its input row " + t.name());
          }
        }
      }
    }
    return new Result(plan, out);
  }

  private static Lookups lookups(Route r, Map<String, Map<List<Object>, Object[]>> tables) {
    return (table, key) -> {
      if (!r.lookups().contains(table)) {
        throw new AssertionError(
            "route " + r.from() + " → " + r.to() + " reads undeclared lookup " + table);
      }
      Object[] found = tables.get(table).get(Arrays.asList(key));
      return found == null ? null : found.clone();
    };
  }
}
