package io.sparkconv.kernels.cpu;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes once whether the Vector API can be used in this JVM and hands out the kernels (Lucene's
 * {@code VectorizationProvider} pattern). {@code VectorKernels}, the only class importing {@code
 * jdk.incubator.vector}, is loaded by reflection only after the probe succeeded, so this class and
 * everything else loads fine without the module.
 */
public final class CpuKernelsProvider {
  private static final Logger LOG = LoggerFactory.getLogger(CpuKernelsProvider.class);

  /** The fix we print when the module is missing. */
  public static final String HOW_TO_ENABLE = "add --add-modules jdk.incubator.vector";

  private static final CpuKernels SCALAR = new ScalarKernels();
  private static final Probe PROBE = probe();

  private record Probe(CpuKernels vector, String whyNot) {}

  private CpuKernelsProvider() {}

  /** Whether the Vector API kernels are usable here. */
  public static boolean vectorAvailable() {
    return PROBE.vector != null;
  }

  /** Empty when the Vector API kernels are usable, otherwise why not and how to fix it. */
  public static Optional<String> vectorUnavailableReason() {
    return Optional.ofNullable(PROBE.whyNot);
  }

  /** Description of the Vector API kernels (e.g. {@code Vector API 512-bit}), empty if absent. */
  public static Optional<String> vectorDescription() {
    return PROBE.vector == null ? Optional.empty() : Optional.of(PROBE.vector.description());
  }

  static CpuKernels vector() {
    if (PROBE.vector == null) {
      throw new IllegalStateException("Vector API kernels unavailable: " + PROBE.whyNot);
    }
    return PROBE.vector;
  }

  static CpuKernels scalar() {
    return SCALAR;
  }

  private static Probe probe() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      String why = "jdk.incubator.vector not enabled (" + HOW_TO_ENABLE + ")";
      LOG.warn("Vector API unavailable, CPU convolutions use the scalar kernels: {}", why);
      return new Probe(null, why);
    }
    try {
      CpuKernels k =
          (CpuKernels)
              Class.forName("io.sparkconv.kernels.cpu.VectorKernels")
                  .getDeclaredConstructor()
                  .newInstance();
      if (k.nr() < 8) {
        // A 128-bit or narrower species (no AVX2): the scalar kernels are as good.
        String why = "preferred vector species too narrow (" + k.description() + ")";
        LOG.warn("Vector API not used for CPU convolutions: {}", why);
        return new Probe(null, why);
      }
      return new Probe(k, null);
    } catch (ReflectiveOperationException | LinkageError e) {
      String why = "Vector API failed to load (" + e + "); " + HOW_TO_ENABLE;
      LOG.warn("Vector API unavailable, CPU convolutions use the scalar kernels: {}", why);
      return new Probe(null, why);
    }
  }
}
