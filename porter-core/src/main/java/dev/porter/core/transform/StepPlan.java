package dev.porter.core.transform;

import java.util.List;

/**
 * The result of a step's schema pass: the output version's tables, and the routes that carry rows
 * from input tables to output tables.
 *
 * @param output the tables at the step's output version
 * @param routes the edges; an input table without a route is dropped by this step
 * @param lookups the lookup tables the routes read
 * @param droppedTables input tables this step declares dropped (reported with their row counts)
 */
public record StepPlan(
    Catalog output, List<Route> routes, List<LookupSpec> lookups, List<String> droppedTables) {
  public StepPlan {
    routes = List.copyOf(routes);
    lookups = List.copyOf(lookups);
    droppedTables = List.copyOf(droppedTables);
  }
}
