package io.sparkconv.kernels.cpu;

import java.util.concurrent.ConcurrentLinkedQueue;

/** Pools of large arrays kept by a plan between runs, shared safely by concurrent runs. */
final class Pools {
  private Pools() {}

  /**
   * An array of at least {@code size} floats taken from {@code pool}; when none is large enough, a
   * new one, and one too small is dropped from the pool (a plan whose runs grow keeps no stale
   * buffers). Give it back with {@code pool.add} when the run is done.
   */
  static float[] borrow(ConcurrentLinkedQueue<float[]> pool, int size) {
    for (float[] a : pool) {
      if (a.length >= size && pool.remove(a)) {
        return a;
      }
    }
    pool.poll();
    return new float[size];
  }

  /** The float64 twin of {@link #borrow(ConcurrentLinkedQueue, int)}. */
  static double[] borrowD(ConcurrentLinkedQueue<double[]> pool, int size) {
    for (double[] a : pool) {
      if (a.length >= size && pool.remove(a)) {
        return a;
      }
    }
    pool.poll();
    return new double[size];
  }
}
