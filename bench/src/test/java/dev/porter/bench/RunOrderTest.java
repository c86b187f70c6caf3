package dev.porter.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark alternates its tools run by run: every tool runs in every place, and of two tools
 * each runs first in half the runs (the chain's pair once ran the no-op chain first every time).
 */
class RunOrderTest {
  private static List<List<String>> orders(List<String> tools, int runs) {
    List<List<String>> out = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      out.add(Bench.rotate(tools, r));
    }
    return out;
  }

  @Test
  void twoToolsTakeTurnsToGoFirst() {
    assertEquals(
        List.of(
            List.of("no-op", "3-step"),
            List.of("3-step", "no-op"),
            List.of("3-step", "no-op"),
            List.of("no-op", "3-step")),
        orders(List.of("no-op", "3-step"), 4));
  }

  @Test
  void fourToolsEachRunInEveryPlaceAndAfterEachOther() {
    assertEquals(
        List.of(
            List.of("a", "b", "c", "d"),
            List.of("b", "c", "d", "a"),
            List.of("c", "d", "a", "b"),
            List.of("d", "a", "b", "c"),
            List.of("d", "c", "b", "a"),
            List.of("a", "d", "c", "b")),
        orders(List.of("a", "b", "c", "d"), 6));
  }
}
