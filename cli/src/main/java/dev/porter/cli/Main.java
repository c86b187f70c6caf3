package dev.porter.cli;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.PorterVersion;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The porter command. {@link #run} is the testable entry point; {@link #main} only exits. */
@Command(
    name = "porter",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Portable, versioned archives of an application's SQLite or PostgreSQL database.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      " 0:success",
      " 1:internal error (a bug; --verbose shows the stack trace)",
      " 2:usage error (bad option, no such file)",
      " 3:refused before writing (target not empty, newer archive, lossy value…)",
      " 4:archive corrupt, truncated or not a porter archive",
      " 5:loaded data failed a check; the target was not changed",
      " 6:database locked by another porter or in use",
      " 7:a database or file could not be read or written"
    })
public final class Main implements Runnable {
  @Option(
      names = {"-v", "--verbose"},
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces with errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a command, e.g. porter export --help");
  }

  public static void main(String[] args) {
    int code = run(System.out, System.err, args);
    System.out.flush();
    System.exit(code);
  }

  /**
   * The subcommands, in the order help lists them. Built on demand: picocli reads each command's
   * annotations when it is added, so a run adds only the command it was asked for.
   */
  private static final List<Map.Entry<String, Supplier<Object>>> COMMANDS =
      List.of(
          Map.entry("export", ExportCommand::new),
          Map.entry("import", ImportCommand::new),
          Map.entry("plan", PlanCommand::new),
          Map.entry("status", StatusCommand::new),
          Map.entry("upgrade", UpgradeCommand::new),
          Map.entry("rollback", RollbackCommand::new),
          Map.entry("cleanup", CleanupCommand::new),
          Map.entry("verify", VerifyCommand::new),
          Map.entry("inspect", InspectCommand::new),
          Map.entry("demo", DemoCommand::new),
          Map.entry("help", CommandLine.HelpCommand::new));

  /**
   * The one subcommand {@code args} runs, or null when all must be known: no command, an unknown
   * one (picocli then suggests names), or {@code help} (which describes the others).
   */
  static String onlyCommand(String... args) {
    String first =
        java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("help");
    boolean known = COMMANDS.stream().anyMatch(c -> c.getKey().equals(first));
    return known && !first.equals("help") ? first : null;
  }

  /** Runs porter with the given arguments and returns the exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    Main main = new Main();
    CommandLine cli = new CommandLine(main);
    String only = onlyCommand(args);
    for (Map.Entry<String, Supplier<Object>> c : COMMANDS) {
      if (only == null || only.equals(c.getKey())) {
        cli.addSubcommand(c.getKey(), c.getValue().get());
      }
    }
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter e = commandLine.getErr();
          if (ex instanceof PorterException pe) {
            e.println("porter: " + oneLine(pe.getMessage()));
            if (main.verbose) {
              pe.printStackTrace(e);
            }
            e.flush();
            return pe.category().exitCode();
          }
          e.println(
              "porter: internal error: "
                  + oneLine(String.valueOf(ex))
                  + (main.verbose ? "" : " (run with --verbose for the stack trace)"));
          if (main.verbose) {
            ex.printStackTrace(e);
          }
          e.flush();
          return ErrorCategory.INTERNAL.exitCode();
        });
    cli.setParameterExceptionHandler(
        (ex, argsGiven) -> {
          PrintWriter e = ex.getCommandLine().getErr();
          e.println("porter: " + oneLine(ex.getMessage()));
          e.println(
              "Try 'porter "
                  + (ex.getCommandLine() == cli ? "" : ex.getCommandLine().getCommandName() + " ")
                  + "--help' for usage.");
          e.flush();
          return ErrorCategory.USAGE.exitCode();
        });
    return cli.execute(args);
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
  }

  /** The porter version for --version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "porter " + PorterVersion.current(),
        "archive format "
            + dev.porter.core.model.ArchiveHeader.CURRENT_FORMAT_VERSION
            + " ("
            + dev.porter.core.model.ArchiveHeader.LARGE_OBJECTS_FORMAT_VERSION
            + " with PostgreSQL large objects)",
        "Java " + System.getProperty("java.version")
      };
    }
  }
}
