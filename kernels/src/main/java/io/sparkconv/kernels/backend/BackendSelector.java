package io.sparkconv.kernels.backend;

import io.sparkconv.kernels.spec.ConvSpec;

/**
 * The one place that decides which backend runs a layer (PyTorch's {@code select_conv_backend}): a
 * pure function of the spec, the requested device and the probed capabilities of this JVM, that
 * also says why. Probes run where this is called, so call it on the executor.
 */
public final class BackendSelector {
  private static final ConvBackend REFERENCE = new ReferenceBackend();

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
    return new BackendChoice(REFERENCE, cpuWhy + "; reference backend");
  }

  /** The reference (oracle) backend. */
  public static ConvBackend reference() {
    return REFERENCE;
  }
}
