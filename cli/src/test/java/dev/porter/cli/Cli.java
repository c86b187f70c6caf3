package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Runs porter the way a user does: in this JVM through {@link Main#run}, or as a new process. */
public final class Cli {
  private Cli() {}

  /** What one run printed and returned. */
  record Result(int code, String out, String err) {
    List<String> errLines() {
      return err.isEmpty() ? List.of() : Arrays.asList(err.split("\r?\n"));
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** Runs porter in this JVM. */
  static Result run(Object... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] a = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
    int code =
        Main.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            a);
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Runs porter in this JVM and fails unless it exits 0. */
  static Result ok(Object... args) {
    Result r = run(args);
    assertEquals(0, r.code(), () -> "porter " + Arrays.toString(args) + " failed: " + r);
    return r;
  }

  /** A porter process: this JVM's java and class path, then {@code jvmOptions}, then args. */
  static ProcessBuilder process(List<String> jvmOptions, Object... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    for (Object a : args) {
      cmd.add(String.valueOf(a));
    }
    return new ProcessBuilder(cmd);
  }

  /** Runs a porter process to its end, with its output captured. */
  static Result runProcess(List<String> jvmOptions, Object... args)
      throws IOException, InterruptedException {
    Process p = process(jvmOptions, args).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    p.getOutputStream().close();
    return finish(p);
  }

  /**
   * Reads a porter process's stderr until {@code marker} appears; returns what was read. Fails the
   * test if the process ends first.
   */
  public static String awaitOnStderr(Process p, String marker) throws IOException {
    InputStream err = p.getErrorStream();
    StringBuilder seen = new StringBuilder();
    int c;
    while ((c = err.read()) >= 0) {
      seen.append((char) c);
      if (seen.length() >= marker.length()
          && seen.lastIndexOf(marker) == seen.length() - marker.length()) {
        return seen.toString();
      }
    }
    return fail("porter ended before printing '" + marker + "': " + seen);
  }

  /** Waits for a process and returns its exit code and output. */
  static Result finish(Process p) throws IOException, InterruptedException {
    var err = new java.util.concurrent.CompletableFuture<String>();
    Thread t =
        new Thread(
            () -> {
              try (InputStream in = p.getErrorStream()) {
                err.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                err.completeExceptionally(e);
              }
            });
    t.start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    int code = p.waitFor();
    t.join();
    return new Result(code, out, err.join());
  }

  static String sha256(Path file) throws IOException {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0) {
          d.update(buffer, 0, n);
        }
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The names of the files in {@code dir}, sorted. */
  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * The shared real-data folder ({@code ../shared/realdata}, from the system property {@code
   * porter.shared.dir} that the build sets). When it is absent the test fails on CI (env CI set)
   * and is aborted, saying why, elsewhere.
   */
  static Path realData() {
    String dir = System.getProperty("porter.shared.dir");
    Path realdata = dir == null ? null : Path.of(dir, "realdata");
    if (realdata == null || !Files.isDirectory(realdata)) {
      String why =
          "../shared/realdata is absent: "
              + (dir == null
                  ? "the system property porter.shared.dir is not set (run through Maven)"
                  : realdata.toAbsolutePath().normalize() + " does not exist")
              + "; the real-data round trips need the sample databases there (CI provides them)";
      if (System.getenv("CI") != null) {
        fail(why);
      }
      Assumptions.abort(why);
    }
    return realdata;
  }
}
