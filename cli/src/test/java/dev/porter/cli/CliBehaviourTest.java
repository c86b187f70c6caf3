package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.io.LockFile;
import dev.porter.testdata.DemoShop;
import dev.porter.testdata.SqliteCompare;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What an operator sees: --help on every verb, --version, and each documented error as exactly one
 * line on stderr with its exit code, a stack trace only with --verbose.
 */
class CliBehaviourTest {
  @TempDir static Path shared;

  static Path source;
  static Path archive;

  @TempDir Path dir;

  @BeforeAll
  static void sourceAndArchive() throws Exception {
    source = shared.resolve("shop.db");
    DemoShop.create(source, 200, 3);
    archive = shared.resolve("shop.porter");
    Cli.ok("export", "--db", source, "--output", archive);
  }

  /** Every verb, in the order help lists them. */
  static List<String> verbs() {
    return List.of(
        "export",
        "import",
        "plan",
        "status",
        "upgrade",
        "rollback",
        "cleanup",
        "verify",
        "inspect",
        "demo",
        "help");
  }

  @ParameterizedTest(name = "porter {0} --help")
  @MethodSource("verbs")
  void helpOnEveryVerb(String verb) {
    Cli.Result r = Cli.ok(verb, "--help");
    assertTrue(r.out().contains("Usage: porter " + verb + " ["), r::toString);
    assertEquals("", r.err());
  }

  @Test
  void helpOfTheCommandListsEveryVerbAndTheExitCodes() {
    Cli.Result r = Cli.ok("--help");
    for (String verb : verbs()) {
      assertTrue(r.out().contains("  " + verb + " "), () -> verb + " missing from\n" + r.out());
    }
    for (String code : List.of("   2   ", "   3   ", "   4   ", "   5   ", "   6   ", "   7   ")) {
      assertTrue(r.out().contains(code), () -> "exit code" + code + " missing from\n" + r.out());
    }
    assertTrue(Cli.ok("help", "import").out().startsWith("Usage: porter import"));
    assertTrue(Cli.ok("-v", "help", "upgrade").out().startsWith("Usage: porter upgrade"));
  }

  /**
   * picocli prints each element of a description as a paragraph of its own, wrapped at 80 columns,
   * and lists a command by its first element: an element cut mid-sentence to fit a source line
   * breaks the help there, and the command list shows half a sentence.
   */
  @Test
  void everyParagraphOfHelpIsWhole() {
    CommandLine cli = Main.commandLine(null);
    List<String> cut = new ArrayList<>();
    List<CommandSpec> specs = new ArrayList<>();
    specs.add(cli.getCommandSpec());
    cli.getSubcommands().values().forEach(c -> specs.add(c.getCommandSpec()));
    for (CommandSpec spec : specs) {
      List<String[]> paragraphs = new ArrayList<>();
      paragraphs.add(spec.usageMessage().description());
      spec.args().forEach(a -> paragraphs.add(a.description()));
      for (String[] p : paragraphs) {
        for (String paragraph : p) {
          String line = paragraph.replaceAll("(%n)+$", "");
          if (!line.isEmpty() && !line.endsWith(".") && !line.endsWith(":")) {
            cut.add(spec.name() + ": " + line);
          }
        }
      }
    }
    assertEquals(List.of(), cut);
    assertTrue(specs.size() > 10, "every subcommand is checked");
  }

