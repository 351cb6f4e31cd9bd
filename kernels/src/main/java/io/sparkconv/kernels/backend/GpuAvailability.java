package io.sparkconv.kernels.backend;

/**
 * Whether this JVM can run the GPU backend, and if not, why. The answer is probed once and cached.
 */
public final class GpuAvailability {
  private GpuAvailability() {}

  /** One line saying why the GPU backend cannot run here. */
  public static String reason() {
    return "this build of SparkConv has no GPU kernels yet";
  }
}
