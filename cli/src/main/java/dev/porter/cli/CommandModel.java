package dev.porter.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Builds the commands' picocli models in code. picocli can read a model from annotations, but that
 * took 73 ms of every porter process's start, about twice what building it here takes (ADR 0036). A
 * command keeps the {@link OptionSpec}s it adds and reads their values when it runs.
 */
final class CommandModel {
  private CommandModel() {}

  /**
   * The model of {@code command} (a {@code Callable} or {@code Runnable} that picocli runs), with
   * -h/--help and -V/--version.
   */
  static CommandSpec command(Object command, String name, String... description) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
    spec.usageMessage().description(description);
    spec.versionProvider(new Main.Version());
    spec.addOption(
        OptionSpec.builder("-h", "--help")
            .usageHelp(true)
            .description("Show this help message and exit.")
            .build());
    spec.addOption(
        OptionSpec.builder("-V", "--version")
            .versionHelp(true)
            .description("Print version information and exit.")
            .build());
    return spec;
  }

  /** An option that takes a string; unset, its value is null. */
  static OptionSpec.Builder text(String... names) {
    return OptionSpec.builder(names).type(String.class);
  }

  /** An option that takes a path; unset, its value is null. */
  static OptionSpec.Builder path(String... names) {
    return OptionSpec.builder(names).type(Path.class);
  }

  /**
   * An option that takes a number of {@code type} ({@code int} or {@code long}), {@code N} in help.
   */
  static OptionSpec.Builder number(Class<?> type, String name) {
    return OptionSpec.builder(name).type(type).paramLabel("N");
  }

  /** An option without a value; unset, it is false. */
  static OptionSpec.Builder flag(String... names) {
    return OptionSpec.builder(names).type(boolean.class).initialValue(false);
  }

  /** A repeatable option of strings; unset, an empty list. */
  static OptionSpec.Builder list(String... names) {
    return OptionSpec.builder(names)
        .type(List.class)
        .auxiliaryTypes(String.class)
        .initialValue(List.of());
  }

  /** Adds the required {@code --db} option, the database a command works on, and returns it. */
  static OptionSpec database(CommandSpec spec, String description) {
    return add(spec, text("--db").required(true).paramLabel("DB").description(description));
  }

  /** Adds an option that names a directory, {@code DIR} in help, and returns it. */
  static OptionSpec directory(CommandSpec spec, String name, String... description) {
    return add(spec, path(name).paramLabel("DIR").description(description));
  }

  /** Adds the option {@code option} describes to {@code spec}, and returns it. */
  static OptionSpec add(CommandSpec spec, OptionSpec.Builder option) {
    OptionSpec built = option.build();
    spec.addOption(built);
    return built;
  }

  /** Adds a command's one positional parameter, the archive, and returns it. */
  static PositionalParamSpec archive(CommandSpec spec, String label, String description) {
    PositionalParamSpec built =
        PositionalParamSpec.builder()
            .index("0")
            .arity("1")
            .required(true)
            .type(String.class)
            .paramLabel(label)
            .description(description)
            .build();
    spec.addPositional(built);
    return built;
  }
}
