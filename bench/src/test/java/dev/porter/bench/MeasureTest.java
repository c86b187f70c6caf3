package dev.porter.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's watcher on real processes: JVMs that pre-touch a heap of a known size, so their
 * resident memory is at least that much while they live.
 */
class MeasureTest {
  private static final long MB = 1L << 20;

  @TempDir Path dir;

  /** A JVM whose resident memory is above {@code heapMb} for {@code millis}. */
  private static List<String> holder(int heapMb, int millis) {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms" + heapMb + "m",
        "-Xmx" + heapMb + "m",
        "-XX:+AlwaysPreTouch",
        "-XX:+UseSerialGC",
        "-cp",
        System.getProperty("java.class.path"),
        Hold.class.getName(),
        Integer.toString(millis));
  }

  private static String shell(List<String> command) {
    return command.stream().map(a -> "'" + a + "'").collect(Collectors.joining(" "));
  }

  @Test
  void oneProcessPeakHoldsItsTouchedHeap() throws Exception {
    Measure.Sample s = Measure.run(holder(128, 400), dir.resolve("log"));
    assertTrue(s.peakRssBytes() >= 128 * MB, "peak " + s.peakRssBytes() / MB + " MB");
    assertTrue(s.peakRssBytes() < 1024 * MB, "peak " + s.peakRssBytes() / MB + " MB");
    assertTrue(s.wallSeconds() >= 0.4, "wall " + s.wallSeconds());
    assertTrue(s.cpuSeconds() > 0, "cpu " + s.cpuSeconds());
  }

  @Test
  void treePeakAddsTheProcessesAliveTogether() throws Exception {
    // a shell starts two holders at once: neither alone comes near 2 × 128 MB, the two together do
    String both = shell(holder(128, 1500)) + " & " + shell(holder(128, 1500)) + " & wait";
    Measure.Sample s = Measure.run(List.of("bash", "-c", both), dir.resolve("log"));
    assertTrue(s.peakRssBytes() >= 256 * MB, "peak " + s.peakRssBytes() / MB + " MB");
  }

  @Test
  void aRunInWhichTheLauncherBuiltTheJarIsMarked() throws Exception {
    // the launcher's line in this run's output marks it; the same line from an earlier run in the
    // log does not mark the next one
    Path log = dir.resolve("log");
    Files.writeString(log, "an earlier command's output\n");
    String building = "echo '" + Measure.REBUILD_MARKER + " (first run, or sources changed)...'";
    Measure.Sample built = Measure.run(List.of("bash", "-c", building + "; echo done"), log);
    assertTrue(built.rebuilt(), "the run that printed the launcher's build line");
    Measure.Sample next = Measure.run(List.of("bash", "-c", "echo done"), log);
    assertFalse(next.rebuilt(), "the run after it");
    Measure.Sample plain = Measure.run(List.of("bash", "-c", "echo porter: exported"), log);
    assertFalse(plain.rebuilt(), "a run that printed other porter lines");
  }

  @Test
  void aFailedCommandIsAnErrorNamingIt() throws Exception {
    Path log = dir.resolve("log");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> Measure.run(List.of("bash", "-c", "echo broken; exit 3"), log));
    assertTrue(e.getMessage().contains("exit 3"), e.getMessage());
    assertTrue(e.getMessage().contains("echo broken"), e.getMessage());
    assertEquals("broken", Files.readString(log).strip());
  }
}
