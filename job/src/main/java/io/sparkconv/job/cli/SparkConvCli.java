package io.sparkconv.job.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code sparkconv} command line (CONTRACTS §3). Every failure a user can cause ends with exit
 * code 1 and one line on stderr, {@code sparkconv <command>: <reason>}; {@code --verbose} adds the
 * stack trace. Usage errors (unknown option, missing argument) exit with 2, also in one line.
 */
@Command(
    name = "sparkconv",
    mixinStandardHelpOptions = true,
    versionProvider = SparkConvCli.Version.class,
    description = "PyTorch-exact Conv2d and ConvTranspose2d on tensors, locally or on Spark.",
    subcommands = {
      ApplyCommand.class,
      InitCommand.class,
      BenchCommand.class,
      RunCommand.class,
      ImportCommand.class,
      PreviewCommand.class,
      JobBenchCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class SparkConvCli {
  /** Exit code for a failure the user can fix (bad file, bad model, bad input). */
  public static final int EXIT_FAILURE = 1;

  /** Exit code for a malformed command line (unknown option, missing argument). */
  public static final int EXIT_USAGE = 2;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print stack traces and informational logs.")
  boolean verbose;

  private SparkConvCli() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (for tests). */
  public static int run(String... args) {
    CommandLine cl = commandLine();
    return cl.execute(args);
  }

  /** The configured picocli command, with the one-line error handler. */
  public static CommandLine commandLine() {
    SparkConvCli top = new SparkConvCli();
    CommandLine cl = new CommandLine(top);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          err.println(commandLine.getCommandSpec().qualifiedName() + ": " + describe(ex));
          if (top.verbose) {
            ex.printStackTrace(err);
          }
          err.flush();
          return EXIT_FAILURE;
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine c = ex.getCommandLine();
          PrintWriter err = c.getErr();
          err.println(
              c.getCommandSpec().qualifiedName()
                  + ": "
                  + ex.getMessage()
                  + " (see '"
                  + c.getCommandSpec().qualifiedName()
                  + " --help')");
          err.flush();
          return EXIT_USAGE;
        });
    return cl;
  }

  /** One line for a failure: the message, with the kind of I/O problem where the JDK omits it. */
  static String describe(Throwable ex) {
    String m = ex.getMessage();
    if (ex instanceof NoSuchFileException nf) {
      return (nf.getReason() != null ? nf.getReason() : "no such file") + ": " + nf.getFile();
    }
    if (ex instanceof AccessDeniedException ad) {
      return "permission denied: " + ad.getFile();
    }
    if (ex instanceof FileAlreadyExistsException fe) {
      return "already exists: " + fe.getFile();
    }
    if (m == null || m.isBlank()) {
      return ex.getClass().getSimpleName();
    }
    if (ex instanceof IOException && !(ex.getClass().getName().startsWith("io.sparkconv"))) {
      return m;
    }
    if (ex instanceof OutOfMemoryError) {
      return "out of memory ("
          + m
          + "): use a smaller batch or a larger -Xmx (SPARKCONV_JAVA_OPTS)";
    }
    return m.lines().findFirst().orElse(m);
  }

  /** The project version, filtered into a resource at build time. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in =
          SparkConvCli.class.getResourceAsStream("/sparkconv-version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {"sparkconv " + p.getProperty("version", "unknown")};
    }
  }
}
