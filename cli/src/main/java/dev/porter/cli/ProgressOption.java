package dev.porter.cli;

import dev.porter.core.PorterException;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The {@code --progress} option of the commands that move rows: export, import and upgrade. */
final class ProgressOption {
  private final OptionSpec option;

  /** Adds --progress to {@code spec}. */
  ProgressOption(CommandSpec spec) {
    option =
        CommandModel.add(
            spec,
            CommandModel.text("--progress")
                .paramLabel("auto|always|never")
                .defaultValue("auto")
                .description("Progress on standard error (default: auto, when on a terminal)."));
  }

  /**
   * The printer for {@code err}: on with {@code always}, off with {@code never}, and with {@code
   * auto} on when the process has a terminal. Any other value is a usage error, checked before
   * anything is read or written.
   */
  ProgressPrinter printer(PrintWriter err) {
    String progress = option.getValue();
    boolean on =
        switch (progress) {
          case "always" -> true;
          case "never" -> false;
          case "auto" -> System.console() != null;
          default ->
              throw PorterException.usage(
                  "unknown --progress " + progress + " (expected auto, always or never)");
        };
    return new ProgressPrinter(err, on);
  }
}
