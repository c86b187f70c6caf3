package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JVM settings of the {@code ./porter} launcher (ADR 0016, 0019, 0020), run by the JVM that
 * runs the build (the launcher as a whole runs on the packaged jar in {@link LauncherIT}). A flag
 * that a JDK does not know stops every porter command, and one it warns about prints a line on
 * every run; both fail here.
 */
class LauncherFlagsTest {
  /** The launcher, beside the module folder Maven runs the tests in. */
  private static final Path LAUNCHER = Path.of("..", "porter");

  @Test
  void everyFixedJvmSettingOfTheLauncherStartsTheJvmWithoutAWarning() throws Exception {
    List<String> flags = fixedJvmFlags(Files.readString(LAUNCHER, StandardCharsets.UTF_8));
    // the settings the launcher is known to pass; a parser that found none would prove nothing
    assertTrue(flags.contains("-XX:PerMethodTrapLimit=0"), flags.toString());
    assertTrue(flags.contains("-XX:LoopUnrollLimit=0"), flags.toString());
    assertTrue(flags.contains("-XX:InlineSmallCode=600"), flags.toString());
    assertTrue(flags.contains("-XX:+UseParallelGC"), flags.toString());

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(flags);
    command.add("-version");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java -version did not end");
    assertEquals(0, p.exitValue(), out);
    for (String line : out.split("\n")) {
      String l = line.toLowerCase(Locale.ROOT);
      assertTrue(
          !l.contains("warning") && !l.contains("unrecognized") && !l.contains("error"),
          "the JVM printed: " + line);
    }
  }

  @Test
  void everyPorterMethodTheLauncherNamesForTheCompilerExists() throws Exception {
    List<String> named = new ArrayList<>();
    for (String flag : fixedJvmFlags(Files.readString(LAUNCHER, StandardCharsets.UTF_8))) {
      // -XX:CompileCommand=COMMAND,CLASS::METHOD[,VALUE]: a renamed method is silently not found
      String[] parts = flag.split(",");
      if (flag.startsWith("-XX:CompileCommand=") && parts.length > 1 && parts[1].contains("::")) {
        String[] target = parts[1].split("::");
        if (target[0].startsWith("dev.porter.")) {
          Class<?> c = Class.forName(target[0]);
          assertTrue(
              Arrays.stream(c.getDeclaredMethods())
                  .anyMatch(m -> target[1].equals("*") || m.getName().equals(target[1])),
              "the launcher names " + parts[1] + ", which does not exist");
          named.add(parts[1]);
        }
      }
    }
    assertTrue(named.contains("dev.porter.core.sqlite.SqliteTableScan::number"), named.toString());
    assertTrue(named.contains("dev.porter.formats.BlockValueWriter::*"), named.toString());
  }

  @Test
  void theParserFindsFlagsAcrossLinesAndSkipsThoseBuiltFromVariables() {
    String script =
        "jvm=(--a -XX:One=1)\n"
            + "jvm+=(-XX:Two=x,y::*,0.1\n"
            + "  -XX:-Three)\n"
            + "  jvm+=(-XX:SharedArchiveFile=\"$cds\" -Dname=value)\n"
            + "other=(-XX:NotThis)\n";
    assertEquals(
        List.of("--a", "-XX:One=1", "-XX:Two=x,y::*,0.1", "-XX:-Three"), fixedJvmFlags(script));
  }

  /**
   * The words of the script's {@code jvm=( … )} and {@code jvm+=( … )} arrays, without those built
   * from a variable (a file of this machine's) and without system properties, which never stop a
   * JVM.
   */
  static List<String> fixedJvmFlags(String script) {
    List<String> flags = new ArrayList<>();
    int at = 0;
    while (true) {
      int start = nextArray(script, at);
      if (start < 0) {
        return flags;
      }
      int end = script.indexOf(')', start);
      for (String word : script.substring(start, end).trim().split("\\s+")) {
        if (!word.isEmpty() && !word.contains("$") && !word.startsWith("-D")) {
          flags.add(word);
        }
      }
      at = end + 1;
    }
  }

  /** Where the words of the next {@code jvm} array begin, or -1. */
  private static int nextArray(String script, int from) {
    int plain = script.indexOf("jvm=(", from);
    int added = script.indexOf("jvm+=(", from);
    if (plain < 0 && added < 0) {
      return -1;
    }
    if (added < 0 || (plain >= 0 && plain < added)) {
      return plain + "jvm=(".length();
    }
    return added + "jvm+=(".length();
  }
}
