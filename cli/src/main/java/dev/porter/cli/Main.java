package dev.porter.cli;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.PorterVersion;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The porter command. {@link #run} is the testable entry point; {@link #main} only exits. */
public final class Main implements Runnable {
  private final CommandSpec spec =
      CommandModel.command(
          this,
          "porter",
          "Portable, versioned archives of an application's SQLite or PostgreSQL database.",
          "");

  private final OptionSpec verbose =
      CommandModel.add(
          spec,
          CommandModel.flag("-v", "--verbose")
              .scopeType(CommandLine.ScopeType.INHERIT)
              .description("Print stack traces with errors."));

  private Main() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(" 0", "success");
    codes.put(" 1", "internal error (a bug; --verbose shows the stack trace)");
    codes.put(" 2", "usage error (bad option, no such file)");
    codes.put(" 3", "refused before writing (target not empty, newer archive, lossy value…)");
    codes.put(" 4", "archive corrupt, truncated or not a porter archive");
    codes.put(" 5", "loaded data failed a check; the target was not changed");
    codes.put(" 6", "database locked by another porter or in use");
    codes.put(" 7", "a database or file could not be read or written");
    spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
  }

  private boolean verbose() {
    return verbose.<Boolean>getValue();
  }

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
   * The subcommands, in the order help lists them: their models, or picocli's help command. Built
   * on demand, so a run builds only the command it was asked for.
   */
  private static final List<Map.Entry<String, Supplier<Object>>> COMMANDS =
      List.of(
          Map.entry("export", () -> new ExportCommand().spec),
          Map.entry("import", () -> new ImportCommand().spec),
          Map.entry("plan", () -> new PlanCommand().spec),
          Map.entry("status", () -> new StatusCommand().spec),
          Map.entry("upgrade", () -> new UpgradeCommand().spec),
          Map.entry("rollback", () -> new RollbackCommand().spec),
          Map.entry("cleanup", () -> new CleanupCommand().spec),
          Map.entry("verify", () -> new VerifyCommand().spec),
          Map.entry("inspect", () -> new InspectCommand().spec),
          Map.entry("demo", () -> new DemoCommand().spec),
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
    CommandLine cli = commandLine(main, onlyCommand(args));
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter e = commandLine.getErr();
          if (ex instanceof PorterException pe) {
            e.println("porter: " + oneLine(pe.getMessage()));
            if (main.verbose()) {
              pe.printStackTrace(e);
            }
            e.flush();
            return pe.category().exitCode();
          }
          e.println(
              "porter: internal error: "
                  + oneLine(String.valueOf(ex))
                  + (main.verbose() ? "" : " (run with --verbose for the stack trace)"));
          if (main.verbose()) {
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

  /** porter's command line with the subcommand {@code only}, or every one when it is null. */
  static CommandLine commandLine(String only) {
    return commandLine(new Main(), only);
  }

  private static CommandLine commandLine(Main main, String only) {
    CommandLine cli = new CommandLine(main.spec);
    for (Map.Entry<String, Supplier<Object>> c : COMMANDS) {
      if (only == null || only.equals(c.getKey())) {
        cli.addSubcommand(c.getKey(), c.getValue().get());
      }
    }
    return cli;
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
