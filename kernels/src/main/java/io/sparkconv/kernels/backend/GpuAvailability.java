package io.sparkconv.kernels.backend;

/**
 * Whether this JVM has a usable CUDA device, probed once through JCuda and cached. The probe never
 * throws: every failure (no native library, no driver, no device) becomes a one-line reason.
 */
public final class GpuAvailability {
  private static volatile String cached;

  private GpuAvailability() {}

  /** The probe's answer: {@code "ok: ..."} when a device exists, else why not. */
  public static String probe() {
    String r = cached;
    if (r == null) {
      synchronized (GpuAvailability.class) {
        if (cached == null) {
          cached = runProbe();
        }
        r = cached;
      }
    }
    return r;
  }

  /**
   * Whether the GPU backend can run in this JVM: a device is present and this build has GPU
   * kernels. This build has none, so always false; {@link #reason()} says what the probe saw.
   */
  public static boolean usable() {
    return false;
  }

  /** True when the CUDA driver reports at least one device. */
  public static boolean devicePresent() {
    return probe().startsWith("ok: ");
  }

  /**
   * Why the GPU backend cannot run here. This build has no GPU kernels yet, so even a present
   * device is reported as unusable, with what the probe saw.
   */
  public static String reason() {
    String p = probe();
    return devicePresent()
        ? "CUDA device found ("
            + p.substring(4)
            + "), but this build of SparkConv has no GPU"
            + " kernels"
        : p;
  }

  private static String runProbe() {
    try {
      return io.sparkconv.kernels.gpu.CudaProbe.run();
    } catch (UnsatisfiedLinkError e) {
      return "no CUDA driver on this host (JCuda could not load its native library: "
          + firstLine(e.getMessage())
          + ")";
    } catch (Throwable t) {
      return "CUDA probe failed: "
          + t.getClass().getSimpleName()
          + ": "
          + firstLine(t.getMessage());
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
