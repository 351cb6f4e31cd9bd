package io.sparkconv.job.cli;

import java.util.List;

/** Subcommands beyond apply and init, registered on the top-level command. */
final class ExtraCommands {
  private ExtraCommands() {}

  static List<Class<?>> classes() {
    return List.of(
        RunCommand.class,
        ImportCommand.class,
        PreviewCommand.class,
        JobBenchCommand.class,
        DemoCommand.class);
  }
}
