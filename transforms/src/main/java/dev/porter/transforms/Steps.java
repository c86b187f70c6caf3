package dev.porter.transforms;

import dev.porter.core.PorterException;
import dev.porter.core.transform.Catalog;
import dev.porter.core.transform.FlowTable;
import dev.porter.core.transform.LookupSpec;
import dev.porter.core.transform.Route;
import dev.porter.core.transform.StepPlan;
import dev.porter.core.transform.VersionStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one step does to the tables, declared in {@link Transform#define}. Table operations apply in
 * the order they are declared; names are the current ones (after earlier renames in the step).
 */
public final class Steps {
  private final VersionStep step;
  private final Catalog input;

  /** Current table name → the pipelines that produce it (several only transiently). */
  private final Map<String, TableSteps> tables = new LinkedHashMap<>();

  private final List<TableSteps> derived = new ArrayList<>();
  private final List<String> dropped = new ArrayList<>();
  private final Map<String, LookupSpec> lookups = new LinkedHashMap<>();

  Steps(VersionStep step, Catalog input) {
    this.step = step;
    this.input = input;
    for (FlowTable t : input.tables()) {
      tables.put(t.name(), new TableSteps(this, new Pipeline(t, t.name())));
    }
  }

  /** The table currently named {@code name}, to declare operations on it. */
  public TableSteps table(String name) {
    TableSteps t = tables.get(name);
    if (t == null) {
      throw refused(
          "has no table " + name + " (tables: " + String.join(", ", tables.keySet()) + ")");
    }
    return t;
  }

  /** Renames a table. */
  public Steps renameTable(String from, String to) {
    TableSteps t = table(from);
    if (tables.containsKey(to)) {
      throw refused("cannot rename table " + from + " to " + to + ": a table of that name exists");
    }
    tables.remove(from);
    t.pipeline.name = to;
    t.pipeline.description.add("renamed table " + from + " → " + to);
    tables.put(to, t);
    return this;
  }

  /** Drops a table: its rows go nowhere, and are reported with their count. */
  public Steps dropTable(String name) {
    TableSteps t = table(name);
    tables.remove(name);
    dropped.add(t.pipeline.from);
    return this;
  }

  /** Whether a table of that name exists at this point of the step. */
  public boolean hasTable(String name) {
    return tables.containsKey(name);
  }

  /** The tables at the step's input version, as they arrive. */
  public Catalog input() {
    return input;
  }

  void addDerived(TableSteps t) {
    if (tables.containsKey(t.pipeline.name)
        || derived.stream().anyMatch(d -> d.pipeline.name.equals(t.pipeline.name))) {
      throw refused("cannot create table " + t.pipeline.name + ": a table of that name exists");
    }
    derived.add(t);
  }

  LookupSpec lookup(String table, String keyColumn) {
    FlowTable t = input.table(table);
    if (t == null) {
      throw refused(
          "cannot look up table " + table + ": release " + step.from() + " has no such table");
    }
    if (t.index(keyColumn) < 0) {
      throw refused(
          "cannot look up table " + table + " by " + keyColumn + ": it has no such column");
    }
    LookupSpec existing = lookups.get(table);
    if (existing != null && !existing.keyColumns().equals(List.of(keyColumn))) {
      throw refused("looks up table " + table + " by two different keys");
    }
    LookupSpec spec = new LookupSpec(table, List.of(keyColumn));
    lookups.put(table, spec);
    return spec;
  }

  PorterException refused(String what) {
    return PorterException.refused(
        "step " + step.name() + " (" + step.from() + " → " + step.to() + ") " + what);
  }

  StepPlan build() {
    List<FlowTable> out = new ArrayList<>();
    List<Route> routes = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    List<TableSteps> all = new ArrayList<>(tables.values());
    all.addAll(derived);
    // A column is lost only if no route from its table carries it; the loss is reported once, on
    // the first route from that table.
    Map<String, Set<String>> lost = new LinkedHashMap<>();
    for (TableSteps t : all) {
      lost.computeIfAbsent(
              t.pipeline.from, k -> new LinkedHashSet<>(t.pipeline.droppedInputColumns()))
          .retainAll(t.pipeline.droppedInputColumns());
    }
    Set<String> reported = new LinkedHashSet<>();
    for (TableSteps t : all) {
      if (!names.add(t.pipeline.name)) {
        throw refused("produces table " + t.pipeline.name + " twice");
      }
      out.add(t.pipeline.output());
      List<String> dropped =
          reported.add(t.pipeline.from) ? new ArrayList<>(lost.get(t.pipeline.from)) : List.of();
      routes.add(t.pipeline.route(dropped));
    }
    return new StepPlan(new Catalog(out), routes, new ArrayList<>(lookups.values()), dropped);
  }
}
