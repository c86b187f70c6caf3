package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./porter} launcher end to end, on the jar this build has just packaged (the test runs
 * in the integration-test phase, after {@code package}). {@code PORTER_NO_BUILD=1} makes a stale
 * jar an error instead of a Maven build inside this one. What only the launcher does is checked
 * here: the class-data archive and the native library it prepares once per build, the JDK it picks
 * from {@code JAVA_HOME}, a standard output that carries nothing but the archive, and the exit
 * codes passed through its {@code exec}.
 */
class LauncherIT {
  private static final Path LAUNCHER = Path.of("..", "porter").toAbsolutePath().normalize();
  private static final Path TARGET = Path.of("target").toAbsolutePath();

  /**
   * The class-data archive's name, after the JDK's release file (porter-17.0.15.jsa), or porter.jsa
   * without one.
   */
  private static final String CDS_ARCHIVE = "porter(-[0-9.]+)?\\.jsa";

  record Run(int exit, byte[] stdout, String stderr) {}

  /**
   * The launcher with {@code args}, run in {@code dir} on the build's JDK and packaged jar, without
   * the caller's JVM settings.
   */
  private static ProcessBuilder launcher(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(LAUNCHER.toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("PORTER_NO_BUILD", "1");
    env.remove("JAVA_OPTS");
    env.remove("PORTER_CDS");
    env.remove("MALLOC_ARENA_MAX");
    return pb;
  }

  private static Run porter(Path dir, String... args) throws Exception {
    ProcessBuilder pb = launcher(dir, args);
    File out = dir.resolve("stdout.bin").toFile();
    File err = dir.resolve("stderr.txt").toFile();
    pb.redirectOutput(out).redirectError(err);
    Process p = pb.start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the launcher did not end: " + pb.command());
    return new Run(
        p.exitValue(),
        Files.readAllBytes(out.toPath()),
        Files.readString(err.toPath(), StandardCharsets.UTF_8));
  }

  @Test
  void anArchiveWrittenToStandardOutputThroughTheLauncherRestoresEveryRow(@TempDir Path dir)
      throws Exception {
    Path jar = TARGET.resolve("porter.jar");
    assertTrue(Files.isRegularFile(jar), "no packaged jar at " + jar);
    Path src = dir.resolve("src.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + src);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL, data BLOB)");
      st.execute(
          "INSERT INTO note VALUES (1, 'first', x'00ff10'), (2, 'zwei – ü', NULL),"
              + " (3, '', x'')");
    }

    // The first run of a build prepares the class-data archive (a demo run, then a dump): its
    // messages go to standard error, never into the archive on standard output.
    Run export = porter(dir, "export", "--db", src.toString(), "--output", "-");
    assertEquals(0, export.exit(), export.stderr());
    Path archive = dir.resolve("notes.porter");
    Files.write(archive, export.stdout());
    assertTrue(export.stdout().length > 512, "archive of " + export.stdout().length + " bytes");

    FileTime built = Files.getLastModifiedTime(jar);
    List<Path> archives;
    try (Stream<Path> files = Files.list(TARGET)) {
      archives =
          files
              .filter(f -> f.getFileName().toString().matches(CDS_ARCHIVE))
              .filter(f -> f.toFile().lastModified() >= built.toMillis())
              .toList();
    }
    assertTrue(!archives.isEmpty(), "no class-data archive of this build in " + TARGET);
    Path lib = TARGET.resolve("native").resolve("libsqlitejdbc.so");
    assertTrue(Files.size(lib) > 100_000, "native library not extracted: " + lib);

    Path dst = dir.resolve("dst.db");
    Run restore = porter(dir, "import", archive.toString(), "--db", dst.toString());
    assertEquals(0, restore.exit(), restore.stderr());
    // a JVM that refused a setting or the archive would say so on every run
    assertTrue(
        !restore.stderr().contains("warning") && !restore.stderr().contains("error"),
        restore.stderr());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dst);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, body, hex(data) FROM note ORDER BY id")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getLong(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
      }
      assertEquals(List.of("1|first|00FF10", "2|zwei – ü|", "3||"), rows);
    }
  }

  /**
   * The launcher's own JVMs (the class list and its dump, the native library's folder, the jar
   * tool) run without the operator's {@code JAVA_TOOL_OPTIONS}, which the run itself keeps. An
   * option that prints on standard output (as an agent's banner does) once made the library's
   * folder unreadable, and the failure's marker left the build without the library until the next.
   */
  @Test
  void theOperatorsJavaToolOptionsReachTheRunButNotWhatTheLauncherPrepares(@TempDir Path dir)
      throws Exception {
    Path lib = TARGET.resolve("native").resolve("libsqlitejdbc.so");
    try (Stream<Path> files = Files.list(TARGET)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.matches(CDS_ARCHIVE) || name.endsWith(".failed")) {
          Files.delete(f);
        }
      }
    }
    Files.deleteIfExists(lib);

    ProcessBuilder pb = launcher(dir, "--version");
    pb.environment().put("JAVA_TOOL_OPTIONS", "-XX:+PrintFlagsFinal");
    File out = dir.resolve("stdout.txt").toFile();
    pb.redirectOutput(out).redirectError(dir.resolve("stderr.txt").toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the launcher did not end");
    String stdout = Files.readString(out.toPath(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("stderr.txt")));
    assertTrue(stdout.contains("PrintFlagsFinal") && stdout.contains("porter "), stdout);

    assertTrue(
        Files.isRegularFile(lib) && Files.size(lib) > 100_000, "native library not extracted");
    try (Stream<Path> files = Files.list(TARGET)) {
      List<String> names = files.map(f -> f.getFileName().toString()).toList();
      assertTrue(names.stream().anyMatch(n -> n.matches(CDS_ARCHIVE)), names::toString);
      assertTrue(names.stream().noneMatch(n -> n.endsWith(".failed")), names::toString);
    }
  }

  @Test
  void theJvmRunsWithTwoMallocArenasUnlessTheOperatorSetsItsOwn(@TempDir Path dir)
      throws Exception {
    assertEquals("2", arenas(jvmOf(dir, Map.of())));
    assertEquals("8", arenas(jvmOf(dir, Map.of("MALLOC_ARENA_MAX", "8"))));
  }

  @Test
  void theYoungGenerationIsCappedUnlessTheOperatorsHeapIsTooSmallForIt(@TempDir Path dir)
      throws Exception {
    assertTrue(jvmOf(dir, Map.of()).arguments().contains("-XX:MaxNewSize=48m"));
    assertTrue(
        jvmOf(dir, Map.of("JAVA_OPTS", "-Xmx256m")).arguments().contains("-XX:MaxNewSize=48m"));
    // below three times the cap the JVM would warn on every run that it is too large
    Jvm small = jvmOf(dir, Map.of("JAVA_OPTS", "-Xmx64m"));
    assertFalse(small.arguments().contains("MaxNewSize"), small::arguments);
    assertFalse(Files.readString(dir.resolve("err")).contains("MaxNewSize"));
    // another collector is the operator's to size
    assertFalse(jvmOf(dir, Map.of("JAVA_OPTS", "-XX:+UseG1GC")).arguments().contains("MaxNewSize"));
  }

  /** The JVM process the launcher exec'd: its arguments and its environment, NUL-separated. */
  record Jvm(String arguments, String environment) {}

  private static String arenas(Jvm jvm) {
    for (String entry : jvm.environment().split("\0")) {
      if (entry.startsWith("MALLOC_ARENA_MAX=")) {
        return entry.substring("MALLOC_ARENA_MAX=".length());
      }
    }
    return "unset";
  }

  /** The JVM the launcher execs with {@code env} added to its environment. */
  private static Jvm jvmOf(Path dir, Map<String, String> env) throws Exception {
    ProcessBuilder pb = launcher(dir, "import", "-", "--db", "x.db");
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(dir.resolve("err").toFile());
    Process p = pb.start();
    try {
      Path proc = Path.of("/proc", Long.toString(p.pid()));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      String cmdline;
      // the same process, once the launcher's shell has exec'd the JVM (it then waits for stdin)
      while (!(cmdline =
              new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8))
          .contains("-jar")) {
        assertTrue(p.isAlive() && System.nanoTime() < until, "the launcher never started the JVM");
        Thread.sleep(20);
      }
      return new Jvm(
          cmdline.replace('\0', ' '),
          new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8));
    } finally {
      p.getOutputStream().close(); // an empty archive: the import refuses it and ends
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the import did not end");
    }
  }

  @Test
  void anErrorKeepsItsExitCodeThroughTheLauncher(@TempDir Path dir) throws Exception {
    Run missing = porter(dir, "import", dir.resolve("none.porter").toString(), "--db", "x.db");
    assertEquals(2, missing.exit(), missing.stderr());
    assertTrue(missing.stderr().startsWith("porter: "), missing.stderr());
    assertTrue(missing.stderr().contains("none.porter"), missing.stderr());
    assertEquals(0, missing.stdout().length);
    assertTrue(!Files.exists(dir.resolve("x.db")), "a refused import created its target");
  }
}
