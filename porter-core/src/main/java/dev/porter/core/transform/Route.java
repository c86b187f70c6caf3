package dev.porter.core.transform;

import java.util.List;

/**
 * One edge of a step: rows of input table {@code from} become rows of output table {@code to}
 * through {@code op}.
 *
 * @param from the input table (at the step's input version)
 * @param to the output table (at the step's output version)
 * @param op the record pass
 * @param lookups the lookup tables {@code op} reads
 * @param droppedColumns input columns whose values this route discards (reported with their
 *     non-null counts)
 * @param distinctOn output columns whose values identify a row: a row whose values there were
 *     already emitted is dropped (the engine keeps the seen keys, spilling to disk beyond a bound);
 *     empty for no de-duplication
 * @param description what the route does, for plans and reports ("renamed column a to b", …)
 */
public record Route(
    String from,
    String to,
    RowOp op,
    List<String> lookups,
    List<String> droppedColumns,
    List<String> distinctOn,
    List<String> description) {
  public Route {
    lookups = List.copyOf(lookups);
    droppedColumns = List.copyOf(droppedColumns);
    distinctOn = List.copyOf(distinctOn);
    description = List.copyOf(description);
  }
}
