package dev.porter.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command the way an operator would and measures it: wall time, CPU time of the whole
 * process tree (this JVM's reaped-children CPU from /proc/self/stat, which includes every
 * descendant its children reaped), and peak resident memory of the tree.
 *
 * <p>Memory is watched every 50 ms, and cheaply: the watcher shares the machine with the command it
 * measures, and its first version (every 10 ms, all of /proc read to find the tree) took a third of
 * a core, which a two-core machine takes from whatever tool uses both. Now it follows the tree
 * through each process's {@code children} file and reads only those processes' status. The peak is
 * the larger of the summed VmRSS at any sample and each process's own high-water mark (VmHWM), so a
 * single process's peak is exact however short it was.
 */
final class Measure {
  /**
   * One run's figures; {@code rebuilt} when the porter launcher built its jar inside the run (a
   * source changed while the benchmark ran), so that they include the build.
   */
  record Sample(double wallSeconds, double cpuSeconds, long peakRssBytes, boolean rebuilt) {}

  /** What the porter launcher prints before it builds the jar (the script {@code porter}). */
  static final String REBUILD_MARKER = "porter: building the command-line jar";

  private static final long INTERVAL_MS = 50;

  private Measure() {}

  static Sample run(List<String> command, Path log) throws IOException, InterruptedException {
    long logBefore = Files.exists(log) ? Files.size(log) : 0;
    long[] cpuBefore = childrenCpuTicks();
    long start = System.nanoTime();
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process p = pb.start();
    long peak = 0;
    while (!p.waitFor(INTERVAL_MS, TimeUnit.MILLISECONDS)) {
      peak = Math.max(peak, treePeak(p.pid()));
    }
    int code = p.exitValue();
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
    return new Sample(wall, ticks / 100.0, peak, printed(log, logBefore, REBUILD_MARKER));
  }

  /** Whether what {@code log} holds from byte {@code from} on contains {@code text}. */
  private static boolean printed(Path log, long from, String text) throws IOException {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(log)) {
      long n = ch.size() - from;
      if (n <= 0) {
        return false;
      }
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) Math.min(n, 1 << 20));
      ch.read(b, from);
      return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).contains(text);
    }
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

  /**
   * The larger of the summed VmRSS of a process and its descendants and the largest VmHWM among
   * them, in bytes. Descendants are found through {@code /proc/PID/task/PID/children}: the children
   * of each process's main thread, which is where shells, sqlite3, pg_dump and pg_restore fork
   * theirs (porter forks none).
   */
  static long treePeak(long root) {
    long sum = 0;
    long highest = 0;
    ArrayDeque<Long> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      long pid = todo.pop();
      long[] m = memory(pid);
      sum += m[0];
      highest = Math.max(highest, m[1]);
      String id = Long.toString(pid);
      try {
        String kids =
            Files.readString(
                Path.of("/proc", id, "task", id, "children"), StandardCharsets.US_ASCII);
        for (String k : kids.trim().split(" ")) {
          if (!k.isEmpty()) {
            todo.push(Long.parseLong(k));
          }
        }
      } catch (IOException | RuntimeException e) {
        // the process ended meanwhile
      }
    }
    return Math.max(sum, highest);
  }

  /** {VmRSS, VmHWM} of one process in bytes; zeros once it has ended. */
  private static long[] memory(long pid) {
    long[] m = new long[2];
    try {
      for (String line :
          Files.readAllLines(
              Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          m[0] = kilobytes(line) * 1024;
        } else if (line.startsWith("VmHWM:")) {
          m[1] = kilobytes(line) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // ended meanwhile
    }
    return m;
  }

  private static long kilobytes(String line) {
    long v = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c >= '0' && c <= '9') {
        v = v * 10 + (c - '0');
      }
    }
    return v;
  }
}
