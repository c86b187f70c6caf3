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
  /** Each run's order of {@code tools}, named by one letter each, as one word. */
  private static List<String> orders(String tools, int runs) {
    List<String> out = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      out.add(String.join("", Bench.rotate(List.of(tools.split("")), r)));
    }
    return out;
  }

  @Test
  void twoToolsTakeTurnsToGoFirst() {
    assertEquals(List.of("ns", "sn", "sn", "ns", "ns", "sn"), orders("ns", 6));
  }

  @Test
  void fourToolsEachRunInEveryPlaceAndAfterEachOther() {
    assertEquals(
        List.of("abcd", "bcda", "cdab", "dabc", "dcba", "adcb", "badc", "cbad", "abcd"),
        orders("abcd", 9));
  }
}
