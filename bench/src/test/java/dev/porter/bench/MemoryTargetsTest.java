package dev.porter.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The memory targets: the 512 MB bound against the largest peak seen at the memory scale, the
 * growth between the scales' median peaks (each scale's the larger of its export's and import's),
 * and the growth between the largest peaks printed beside it.
 */
class MemoryTargetsTest {
  private static List<Measure.Sample> peaks(long... megabytes) {
    return LongStream.of(megabytes)
        .mapToObj(mb -> new Measure.Sample(1.0, 1.0, mb * 1_000_000, false))
        .toList();
  }

  private static Map<String, List<Measure.Sample>> runs(
      long[] export10, long[] import10, long[] export1, long[] import1) {
    Map<String, List<Measure.Sample>> s = new LinkedHashMap<>();
    s.put("-Xmx256m export, scale 10", peaks(export10));
    s.put("-Xmx256m import, scale 10", peaks(import10));
    s.put("-Xmx256m export, scale 1", peaks(export1));
    s.put("-Xmx256m import, scale 1", peaks(import1));
    return s;
  }

  @Test
  void oneUnluckyRunMovesTheLargestPeakButNotTheMedianGrowth() {
    List<String> lines =
        Bench.memoryTargets(
            runs(
                new long[] {180, 176, 178},
                new long[] {206, 170, 175},
                new long[] {162, 160, 164},
                new long[] {150, 152, 149}),
            1,
            10);
    assertEquals(3, lines.size());
    // 206 MB: the import's unlucky run
    assertTrue(lines.get(0).contains("peak RSS at scale 10 (the largest seen)"), lines.get(0));
    assertTrue(lines.get(0).endsWith("206 MB (target ≤ 512) MET"), lines.get(0));
    // medians: scale 10 max(178, 175) = 178, scale 1 max(162, 150) = 162; 178 / 162 = +9.9 %
    assertTrue(lines.get(1).endsWith("+10 % (target ≤ +20 %) MET"), lines.get(1));
    // largest: 206 / 164 = +25.6 %
    assertTrue(lines.get(2).endsWith("+26 %"), lines.get(2));
  }

  @Test
  void aGrowthSeenInMostRunsIsMissed() {
    List<String> lines =
        Bench.memoryTargets(
            runs(
                new long[] {150, 150, 150},
                new long[] {200, 190, 201},
                new long[] {160, 162, 161},
                new long[] {140, 140, 140}),
            1,
            10);
    // 200 / 161 = +24.2 %
    assertTrue(lines.get(1).endsWith("+24 % (target ≤ +20 %) MISSED"), lines.get(1));
  }

  @Test
  void theBoundHoldsTheLargestPeakAndNoGrowthWithoutASecondScale() {
    Map<String, List<Measure.Sample>> s = new LinkedHashMap<>();
    s.put("-Xmx256m export, scale 10", peaks(300, 310, 305));
    s.put("-Xmx256m import, scale 10", peaks(400, 520, 410));
    List<String> lines = Bench.memoryTargets(s, 1, 10);
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).endsWith("520 MB (target ≤ 512) MISSED"), lines.get(0));
    assertEquals(List.of(), Bench.memoryTargets(Map.of(), 1, 10));
  }
}
