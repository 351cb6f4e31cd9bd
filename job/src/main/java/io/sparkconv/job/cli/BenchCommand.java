package io.sparkconv.job.cli;

import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.bench.BenchOptions;
import io.sparkconv.kernels.bench.ConvBench;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sparkconv bench}: times each layer shape of a shapes file after warm-up and prints one
 * JSON line per shape (CONTRACTS §3) on stdout.
 */
@Command(
    name = "bench",
    description =
        "Time each layer shape of SHAPES.json (format of conf/bench-shapes.json) after warm-up;"
            + " one JSON line per shape on stdout with name, seconds (median forward pass of the"
            + " whole batch), gflops (PyTorch's FLOP count), backend, threads and, on the CPU,"
            + " peak_gflops (this machine's FMA peak on as many threads) and of_peak.")
final class BenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--shapes", required = true, description = "Shapes file (JSON array).")
  Path shapes;

  @Option(
      names = "--seconds",
      defaultValue = "1.0",
      description = "Timed seconds per shape, at least (default ${DEFAULT-VALUE}).")
  double seconds;

  @Option(
      names = "--backend",
      description = "Force a CPU backend by name: cpu-vector, cpu-scalar or reference.")
  String backend;

  @Mixin CommonOptions common;

  @Override
  public Integer call() throws Exception {
    Device device = common.device();
    if (seconds <= 0 || Double.isNaN(seconds)) {
      throw new IllegalArgumentException("--seconds must be > 0, got " + seconds);
    }
    BenchOptions defaults = BenchOptions.defaults(common.threads());
    BenchOptions opts =
        new BenchOptions(
            defaults.threads(),
            device,
            backend,
            seconds,
            defaults.minReps(),
            defaults.warmupSeconds());
    ConvBench.run(shapes, opts, System.out);
    return 0;
  }
}
