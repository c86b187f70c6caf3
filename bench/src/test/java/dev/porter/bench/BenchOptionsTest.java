package dev.porter.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's numeric options: a default when absent, the number given, and no run at all (one
 * line, exit 2) for zero runs, which once failed after the runs, or for what is not a number; and
 * the parts --only names, where a misspelt one once ran nothing and printed no verdict.
 */
class BenchOptionsTest {
  @Test
  void numbersAreTakenOrRefusedBeforeAnythingRuns() {
    assertEquals(3, Bench.number(Map.of(), "--runs", 3, 1));
    assertEquals(5, Bench.number(Map.of("--runs", "5"), "--runs", 3, 1));
    assertEquals(0, Bench.number(Map.of("--memory-scale", "0"), "--memory-scale", 10, 0));
    assertNull(Bench.number(Map.of("--runs", "0"), "--runs", 3, 1));
    assertNull(Bench.number(Map.of("--scale", "ten"), "--scale", 1, 1));
    assertNull(Bench.number(Map.of("--scale", ""), "--scale", 1, 1));
  }

  @Test
  void partsAreNamedOrRefusedBeforeAnythingRuns() {
    assertEquals(List.of("sqlite", "transforms", "postgresql", "memory"), Bench.PARTS);
    assertEquals(List.of("attach"), Bench.parts("attach"));
    assertEquals(List.of("sqlite", "memory"), Bench.parts("sqlite,memory"));
    assertNull(Bench.parts("sqlite,sqlit"));
    assertNull(Bench.parts(""));
  }
}
