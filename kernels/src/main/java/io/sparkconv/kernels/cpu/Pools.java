package io.sparkconv.kernels.cpu;

import java.util.concurrent.ConcurrentLinkedQueue;

/** Pools of large arrays kept by a plan between runs, shared safely by concurrent runs. */
final class Pools {
  private Pools() {}

  /**
   * An array of at least {@code size} floats taken from {@code pool} (a new one when none is large
   * enough); give it back with {@code pool.add} when the run is done.
   */
  static float[] borrow(ConcurrentLinkedQueue<float[]> pool, int size) {
    for (float[] a : pool) {
      if (a.length >= size && pool.remove(a)) {
        return a;
      }
    }
    return new float[size];
  }
}
