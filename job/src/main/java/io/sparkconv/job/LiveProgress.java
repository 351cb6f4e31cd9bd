package io.sparkconv.job;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Rows processed so far in this JVM, per job, updated as rows are emitted. Accumulators reach the
 * driver only when a task ends, which says nothing during one long partition; in local mode the
 * tasks run in the driver's JVM, so the progress log reads these live counts instead.
 */
final class LiveProgress {
  private static final ConcurrentHashMap<String, LongAdder> ROWS = new ConcurrentHashMap<>();

  private LiveProgress() {}

  static LongAdder rows(String job) {
    return ROWS.computeIfAbsent(job, k -> new LongAdder());
  }

  static void forget(String job) {
    ROWS.remove(job);
  }
}
