package io.sparkconv.kernels.cpu;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Intra-op parallelism: the calling thread and up to {@code threads − 1} helpers from one shared
 * daemon pool take jobs {@code 0..jobs−1} from a counter (dynamic scheduling absorbs uneven jobs
 * and a machine shared with other work). Each participant borrows one {@link Scratch} from the
 * plan's pool for the whole run, so scratch buffers are reused across runs and never shared.
 */
final class Parallel {
  private static final AtomicInteger THREAD_ID = new AtomicInteger();
  private static final ThreadFactory FACTORY =
      r -> {
        Thread t = new Thread(r, "sparkconv-cpu-" + THREAD_ID.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
  private static final ExecutorService POOL = Executors.newCachedThreadPool(FACTORY);

  /** One job: index and the participant's scratch. */
  interface Job {
    void run(int job, Scratch scratch);
  }

  private Parallel() {}

  static void run(int threads, int jobs, ConcurrentLinkedQueue<Scratch> scratchPool, Job job) {
    if (jobs <= 0) {
      return;
    }
    int participants = Math.max(1, Math.min(threads, jobs));
    if (participants == 1) {
      Scratch s = borrow(scratchPool);
      try {
        for (int i = 0; i < jobs; i++) {
          job.run(i, s);
        }
      } finally {
        scratchPool.add(s);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicInteger running = new AtomicInteger(participants - 1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread caller = Thread.currentThread();
    Runnable worker =
        () -> {
          try {
            work(jobs, next, failure, scratchPool, job);
          } finally {
            if (running.decrementAndGet() == 0) {
              LockSupport.unpark(caller);
            }
          }
        };
    for (int i = 1; i < participants; i++) {
      POOL.execute(worker);
    }
    work(jobs, next, failure, scratchPool, job);
    while (running.get() > 0) {
      LockSupport.park(Parallel.class);
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
  }

  private static void work(
      int jobs,
      AtomicInteger next,
      AtomicReference<Throwable> failure,
      ConcurrentLinkedQueue<Scratch> pool,
      Job job) {
    Scratch s = borrow(pool);
    try {
      for (int i = next.getAndIncrement(); i < jobs; i = next.getAndIncrement()) {
        if (failure.get() != null) {
          return;
        }
        job.run(i, s);
      }
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    } finally {
      pool.add(s);
    }
  }

  private static Scratch borrow(ConcurrentLinkedQueue<Scratch> pool) {
    Scratch s = pool.poll();
    return s != null ? s : new Scratch();
  }
}
