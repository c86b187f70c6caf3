package dev.porter.core.engine;

import dev.porter.core.PorterException;
import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.SchemaVersion;
import dev.porter.core.app.SeedPolicy;
import dev.porter.core.dialect.Baseline;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ArchiveTrailer;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.Generated;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableEntry;
import dev.porter.core.model.TableKind;
import dev.porter.core.model.TableSummary;
import dev.porter.core.transform.Catalog;
import dev.porter.core.transform.FlowColumn;
import dev.porter.core.transform.FlowTable;
import dev.porter.core.transform.LookupSpec;
import dev.porter.core.transform.Route;
import dev.porter.core.transform.RowOp;
import dev.porter.core.transform.StepPlan;
import dev.porter.core.transform.VersionStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The schema pass over a whole transform chain, done before any record moves: resolves the steps,
 * runs each step's schema pass, matches the last version's tables to the target baseline, decides
 * seed handling, orders lookups, and collects every refusal. The executor then runs exactly this.
 */
final class ChainPlan {
  final AppDefinition app;
  final SchemaVersion from;
  final SchemaVersion to;
  final List<VersionStep> steps;

  /** catalogs.get(k): the tables entering step k; the last one is the target version's. */
  final List<Catalog> catalogs = new ArrayList<>();

  final List<StepPlan> stepPlans = new ArrayList<>();
  final Baseline baseline;

  /** Final flow table → the baseline table it loads into (absent: no destination). */
  final Map<String, TableDef> destination = new LinkedHashMap<>();

  /** Final flow table → the baseline columns it writes, in flow order (null where dropped). */
  final Map<String, List<String>> columnMap = new LinkedHashMap<>();

  /** Baseline table → its seed policy, for seed tables. */
  final Map<String, SeedPolicy> seeds = new LinkedHashMap<>();

  /** Archive table → the archive tables that must be fully processed before it. */
  final Map<String, Set<String>> dependsOn = new LinkedHashMap<>();

  /** Archive tables that enter the chain. */
  final Set<String> inputs = new LinkedHashSet<>();

  /** Archive tables whose rows carry SQLite's rowid first; the chain does not see it. */
  final Set<String> rowidFirst = new LinkedHashSet<>();

  final List<String> refusals = new ArrayList<>();

  /**
   * The archive's table of PostgreSQL large objects when they load into a PostgreSQL target as they
   * are (they belong to the database, not to any release's schema), else null.
   */
  String largeObjects;

  private final ImportPlan view;

  private ChainPlan(
      ArchiveHeader header,
      ArchiveTrailer trailer,
      AppDefinition app,
      SchemaVersion from,
      SchemaVersion to,
      Dialect dialect,
      Baseline baseline,
      Map<String, SeedPolicy> seedOverrides) {
    this.app = app;
    this.from = from;
    this.to = to;
    this.baseline = baseline;
    List<VersionStep> chain = List.of();
    try {
      chain = app.chain(from, to);
    } catch (PorterException e) {
      refusals.add(e.getMessage());
    }
    this.steps = chain;
    Map<String, String> notMigrated = new LinkedHashMap<>();
    catalogs.add(
        inputCatalog(
            header,
            notMigrated,
            dialect != null && DatabaseRef.POSTGRESQL.equals(dialect.engine())));
    if (refusals.isEmpty()) {
      runSchemaPasses();
    }
    if (refusals.isEmpty()) {
      decideSeeds(seedOverrides);
      matchBaseline(dialect);
      orderLookups();
    }
    view = buildView(trailer, notMigrated);
  }

  static ChainPlan build(
      ArchiveHeader header,
      ArchiveTrailer trailer,
      AppDefinition app,
      SchemaVersion from,
      SchemaVersion to,
      Dialect dialect,
      Baseline baseline,
      Map<String, SeedPolicy> seedOverrides) {
    return new ChainPlan(header, trailer, app, from, to, dialect, baseline, seedOverrides);
  }

  ImportPlan view() {
    return view;
  }

  /** Throws REFUSED with the first refusal (and how many there are) if the plan cannot run. */
  void requireRunnable() {
    if (!refusals.isEmpty()) {
      String more =
          refusals.size() > 1
              ? " (and " + (refusals.size() - 1) + " more; porter plan lists them)"
              : "";
      throw PorterException.refused("import refused before writing: " + refusals.get(0) + more);
    }
  }

