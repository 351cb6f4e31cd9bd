package io.sparkconv.kernels.backend;

import io.sparkconv.kernels.cpu.CpuConvBackend;
import io.sparkconv.kernels.cpu.CpuKernelsProvider;
import io.sparkconv.kernels.spec.ConvSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place that decides which backend runs a layer (PyTorch's {@code select_conv_backend}): a
 * pure function of the spec, the requested device and the probed capabilities of this JVM, that
 * also says why. Probes run where this is called, so call it on the executor.
 *
 * <p>CPU: {@code cpu-vector} (Vector API kernels) when {@code jdk.incubator.vector} is enabled,
 * otherwise {@code cpu-scalar} (the same blocked algorithm in plain Java); both run every spec and
 * dtype. The reference backend is the test oracle, never chosen here.
 */
public final class BackendSelector {
  private static final ConvBackend REFERENCE = new ReferenceBackend();
  private static final Optional<CpuConvBackend> VECTOR = CpuConvBackend.vector();
  private static final CpuConvBackend SCALAR = CpuConvBackend.scalar();

  private BackendSelector() {}

  /**
   * Chooses the backend for {@code spec} on {@code device}.
   *
   * @throws IllegalStateException when {@code device} is GPU and no usable GPU backend exists
   */
  public static BackendChoice select(ConvSpec spec, Device device) {
    if (device == Device.GPU) {
      throw new IllegalStateException(
          "--device gpu: no usable GPU backend: " + GpuAvailability.reason());
    }
    String cpuWhy =
        device == Device.AUTO
            ? "device auto: no GPU (" + GpuAvailability.reason() + "), using the CPU"
            : "device cpu";
    return cpuChoice(spec, cpuWhy);
  }

  private static BackendChoice cpuChoice(ConvSpec spec, String why) {
    String dtype = spec.dtype().torchName();
    if (VECTOR.isPresent()) {
      CpuConvBackend v = VECTOR.get();
      return new BackendChoice(
          v, why + "; " + v.name() + ": " + dtype + ", " + v.kernelDescription());
    }
    return new BackendChoice(
        SCALAR,
        why
            + "; "
            + SCALAR.name()
            + ": "
            + dtype
            + ", "
            + CpuKernelsProvider.vectorUnavailableReason().orElse("Vector API unavailable"));
  }

  /**
   * Every CPU backend usable in this JVM, the reference first: {@code reference}, {@code
   * cpu-vector} (only when the Vector API is enabled), {@code cpu-scalar}.
   */
  public static List<ConvBackend> cpuBackends() {
    List<ConvBackend> list = new ArrayList<>();
    list.add(REFERENCE);
    VECTOR.ifPresent(list::add);
    list.add(SCALAR);
    return List.copyOf(list);
  }
}
