package dev.porter.core.engine;

import java.util.List;

/**
 * What an import will do, computed before any row moves: the steps from the archive's version to
 * the target's, where every archive table and column goes, how seed tables are treated, and every
 * refusal. {@code porter plan} prints it; an import with refusals writes nothing.
 *
 * @param app the app's id, or null for a plain restore
 * @param fromVersion the archive's schema version
 * @param toVersion the target's schema version
 * @param steps the steps, in the order they run
 * @param sources one entry per archive table
 * @param targets one entry per table of the target's baseline
 * @param refusals why the import cannot run; empty when it can
 */
public record ImportPlan(
    String app,
    String fromVersion,
    String toVersion,
    List<PlannedStep> steps,
    List<PlannedSource> sources,
    List<PlannedTarget> targets,
    List<String> refusals) {

  public ImportPlan {
    steps = List.copyOf(steps);
    sources = List.copyOf(sources);
    targets = List.copyOf(targets);
    refusals = List.copyOf(refusals);
  }

  public boolean refused() {
    return !refusals.isEmpty();
  }

  /** One version step. */
  public record PlannedStep(
      String name,
      String from,
      String to,
      boolean down,
      List<PlannedRoute> routes,
      List<String> droppedTables) {
    public PlannedStep {
      routes = List.copyOf(routes);
      droppedTables = List.copyOf(droppedTables);
    }
  }

  /** Rows of one table becoming rows of another within a step. */
  public record PlannedRoute(
      String from,
      String to,
      List<String> operations,
      List<String> droppedColumns,
      List<String> lookups) {
    public PlannedRoute {
      operations = List.copyOf(operations);
      droppedColumns = List.copyOf(droppedColumns);
      lookups = List.copyOf(lookups);
    }
  }

  /**
   * One archive table.
   *
   * @param table its name
   * @param rows its row count, when known (the trailer was read)
   * @param destinations the target tables its rows reach
   * @param dropped why its rows reach no table, or null
   */
  public record PlannedSource(String table, Long rows, List<String> destinations, String dropped) {
    public PlannedSource {
      destinations = List.copyOf(destinations);
    }
  }

  /**
   * One table of the target's baseline.
   *
   * @param table its name
   * @param fedBy the tables (at the target version) whose rows it receives
   * @param seed whether the baseline fills it
   * @param seedPolicy skip, merge or replace, for a seed table
   * @param baselineRows how many rows the baseline puts in it
   * @param columns the columns porter writes
   * @param columnsWithoutDestination columns that arrive but that it lacks (their values are
   *     dropped)
   * @param columnsDefaulted its columns that no arriving column feeds (they take their default)
   */
  public record PlannedTarget(
      String table,
      List<String> fedBy,
      boolean seed,
      String seedPolicy,
      long baselineRows,
      List<String> columns,
      List<String> columnsWithoutDestination,
      List<String> columnsDefaulted) {
    public PlannedTarget {
      fedBy = List.copyOf(fedBy);
      columns = List.copyOf(columns);
      columnsWithoutDestination = List.copyOf(columnsWithoutDestination);
      columnsDefaulted = List.copyOf(columnsDefaulted);
    }
  }
}