  private Catalog inputCatalog(
      ArchiveHeader header, Map<String, String> notMigrated, boolean intoPostgres) {
    List<FlowTable> tables = new ArrayList<>();
    for (TableEntry e : header.tables()) {
      TableDef t = e.table();
      if (t.kind() == TableKind.LARGE_OBJECTS) {
        if (intoPostgres) {
          largeObjects = t.name(); // past the chain, into the target as they are
        } else {
          notMigrated.put(t.name(), "PostgreSQL's large objects, which SQLite has no place for");
        }
        continue;
      }
      if (t.kind() != TableKind.TABLE) {
        notMigrated.put(t.name(), t.kind() + " table: the target release's DDL recreates it");
        continue;
      }
      if (t.name().toLowerCase(Locale.ROOT).startsWith("sqlite_")) {
        notMigrated.put(t.name(), "SQLite's internal table");
        continue;
      }
      List<FlowColumn> cols = new ArrayList<>();
      for (ColumnDef c : t.columns()) {
        if (c.carriesData()) {
          cols.add(new FlowColumn(c.name(), c.logicalType()));
        }
      }
      tables.add(new FlowTable(t.name(), cols));
      inputs.add(t.name());
      if (t.rowidColumn() != null) {
        rowidFirst.add(t.name());
      }
    }
    return new Catalog(tables);
  }

  private void runSchemaPasses() {
    for (VersionStep step : steps) {
      Catalog in = catalogs.get(catalogs.size() - 1);
      StepPlan p;
      try {
        p = step.plan(in);
      } catch (PorterException e) {
        refusals.add(e.getMessage());
        return;
      } catch (RuntimeException e) {
        refusals.add(
            "step "
                + step.name()
                + " ("
                + step.from()
                + " → "
                + step.to()
                + ") failed while planning: "
                + e);
        return;
      }
      for (Route r : p.routes()) {
        if (!in.has(r.from()) || !p.output().has(r.to())) {
          refusals.add(
              "step "
                  + step.name()
                  + " routes "
                  + r.from()
                  + " → "
                  + r.to()
                  + " between tables that do not exist");
          return;
        }
      }
      for (LookupSpec l : p.lookups()) {
        FlowTable t = in.table(l.table());
        if (t == null) {
          refusals.add(
              "step "
                  + step.name()
                  + " looks up table "
                  + l.table()
                  + ", which does not exist at release "
                  + step.from());
          return;
        }
        for (String k : l.keyColumns()) {
          if (t.index(k) < 0) {
            refusals.add(
                "step "
                    + step.name()
                    + " looks up table "
                    + l.table()
                    + " by column "
                    + k
                    + ", which it lacks");
            return;
          }
        }
      }
      stepPlans.add(p);
      catalogs.add(p.output());
    }
  }

  /**
   * The step to name in a refusal about a final table: the last step that changed the rows routed
   * into it (one that carries the table through untouched cannot have lost a column of it), else
   * the last step feeding it, else the archive. Followed backwards through renames.
   */
  private String lastStepFeeding(String table) {
    Set<String> names = Set.of(table);
    String fallback = null;
    for (int k = stepPlans.size() - 1; k >= 0; k--) {
      Set<String> from = new LinkedHashSet<>();
      boolean changed = false;
      for (Route r : stepPlans.get(k).routes()) {
        if (names.contains(r.to())) {
          from.add(r.from());
          changed |=
              r.op() != RowOp.IDENTITY || !r.description().isEmpty() || !r.from().equals(r.to());
        }
      }
      if (from.isEmpty()) {
        break;
      }
      VersionStep s = steps.get(k);
      String name = "step " + s.name() + " (" + s.from() + " → " + s.to() + ")";
      if (changed) {
        return name;
      }
      if (fallback == null) {
        fallback = name;
      }
      names = from;
    }
    return fallback != null ? fallback : "the archive";
  }

  private void matchBaseline(Dialect dialect) {
    Catalog last = catalogs.get(catalogs.size() - 1);
    Map<String, String> claimedBy = new HashMap<>();
    for (FlowTable f : last.tables()) {
      TableDef b = baseline.table(f.name());
      if (b == null) {
        continue;
      }
      String other = claimedBy.put(b.name(), f.name());
      if (other != null) {
        refusals.add("tables " + other + " and " + f.name() + " both load into table " + b.name());
        continue;
      }
      destination.put(f.name(), b);
      List<String> mapped = new ArrayList<>();
      Set<String> fed = new LinkedHashSet<>();
      for (FlowColumn c : f.columns()) {
        ColumnDef bc = column(b, c.name());
        if (bc == null || bc.generated() != Generated.NO) {
          mapped.add(null);
          continue;
        }
        mapped.add(bc.name());
        fed.add(bc.name());
        String why = dialect.incompatibility(c, bc);
        if (why != null) {
          refusals.add(
              lastStepFeeding(f.name())
                  + ": table "
                  + b.name()
                  + ", column "
                  + bc.name()
                  + ": "
                  + why);
        }
      }
      columnMap.put(f.name(), mapped);
      for (ColumnDef bc : b.columns()) {
        if (fed.contains(bc.name())
            || bc.generated() != Generated.NO
            || bc.nullable()
            || bc.defaultSql() != null) {
          continue;
        }
        if (isRowidAlias(b, bc)) {
          continue; // SQLite assigns it
        }
        if (seeds.get(b.name()) == SeedPolicy.SKIP) {
          continue; // a skipped seed table receives no rows
        }
        refusals.add(
            lastStepFeeding(f.name())
                + " leaves table "
                + b.name()
                + ", column "
                + bc.name()
                + " (NOT NULL, no default) without a value");
      }
    }
  }

