package io.sparkconv.job.cli;

import io.sparkconv.kernels.backend.Device;
import io.sparkconv.kernels.backend.GpuAvailability;
import picocli.CommandLine.Option;

/** Options shared by the commands that run a model. */
final class CommonOptions {
  @Option(
      names = "--device",
      defaultValue = "auto",
      description = "auto (GPU when usable, else CPU), cpu or gpu. Default: ${DEFAULT-VALUE}.")
  String device;

  @Option(
      names = "--threads",
      description = "Intra-op threads per layer. Default: the available processors.")
  Integer threads;

  /**
   * The requested device; {@code gpu} fails at once, before any file is read, when this host has no
   * usable GPU (CONTRACTS §3).
   */
  Device device() {
    Device d = Device.parse(device);
    if (d == Device.GPU && !GpuAvailability.usable()) {
      throw new IllegalStateException("--device gpu: no usable GPU: " + GpuAvailability.reason());
    }
    return d;
  }

  int threads() {
    if (threads == null) {
      return Runtime.getRuntime().availableProcessors();
    }
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
    }
    return threads;
  }
}
