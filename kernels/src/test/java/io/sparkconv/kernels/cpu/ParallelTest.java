package io.sparkconv.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The intra-op pool: every job runs exactly once, failures reach the caller, helpers are handed
 * back and reused (no thread per run), and concurrent callers share the helpers safely.
 */
class ParallelTest {

  /** Runs {@code jobs} jobs and returns how often each ran. */
  private static AtomicIntegerArray runOnce(int threads, int jobs) {
    AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(1, jobs));
    Parallel.run(threads, jobs, new ConcurrentLinkedQueue<>(), (j, s) -> seen.incrementAndGet(j));
    return seen;
  }

  @Test
  void everyJobRunsExactlyOnce() {
    for (int threads = 1; threads <= 4; threads++) {
      for (int jobs = 0; jobs <= 37; jobs++) {
        AtomicIntegerArray seen = runOnce(threads, jobs);
        for (int j = 0; j < jobs; j++) {
          assertEquals(1, seen.get(j), "threads=" + threads + " jobs=" + jobs + " job " + j);
        }
      }
    }
  }

  @Test
  void aFailingJobReachesTheCallerAndThePoolKeepsWorking() {
    IllegalArgumentException boom = new IllegalArgumentException("job 5 failed");
    IllegalArgumentException got =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Parallel.run(
                    2,
                    64,
                    new ConcurrentLinkedQueue<>(),
                    (j, s) -> {
                      if (j == 5) {
                        throw boom;
                      }
                    }));
    assertSame(boom, got);
    AtomicIntegerArray seen = runOnce(2, 64);
    for (int j = 0; j < 64; j++) {
      assertEquals(1, seen.get(j), "job " + j + " after a failed run");
    }
  }

  @Test
  void sequentialRunsReuseTheirHelpers() {
    runOnce(3, 8);
    long before = helperThreads();
    for (int i = 0; i < 300; i++) {
      runOnce(3, 8);
    }
    // A caller that waited for its helpers finds them idle again: no new thread per run.
    assertTrue(
        helperThreads() <= Math.max(before, 2),
        "helper threads grew from " + before + " to " + helperThreads());
  }

  @Test
  void concurrentCallersEachGetAllTheirJobs() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        int jobs = 20 + c;
        done.add(
            callers.submit(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    AtomicIntegerArray seen = runOnce(2 + i % 3, jobs);
                    for (int j = 0; j < jobs; j++) {
                      assertEquals(1, seen.get(j), "run " + i + " job " + j);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void eachParticipantHasItsOwnScratch() {
    ConcurrentLinkedQueue<Scratch> pool = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < 50; i++) {
      Parallel.run(
          2,
          16,
          pool,
          (j, s) -> {
            // A scratch shared by two participants at once would see the other's mark.
            float[] mine = s.tile(1);
            assertEquals(0f, mine[0], "scratch in use by another participant");
            mine[0] = 1f;
            Thread.onSpinWait();
            mine[0] = 0f;
          });
    }
    assertTrue(pool.size() <= 2, "scratch pool grew to " + pool.size());
  }

  private static long helperThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("sparkconv-cpu-") && t.isAlive())
        .count();
  }
}