  private static boolean isRowidAlias(TableDef t, ColumnDef c) {
    return t.rowidColumn() == null
        && !t.withoutRowid()
        && t.primaryKey().size() == 1
        && t.primaryKey().get(0).equals(c.name())
        && c.declaredType().equalsIgnoreCase("INTEGER");
  }

  static ColumnDef column(TableDef t, String name) {
    ColumnDef c = t.column(name);
    if (c != null) {
      return c;
    }
    for (ColumnDef x : t.columns()) {
      if (x.name().equalsIgnoreCase(name)) {
        return x;
      }
    }
    return null;
  }

  private SeedPolicy seedPolicyFor(String table, Map<String, SeedPolicy> overrides) {
    SeedPolicy p = overrides.get(table);
    return p != null ? p : app.seedPolicy(table);
  }

  private void decideSeeds(Map<String, SeedPolicy> overrides) {
    Set<String> declared = app.release(to).seedTables();
    for (TableDef b : baseline.tables()) {
      boolean seed = declared.contains(b.name()) || baseline.rows(b.name()) > 0;
      if (!seed) {
        continue;
      }
      SeedPolicy p = seedPolicyFor(b.name(), overrides);
      if (p == SeedPolicy.MERGE && b.primaryKey().isEmpty()) {
        refusals.add(
            "seed table "
                + b.name()
                + " has no primary key, so policy merge cannot tell which rows are new");
      }
      seeds.put(b.name(), p);
    }
    for (String t : overrides.keySet()) {
      if (!seeds.containsKey(t)) {
        refusals.add("--seed names table " + t + ", which is not a seed table of release " + to);
      }
    }
  }

  /**
   * Which archive tables a table at step k's input comes from; and which lookups each archive
   * table's rows use. A table whose rows use a lookup waits until every archive table feeding that
   * lookup is processed.
   */
  private void orderLookups() {
    List<Map<String, Set<String>>> origins = origins();
    Map<String, Set<String>> needs = new LinkedHashMap<>();
    for (String a : inputs) {
      needs.put(a, new LinkedHashSet<>());
    }
    for (int k = 0; k < stepPlans.size(); k++) {
      for (Route r : stepPlans.get(k).routes()) {
        for (String lookup : r.lookups()) {
          Set<String> providers = origins.get(k).getOrDefault(lookup, Set.of());
          for (String a : origins.get(k).getOrDefault(r.from(), Set.of())) {
            if (providers.contains(a)) {
              refusals.add(
                  "step "
                      + steps.get(k).name()
                      + " looks up table "
                      + lookup
                      + " while transforming rows that come from the same archive table "
                      + a);
            }
            needs.get(a).addAll(providers);
          }
        }
      }
    }
    dependsOn.putAll(needs);
    // A cycle among dependencies can never be satisfied.
    for (String a : inputs) {
      if (reaches(a, a, new LinkedHashSet<>())) {
        refusals.add("lookups form a cycle through archive table " + a);
        return;
      }
    }
  }

  private boolean reaches(String from, String target, Set<String> seen) {
    for (String d : dependsOn.getOrDefault(from, Set.of())) {
      if (d.equals(target)) {
        return true;
      }
      if (seen.add(d) && reaches(d, target, seen)) {
        return true;
      }
    }
    return false;
  }

  /** origins.get(k): table at step k's input → the archive tables its rows come from. */
  List<Map<String, Set<String>>> origins() {
    List<Map<String, Set<String>>> out = new ArrayList<>();
    Map<String, Set<String>> first = new LinkedHashMap<>();
    for (String a : inputs) {
      first.put(a, new LinkedHashSet<>(Set.of(a)));
    }
    out.add(first);
    for (StepPlan p : stepPlans) {
      Map<String, Set<String>> prev = out.get(out.size() - 1);
      Map<String, Set<String>> next = new LinkedHashMap<>();
      for (Route r : p.routes()) {
        next.computeIfAbsent(r.to(), k -> new LinkedHashSet<>())
            .addAll(prev.getOrDefault(r.from(), Set.of()));
      }
      out.add(next);
    }
    return out;
  }