  /** A run adds only the command it names; the others must still be known where they are asked. */
  @Test
  void onlyTheNamedCommandIsBuiltYetEveryOtherNameStillWorks() {
    assertEquals("export", Main.onlyCommand("export", "--db", "x"));
    assertEquals("import", Main.onlyCommand("--verbose", "import", "a.porter"));
    assertNull(Main.onlyCommand("help", "export"));
    assertNull(Main.onlyCommand("--help"));
    assertNull(Main.onlyCommand("exprot"));
    Cli.Result r = Cli.run("exprot", "--db", "x");
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("exprot"), r::toString);
    assertTrue(Cli.ok("--verbose", "inspect", archive).out().contains("customer"));
  }

  @Test
  void theModelBuiltInCodeHasEveryOptionAndItsConstraints() {
    // the commands' picocli models are built in code (ADR 0036): what annotations gave for free
    // (a required archive, inherited --verbose, typed values) must still be there
    String synopsis =
        Cli.ok("export", "--help").out().lines().limit(4).reduce("", (a, b) -> a + b.strip() + " ");
    assertEquals(
        "Usage: porter export [-hvV] [--force] [--without-large-objects] [--app=PATH]"
            + " [--codec=zstandard|deflate|null] --db=DB -o=FILE|- [--progress=auto|always|never]"
            + " [--temp-dir=DIR] [--schema=NAME]... ",
        synopsis);
    for (String verb : List.of("import", "plan", "verify", "inspect")) {
      assertUsageError(Cli.run(verb), verb, "Missing required parameter: 'FILE");
    }
    assertUsageError(
        Cli.run("export"), "export", "Missing required options: '--db=DB', '--output=FILE|-'");
    assertUsageError(
        Cli.run("import", archive, "--db", dir.resolve("t.db"), "--lookup-memory-rows", "many"),
        "import",
        "Invalid value for option '--lookup-memory-rows': 'many' is not a long");
    assertUsageError(
        Cli.run("cleanup", "--db", "x", "--keep", "1.5"),
        "cleanup",
        "Invalid value for option '--keep': '1.5' is not an int");
    assertFalse(Files.exists(dir.resolve("t.db")));
    // -V on a command prints porter's version too (with annotations it printed nothing)
    assertEquals(Cli.ok("--version").out(), Cli.ok("inspect", "-V").out());
  }

  @Test
  void version() {
    Cli.Result r = Cli.ok("--version");
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.get(0).matches("porter \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), r::toString);
    assertEquals("archive format 1 (2 with PostgreSQL large objects)", lines.get(1));
    assertEquals("", r.err());
  }

  @Test
  void noSuchDatabaseIsAUsageError() throws Exception {
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Cli.Result r =
        Cli.run("export", "--db", dir.resolve("missing.db"), "--output", out.resolve("x.porter"));
    assertError(r, 2, "no such SQLite database");
    assertEquals(List.of(), Cli.files(out), "no archive, partial or not, may be left");
  }

  @Test
  void noSuchArchiveIsAUsageError() {
    Cli.Result r = Cli.run("import", dir.resolve("missing.porter"), "--db", dir.resolve("t.db"));
    assertError(r, 2, "no such archive");
    assertFalse(Files.exists(dir.resolve("t.db")));
  }

  @Test
  void modeNewRefusesATargetThatHoldsADatabase() throws Exception {
    Path target = dir.resolve("app.db");
    DemoShop.create(target, 10, 1);
    String before = Cli.sha256(target);
    Cli.Result r = Cli.run("import", archive, "--db", target);
    assertError(r, 3, "already holds a database");
    assertEquals(before, Cli.sha256(target));
    assertEquals(List.of(".app.db.porter-lock", "app.db"), Cli.files(dir));
  }

  @Test
  void modeNewAcceptsAnEmptyFile() throws Exception {
    Path target = dir.resolve("app.db");
    Files.createFile(target);
    Cli.ok("import", archive, "--db", target, "--mode", "new");
    assertNull(SqliteCompare.difference(source, target));
  }

  @Test
  void corruptArchiveIsExitFour() throws Exception {
    Path bad = dir.resolve("bad.porter");
    Files.writeString(bad, "this is not an archive", StandardCharsets.UTF_8);
    assertError(Cli.run("verify", bad), 4, "not a porter archive");
    Path target = dir.resolve("t.db");
    assertError(Cli.run("import", bad, "--db", target), 4, "not a porter archive");
    assertFalse(Files.exists(target));
  }

  @Test
  void anotherPorterHoldingTheLockIsExitSix() throws Exception {
    Path target = dir.resolve("app.db");
    DemoShop.create(target, 10, 1);
    String before = Cli.sha256(target);
    LockFile lock = LockFile.acquire(dir.resolve(".app.db.porter-lock"), target.toString());
    try {
      Cli.Result r = Cli.run("import", archive, "--db", target, "--mode", "replace");
      assertError(r, 6, "in use by another porter");
      assertEquals(before, Cli.sha256(target));
    } finally {
      lock.close();
    }
    // once the other porter is gone, the same import goes through
    Cli.ok("import", archive, "--db", target, "--mode", "replace");
    assertNull(SqliteCompare.difference(source, target));
  }

  @Test
  void verboseAddsTheStackTrace() throws Exception {
    Path target = dir.resolve("app.db");
    DemoShop.create(target, 10, 1);
    Cli.Result quiet = Cli.run("import", archive, "--db", target);
    assertError(quiet, 3, "already holds a database");
    Cli.Result verbose = Cli.run("import", archive, "--db", target, "--verbose");
    assertEquals(3, verbose.code());
    assertEquals(quiet.errLines().get(0), verbose.errLines().get(0));
    assertTrue(verbose.err().contains("\tat dev.porter."), verbose::toString);
  }

  @Test
  void aDatabaseThatCannotBeReadIsNotCalledNotSqlite() {
    // /proc/self/mem is a regular file whose first bytes cannot be read (EIO), even by root: it
    // stands in for a database of another user, which was reported as "not a SQLite database"
    Path out = dir.resolve("mem.porter");
    Cli.Result r = Cli.run("export", "--db", "/proc/self/mem", "-o", out);
    assertError(r, 7, "cannot read /proc/");
    assertTrue(r.errLines().get(0).endsWith("/mem: Input/output error"), r::toString);
    assertFalse(Files.exists(out));
  }

  @Test
  void aSourceWithAHotJournalIsRefusedWithWhatToDo() throws Exception {
    // a copy of a database and its journal taken while a writer's transaction had spilled pages
    // into the file: what a writer killed in the middle of that transaction leaves
    Path live = dir.resolve("live.db");
    Path hot = Files.createDirectories(dir.resolve("hot")).resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + live);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
      s.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
              + " INSERT INTO t (v) SELECT printf('%.100c', 'x') FROM n");
      s.execute("PRAGMA cache_size = 10");
      c.setAutoCommit(false);
      s.execute("UPDATE t SET v = printf('%.100c', 'y')");
      Files.copy(live, hot);
      Files.copy(dir.resolve("live.db-journal"), dir.resolve("hot/app.db-journal"));
      c.rollback();
    }
    String before = Cli.sha256(hot);
    Path out = dir.resolve("hot.porter");
    Cli.Result r = Cli.run("export", "--db", hot, "-o", out);
    assertError(r, 7, "it has a hot journal (app.db-journal)");
    assertTrue(r.errLines().get(0).contains("run porter again after that"), r::toString);
    assertFalse(Files.exists(out));
    assertEquals(before, Cli.sha256(hot), "the source is read, never rolled back by porter");
    assertTrue(Files.exists(dir.resolve("hot/app.db-journal")));
  }

  @Test
  void aFileErrorSaysWhyInWords() throws Exception {
    // the JDK's message for this is the path alone, which printed "… in F: F"
    Path notADirectory = Files.writeString(dir.resolve("spool"), "a file");
    Path out = dir.resolve("spool.porter");
    Cli.Result r = Cli.run("export", "--db", source, "-o", out, "--temp-dir", notADirectory);
    assertError(
        r,
        7,
        "cannot create a spool file in " + notADirectory + ": a file of that name already exists");
    assertFalse(Files.exists(out));
  }

  @Test
  void badOptionIsAUsageErrorWithoutStackTrace() {
    Cli.Result r = Cli.run("import", archive, "--db", dir.resolve("t.db"), "--mode", "sideways");
    assertError(r, 2, "unknown --mode sideways");
    // a misspelt --progress was taken as auto before; each command that has it refuses it now,
    // before anything is read or written
    Path out = dir.resolve("p.porter");
    assertError(
        Cli.run("export", "--db", dir.resolve("nothing.db"), "-o", out, "--progress", "alway"),
        2,
        "unknown --progress alway (expected auto, always or never)");
    assertFalse(Files.exists(out));
    Path target = dir.resolve("p.db");
    assertError(
        Cli.run("import", archive, "--db", target, "--progress", "yes"),
        2,
        "unknown --progress yes");
    assertFalse(Files.exists(target));
    assertError(
        Cli.run("upgrade", "--db", target, "--app", dir, "--progress", "Never"),
        2,
        "unknown --progress Never");
    Cli.Result unknown = Cli.run("verify", "--nope", archive);
    assertEquals(2, unknown.code());
    assertTrue(
        unknown.errLines().get(0).startsWith("porter: Unknown option: '--nope'"),
        unknown::toString);
    assertFalse(unknown.err().contains("\tat "), unknown::toString);
  }

  @Test
  void successReportsGoToStdout() throws Exception {
    Cli.Result v = Cli.ok("verify", archive);
    assertTrue(v.out().startsWith("ok: 10 tables (9 with data), "), v::toString);
    assertEquals("", v.err());
    Cli.Result i = Cli.ok("import", archive, "--db", dir.resolve("t.db"));
    assertTrue(i.out().startsWith("imported 515 rows into "), i::toString);
    assertEquals("", i.err());
    Cli.Result inspect = Cli.ok("inspect", archive);
    assertTrue(inspect.out().contains("porter-archive 1"), inspect::toString);
  }

  /**
   * A value larger than the heap (or Avro's decompression limit, a quarter of the heap) is not
   * mistaken for damage: the archive's checksums pass, so porter says the value is too large to
   * decode here (exit 7), not that the archive is corrupt (exit 4).
   */
  @Test
  void aValueTooLargeForTheHeapIsNotReportedAsCorruption() throws Exception {
    Path db = dir.resolve("blob.db");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (b BLOB)");
      s.execute("INSERT INTO t VALUES (zeroblob(100000000))"); // compresses to almost nothing
    }
    Path blobArchive = dir.resolve("blob.porter");
    Cli.ok("export", "--db", db, "--output", blobArchive);

    Cli.Result r = Cli.runProcess(List.of("-Xmx48m"), "verify", blobArchive);
    assertError(r, 7, "member data/0001-t.avro (table t) at row 1 is too large to decode");
    assertTrue(r.err().contains("the archive is intact"), r::toString);
  }

  /** Exactly one line on stderr, naming the problem, with the documented exit code. */
  /** picocli's usage error: what is wrong, then where to read more, and exit code 2. */
  static void assertUsageError(Cli.Result r, String verb, String startsWith) {
    assertEquals(2, r.code(), r::toString);
    assertEquals(2, r.errLines().size(), r::toString);
    assertTrue(r.errLines().get(0).startsWith("porter: " + startsWith), r::toString);
    assertEquals("Try 'porter " + verb + " --help' for usage.", r.errLines().get(1));
    assertEquals("", r.out());
  }

  static void assertError(Cli.Result r, int code, String mentions) {
    assertEquals(code, r.code(), r::toString);
    assertEquals(1, r.errLines().size(), () -> "one line on stderr expected\n" + r);
    String line = r.errLines().get(0);
    assertTrue(line.startsWith("porter: "), r::toString);
    assertTrue(line.contains(mentions), () -> "'" + mentions + "' expected in: " + line);
    assertEquals("", r.out(), "nothing on stdout when it fails");
  }
}
