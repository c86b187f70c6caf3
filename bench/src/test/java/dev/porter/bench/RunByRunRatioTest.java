package dev.porter.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Beside each verdict (the ratio of the medians) the benchmark prints each run's porter time over
 * the same run's anchor time: their median and range.
 */
class RunByRunRatioTest {
  /**
   * Run DD's SQLite times (docs/benchmark-history.md): the medians give 3.29 / 1.01 = 3.26, while
   * the runs' own ratios are 3.44, 2.80, 2.46, 2.69 and 3.30.
   */
  @Test
  void eachRunIsDividedByItsOwnAnchor() {
    assertEquals(
        "; run by run 2.80 (2.46–3.44)",
        Bench.runByRun(
            Walls.of(3.47, 2.74, 3.29, 3.55, 3.10), Walls.of(1.01, 0.98, 1.34, 1.32, 0.94)));
  }

  @Test
  void nothingWhereTheRunsDoNotPair() {
    assertEquals("", Bench.runByRun(Walls.of(3.0, 2.0), Walls.of(1.0)));
    assertEquals("", Bench.runByRun(Walls.of(3.0), Walls.of(1.0)));
    assertEquals("", Bench.runByRun(null, Walls.of(1.0, 1.0)));
  }
}
