package io.sparkconv.kernels.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * This machine's float32 FMA peak as the CPU kernels can reach it: {@code threads} threads each
 * running {@link CpuKernels#fmaRounds} (16 independent register multiply-adds per round on the
 * Vector API's widest vectors, or scalar ones without the module) side by side, the best of a few
 * short trials. {@code sparkconv bench} reports every shape against it, so "percent of peak" holds
 * on whatever CPU the benchmark ran (a 2-core virtual machine of one type measured 174 GFLOP/s per
 * core in C on one day and 115 on another, a different host processor behind the same name).
 */
public final class FmaPeak {
  /** Rounds per thread and trial, about 40 ms at 115 GFLOP/s on 512-bit vectors. */
  private static final int ROUNDS = 9_000_000;

  private static final int TRIALS = 5;

  private static volatile double sink;

  private FmaPeak() {}

  /** GFLOP/s of {@code threads} cores' FMAs (2 FLOPs per lane), with the kernels in use here. */
  public static double gflops(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    CpuKernels k =
        CpuKernelsProvider.vectorAvailable()
            ? CpuKernelsProvider.vector()
            : CpuKernelsProvider.scalar();
    int rounds = k.lanes() == 1 ? ROUNDS / 16 : ROUNDS;
    // Compiles the loop before the first trial.
    for (int i = 0; i < 20; i++) {
      sink += k.fmaRounds(rounds / 20);
    }
    double best = Double.MAX_VALUE;
    for (int t = 0; t < TRIALS; t++) {
      best = Math.min(best, trial(k, threads, rounds));
    }
    return (double) threads * rounds * 16 * 2 * k.lanes() / best / 1e9;
  }

  /** Seconds from a common start until the last of {@code threads} threads is done. */
  private static double trial(CpuKernels k, int threads, int rounds) {
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> all = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread th =
          new Thread(
              () -> {
                ready.countDown();
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                sink += k.fmaRounds(rounds);
              },
              "sparkconv-fma-peak-" + i);
      th.setDaemon(true);
      th.start();
      all.add(th);
    }
    try {
      ready.await();
      long t0 = System.nanoTime();
      go.countDown();
      for (Thread th : all) {
        th.join();
      }
      return (System.nanoTime() - t0) / 1e9;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring the FMA peak", e);
    }
  }
}
