package dev.porter.core.transform;

import java.util.function.Consumer;

/**
 * The record pass of one route: turns one input row into zero, one or more output rows. Built once
 * by a step's schema pass; called for every row, so it must not allocate more than it emits.
 */
@FunctionalInterface
public interface RowOp {
  RowOp IDENTITY = (row, lookups, out) -> out.accept(row);

  /**
   * @param row the input row, in the input table's column order (do not modify it)
   * @param lookups the lookup tables this route declared
   * @param out receives the output rows, in the output table's column order
   */
  void apply(Object[] row, Lookups lookups, Consumer<Object[]> out);
}
