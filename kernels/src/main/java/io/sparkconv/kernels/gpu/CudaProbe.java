package io.sparkconv.kernels.gpu;

import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * Asks the CUDA driver, through JCuda, for its devices. Only {@link
 * io.sparkconv.kernels.backend.GpuAvailability} loads this class, inside a catch of {@code
 * Throwable}: on a host without a driver, JCuda's native library fails to load with an {@code
 * UnsatisfiedLinkError}.
 */
public final class CudaProbe {
  private CudaProbe() {}

  /** "ok: N device(s), first NAME" or the reason there is no usable device. */
  static String probe() {
    JCudaDriver.setExceptionsEnabled(true);
    JCudaDriver.cuInit(0);
    int[] count = new int[1];
    JCudaDriver.cuDeviceGetCount(count);
    if (count[0] == 0) {
      // A driver without a device passes cuInit (FACTS.md).
      return "the CUDA driver reports no device";
    }
    CUdevice dev = new CUdevice();
    JCudaDriver.cuDeviceGet(dev, 0);
    byte[] name = new byte[256];
    JCudaDriver.cuDeviceGetName(name, name.length, dev);
    String n = new String(name, java.nio.charset.StandardCharsets.US_ASCII).trim();
    int end = n.indexOf('\0');
    return "ok: " + count[0] + " device(s), first " + (end >= 0 ? n.substring(0, end) : n);
  }

  /** Entry point for {@link io.sparkconv.kernels.backend.GpuAvailability} (reflection-free). */
  public static String run() {
    return probe();
  }
}
