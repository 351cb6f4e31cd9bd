package io.sparkconv.kernels.bench;

/**
 * One timed shape.
 *
 * @param seconds median wall time of one forward pass of the whole batch
 * @param gflops {@code ConvGeometry.flops() / seconds / 1e9} (PyTorch's FLOP count)
 * @param minSeconds fastest pass (less sensitive to other load on the machine than the median)
 * @param peakGflops this machine's FMA peak on the same number of threads ({@link
 *     io.sparkconv.kernels.cpu.FmaPeak}), measured once per bench run; NaN when not measured (GPU)
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
    String geometry,
    double peakGflops) {

  /** One JSON object on one line (the bench command's output format). */
  public String toJson() {
    String peak =
        Double.isNaN(peakGflops)
            ? ""
            : String.format(
                java.util.Locale.ROOT,
                ", \"peak_gflops\": %.4g, \"of_peak\": %.3f",
                peakGflops,
                gflops / peakGflops);
    return String.format(
        java.util.Locale.ROOT,
        "{\"name\": \"%s\", \"op\": \"%s\", \"dtype\": \"%s\", \"backend\": \"%s\", \"threads\": %d,"
            + " \"reps\": %d, \"seconds\": %.6g, \"gflops\": %.4g, \"min_seconds\": %.6g,"
            + " \"geometry\": \"%s\"%s}",
        name,
        op,
        dtype,
        backend,
        threads,
        reps,
        seconds,
        gflops,
        minSeconds,
        geometry,
        peak);
  }
}
