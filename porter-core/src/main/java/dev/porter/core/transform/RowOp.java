package dev.porter.core.transform;

import java.util.function.Consumer;

/**
 * The record pass of one route: turns one input row into zero, one or more output rows. Built once
 * by a step's schema pass; called for every row, so it must not allocate more than it emits.
 */
@FunctionalInterface
public interface RowOp {
  /** Passes each row on as it is; it reads no value, so its rows may hold any form of them. */
  RowOp IDENTITY =
      new RowOp() {
        @Override
        public void apply(Object[] row, Lookups lookups, Consumer<Object[]> out) {
          out.accept(row);
        }

        @Override
        public boolean takesUtf8Text() {
          return true;
        }
      };

  /**
   * @param row the input row, in the input table's column order (do not modify it)
   * @param lookups the lookup tables this route declared
   * @param out receives the output rows, in the output table's column order; a row given to it is
   *     the engine's from then on, which may keep it until it is loaded, so the op must not change
   *     it afterwards
   */
  void apply(Object[] row, Lookups lookups, Consumer<Object[]> out);

  /**
   * Whether its input rows may hold ASCII text as {@link dev.porter.core.model.Utf8Text} rather
   * than {@code String}: true only for an op that gives any code outside porter the {@code String}
   * of each such value, and passes values it does not read on as they are. Then the archive reader
   * need not decode the text of a table loaded as SQLite pages, nor the loader encode it back
   * (docs/decisions/0031-ascii-text-as-bytes-on-export.md, amended). False by default.
   */
  default boolean takesUtf8Text() {
    return false;
  }
}
