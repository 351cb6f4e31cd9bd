package io.sparkconv.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sparkconv demo}: the README's first command. Runs the sample models over the sample
 * Parquet datasets in local mode, writes a PNG preview of each, and says where everything is.
 */
@Command(
    name = "demo",
    description =
        "Run the sample models over the sample datasets in local mode (the README's first"
            + " command) and print where the outputs and previews are.")
final class DemoCommand implements Callable<Integer> {
  /** One sample run: a model over a dataset. */
  record Sample(String name, String model, String input) {}

  static final List<Sample> SAMPLES =
      List.of(
          new Sample("filter-bank", "conf/models/filter-bank.json", "sample-data/parquet/photos"),
          new Sample(
              "digits-autoencoder",
              "conf/models/digits-autoencoder.json",
              "sample-data/parquet/digits"));

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--output",
      defaultValue = "sparkconv-output/demo",
      description = "Where to write (replaced on each run). Default: ${DEFAULT-VALUE}.")
  Path output;

  @Option(
      names = "--home",
      description = "The SparkConv checkout (default: set by the sparkconv launcher, else '.').")
  Path home;

  @Override
  public Integer call() throws Exception {
    Path root = home != null ? home : Path.of(System.getProperty("sparkconv.home", "."));
    var err = spec.commandLine().getErr();
    List<String> lines = new ArrayList<>();
    for (Sample s : SAMPLES) {
      Path model = root.resolve(s.model());
      Path input = root.resolve(s.input());
      for (Path p : List.of(model, input)) {
        if (!Files.exists(p)) {
          throw new IllegalStateException(
              "sample file missing: " + p + " (is this a full checkout?)");
        }
      }
      Path out = output.resolve(s.name());
      Path png = output.resolve(s.name() + "-preview.png");
      err.println("sparkconv demo: " + s.model() + " over " + s.input());
      run(
          "run",
          "--model",
          model.toString(),
          "--input",
          input.toString(),
          "--output",
          out.toString(),
          "--mode",
          "overwrite",
          "--master",
          "local[*]");
      run(
          "preview",
          "--model",
          model.toString(),
          "--input",
          input.toString(),
          "--output",
          png.toString(),
          "--rows",
          "4");
      lines.add(
          String.format(
              "  %-19s output %s/  errors %s_errors/  preview %s",
              s.name(), out.toAbsolutePath(), out.toAbsolutePath(), png.toAbsolutePath()));
    }
    var out = spec.commandLine().getOut();
    out.println("SparkConv demo done. Where to look:");
    lines.forEach(out::println);
    out.println(
        "Read an output row without SparkConv: numpy.frombuffer(row['data'],"
            + " row['dtype']).reshape(row['shape'])");
    out.flush();
    return 0;
  }

  /** Runs a sibling command in this JVM; its failure is this command's failure. */
  private void run(String... args) {
    CommandLine cl = SparkConvCli.commandLine();
    cl.setErr(spec.commandLine().getErr());
    cl.setOut(spec.commandLine().getErr());
    int code = cl.execute(args);
    if (code != 0) {
      throw new IllegalStateException("'sparkconv " + args[0] + "' failed (exit " + code + ")");
    }
  }
}
