package io.sparkconv.kernels.bench;

/**
 * One timed shape.
 *
 * @param seconds median wall time of one forward pass of the whole batch
 * @param gflops {@code ConvGeometry.flops() / seconds / 1e9} (PyTorch's FLOP count)
 * @param minSeconds fastest pass (less sensitive to other load on the machine than the median)
 */
public record BenchResult(
    String name,
    String op,
    String dtype,
    String backend,
    int threads,
    int reps,
    double seconds,
    double gflops,
    double minSeconds,
    String geometry) {

  /** One JSON object on one line (the bench command's output format). */
  public String toJson() {
    return String.format(
        java.util.Locale.ROOT,
        "{\"name\": \"%s\", \"op\": \"%s\", \"dtype\": \"%s\", \"backend\": \"%s\", \"threads\": %d,"
            + " \"reps\": %d, \"seconds\": %.6g, \"gflops\": %.4g, \"min_seconds\": %.6g,"
            + " \"geometry\": \"%s\"}",
        name,
        op,
        dtype,
        backend,
        threads,
        reps,
        seconds,
        gflops,
        minSeconds,
        geometry);
  }
}