  private ImportPlan buildView(ArchiveTrailer trailer, Map<String, String> notMigrated) {
    Map<String, Long> rows = new HashMap<>();
    if (trailer != null) {
      for (TableSummary s : trailer.tables()) {
        rows.put(s.name(), s.rows());
      }
    }
    List<ImportPlan.PlannedStep> ps = new ArrayList<>();
    for (int k = 0; k < stepPlans.size(); k++) {
      VersionStep s = steps.get(k);
      List<ImportPlan.PlannedRoute> routes = new ArrayList<>();
      for (Route r : stepPlans.get(k).routes()) {
        routes.add(
            new ImportPlan.PlannedRoute(
                r.from(), r.to(), r.description(), r.droppedColumns(), r.lookups()));
      }
      ps.add(
          new ImportPlan.PlannedStep(
              s.name(),
              s.from().toString(),
              s.to().toString(),
              s.from().compareTo(s.to()) > 0,
              routes,
              stepPlans.get(k).droppedTables()));
    }
    List<ImportPlan.PlannedSource> sources = new ArrayList<>();
    for (Map.Entry<String, String> e : notMigrated.entrySet()) {
      sources.add(
          new ImportPlan.PlannedSource(
              e.getKey(), rows.get(e.getKey()), List.of(), "not migrated: " + e.getValue()));
    }
    for (String a : inputs) {
      Lineage l = lineage(a);
      sources.add(new ImportPlan.PlannedSource(a, rows.get(a), l.destinations, l.dropped));
    }
    if (largeObjects != null) {
      sources.add(
          new ImportPlan.PlannedSource(
              largeObjects, rows.get(largeObjects), List.of("large objects"), null));
    }
    List<ImportPlan.PlannedTarget> targets = new ArrayList<>();
    if (baseline != null) {
      for (TableDef b : baseline.tables()) {
        List<String> fedBy = new ArrayList<>();
        List<String> cols = new ArrayList<>();
        List<String> without = new ArrayList<>();
        Set<String> fed = new LinkedHashSet<>();
        for (Map.Entry<String, TableDef> d : destination.entrySet()) {
          if (!d.getValue().name().equals(b.name())) {
            continue;
          }
          fedBy.add(d.getKey());
          FlowTable f = catalogs.get(catalogs.size() - 1).table(d.getKey());
          List<String> map = columnMap.get(d.getKey());
          for (int i = 0; i < f.columns().size(); i++) {
            if (map.get(i) == null) {
              without.add(f.columns().get(i).name());
            } else {
              cols.add(map.get(i));
              fed.add(map.get(i));
            }
          }
        }
        List<String> defaulted = new ArrayList<>();
        if (!fedBy.isEmpty()) {
          for (ColumnDef c : b.columns()) {
            if (!fed.contains(c.name()) && c.generated() == Generated.NO) {
              defaulted.add(c.name());
            }
          }
        }
        SeedPolicy sp = seeds.get(b.name());
        targets.add(
            new ImportPlan.PlannedTarget(
                b.name(),
                fedBy,
                sp != null,
                sp == null ? null : sp.toString(),
                baseline.rows(b.name()),
                cols,
                without,
                defaulted));
      }
    }
    return new ImportPlan(app.id(), from.toString(), to.toString(), ps, sources, targets, refusals);
  }

  /** Where an archive table's rows end up: the target tables, or why nowhere. */
  Lineage lineage(String archiveTable) {
    Set<String> current = new LinkedHashSet<>(Set.of(archiveTable));
    for (int k = 0; k < stepPlans.size(); k++) {
      Set<String> next = new LinkedHashSet<>();
      for (Route r : stepPlans.get(k).routes()) {
        if (current.contains(r.from())) {
          next.add(r.to());
        }
      }
      if (next.isEmpty()) {
        VersionStep s = steps.get(k);
        List<String> declaredDrops = stepPlans.get(k).droppedTables();
        boolean declared = current.stream().anyMatch(declaredDrops::contains);
        return new Lineage(
            List.of(),
            (declared ? "dropped by step " : "no route in step ")
                + s.name()
                + " ("
                + s.from()
                + " → "
                + s.to()
                + ")");
      }
      current = next;
    }
    List<String> dest = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String f : current) {
      TableDef b = destination.get(f);
      if (b != null) {
        dest.add(b.name());
      } else {
        missing.add(f);
      }
    }
    if (dest.isEmpty()) {
      return new Lineage(
          List.of(), "release " + to + " has no table " + String.join(", ", missing));
    }
    return new Lineage(dest, null);
  }

  record Lineage(List<String> destinations, String dropped) {}
}
