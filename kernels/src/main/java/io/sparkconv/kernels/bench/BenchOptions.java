package io.sparkconv.kernels.bench;

import io.sparkconv.kernels.backend.Device;
import java.util.Objects;

/**
 * Options of {@link ConvBench}.
 *
 * @param threads intra-op threads per plan (&gt;= 1)
 * @param device where to run; {@code auto} and {@code cpu} use {@code BackendSelector}
 * @param backend a backend name from {@code BackendSelector.cpuBackends()} to force (e.g. {@code
 *     cpu-scalar}), or null for the selector's choice
 * @param minSeconds time spent on timed repetitions per shape, at least
 * @param minReps timed repetitions per shape, at least
 * @param warmupSeconds untimed repetitions first (JIT compilation, caches), at least one run
 */
public record BenchOptions(
    int threads,
    Device device,
    String backend,
    double minSeconds,
    int minReps,
    double warmupSeconds) {
  public BenchOptions {
    Objects.requireNonNull(device, "device");
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
    }
    if (minReps < 1) {
      throw new IllegalArgumentException("minReps must be >= 1, got " + minReps);
    }
  }

  /** {@code threads} threads on the CPU, the selector's backend, about 1 s per shape. */
  public static BenchOptions defaults(int threads) {
    return new BenchOptions(threads, Device.CPU, null, 1.0, 5, 0.5);
  }

  public BenchOptions withBackend(String name) {
    return new BenchOptions(threads, device, name, minSeconds, minReps, warmupSeconds);
  }

  public BenchOptions withDevice(Device d) {
    return new BenchOptions(threads, d, backend, minSeconds, minReps, warmupSeconds);
  }
}
