package dev.porter.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one command the way an operator would and measures it: wall time, CPU time of the whole
 * process tree (this JVM's reaped-children CPU from /proc/self/stat, which includes every
 * descendant its children reaped), and peak resident memory of the tree (sampled every 10 ms from
 * /proc, summed over the processes alive at each sample).
 */
final class Measure {
  /** One run's figures. */
  record Sample(double wallSeconds, double cpuSeconds, long peakRssBytes) {}

  private Measure() {}

  static Sample run(List<String> command, Path log) throws IOException, InterruptedException {
    long[] cpuBefore = childrenCpuTicks();
    long start = System.nanoTime();
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process p = pb.start();
    long peak = 0;
    while (p.isAlive()) {
      peak = Math.max(peak, treeRss(p.pid()));
      Thread.sleep(10);
    }
    int code = p.waitFor();
    double wall = (System.nanoTime() - start) / 1e9;
    long[] cpuAfter = childrenCpuTicks();
    if (code != 0) {
      throw new IllegalStateException(
          "command failed with exit "
              + code
              + ": "
              + String.join(" ", command)
              + " (see "
              + log
              + ")");
    }
    double ticks = (cpuAfter[0] - cpuBefore[0]) + (cpuAfter[1] - cpuBefore[1]);
    return new Sample(wall, ticks / 100.0, peak);
  }

  /**
   * utime+stime of reaped children (cutime, cstime) of this JVM, in clock ticks (USER_HZ = 100).
   */
  private static long[] childrenCpuTicks() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // after "pid (comm) ": field 3 is f[0]; cutime is field 16, cstime field 17
    return new long[] {Long.parseLong(f[13]), Long.parseLong(f[14])};
  }

  /** The summed VmRSS of a process and all its descendants, in bytes. */
  static long treeRss(long root) {
    Map<Long, List<Long>> children = new HashMap<>();
    try (var s = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        if (!n.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(p.resolve("stat"), StandardCharsets.US_ASCII);
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ppid = Long.parseLong(f[1]);
          children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(Long.parseLong(n));
        } catch (IOException | RuntimeException e) {
          // the process ended meanwhile
        }
      }
    } catch (IOException e) {
      return 0;
    }
    long total = 0;
    List<Long> todo = new ArrayList<>(List.of(root));
    while (!todo.isEmpty()) {
      long pid = todo.remove(todo.size() - 1);
      total += rss(pid);
      todo.addAll(children.getOrDefault(pid, List.of()));
    }
    return total;
  }

  private static long rss(long pid) {
    try {
      for (String line :
          Files.readAllLines(
              Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // ended meanwhile
    }
    return 0;
  }
}
