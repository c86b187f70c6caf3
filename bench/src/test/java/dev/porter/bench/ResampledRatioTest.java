package dev.porter.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Beside each verdict the benchmark prints how it fares when the runs are drawn again with
 * replacement: the share of draws that meet the target and the middle 90 % of their ratios.
 */
class ResampledRatioTest {
  @Test
  void runsThatAllAgreeGiveOneRatio() {
    assertEquals(
        "; resampled runs: met in 100 %, 90 % within 2.00–2.00",
        Bench.resampled(Walls.of(2.0, 2.0, 2.0), Walls.of(1.0, 1.0, 1.0), 3.0));
    assertEquals(
        "; resampled runs: met in 0 %, 90 % within 3.50–3.50",
        Bench.resampled(Walls.of(3.5, 3.5), Walls.of(1.0, 1.0), 3.0));
  }

  /**
   * Each run's porter time stays with its own anchor time: both runs here have a ratio of 2, so
   * every draw does, where drawing the two sides apart would also give 4 / 1 and 2 / 2.
   */
  @Test
  void aRunsTwoTimesAreDrawnTogether() {
    assertEquals(
        "; resampled runs: met in 100 %, 90 % within 2.00–2.00",
        Bench.resampled(Walls.of(2.0, 4.0), Walls.of(1.0, 2.0), 2.0));
  }

  /**
   * Two runs, porter 2 s and 4 s against 1 s each: a draw of two takes the first run twice (ratio
   * 2), the second twice (4) or one of each (3, the median of two being their mean), with chances
   * of 1/4, 1/4 and 1/2. A target of 3 is met by three draws in four, within a few points over
   * 2,000 draws (three standard deviations are 2.9 points).
   */
  @Test
  void theShareFollowsTheChanceOfEachDraw() {
    String line = Bench.resampled(Walls.of(2.0, 4.0), Walls.of(1.0, 1.0), 3.0);
    Matcher m =
        Pattern.compile("; resampled runs: met in (\\d+) %, 90 % within 2\\.00–4\\.00")
            .matcher(line);
    assertTrue(m.matches(), line);
    int share = Integer.parseInt(m.group(1));
    assertTrue(share >= 72 && share <= 78, line);
  }

  @Test
  void nothingWhereTheRunsDoNotPair() {
    assertEquals("", Bench.resampled(Walls.of(3.0, 2.0), Walls.of(1.0), 3.0));
    assertEquals("", Bench.resampled(Walls.of(3.0), Walls.of(1.0), 3.0));
    assertEquals("", Bench.resampled(null, Walls.of(1.0, 1.0), 3.0));
  }
}
