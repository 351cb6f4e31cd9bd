package io.sparkconv.kernels.cpu;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Intra-op parallelism: the calling thread and up to {@code threads − 1} helpers take jobs {@code
 * 0..jobs−1} from a counter (dynamic scheduling absorbs uneven jobs and a machine shared with other
 * work). Each participant borrows one {@link Scratch} from the plan's pool for the whole run, so
 * scratch buffers are reused across runs and never shared.
 *
 * <p>Helpers are daemon threads kept in an idle stack. A helper that finishes its part spins for
 * {@link #SPIN_NANOS} before it parks, and a caller that finishes first spins as long before it
 * parks: waking a parked thread costs 100–200 µs on this machine's virtual CPUs (measured), which
 * is several % of a layer's run and is paid twice per run (input re-layout, then the GEMM). Like an
 * OpenMP runtime's block time, the spin keeps helpers hot for the next call of a network's layer
 * sequence; {@code -Dsparkconv.cpu.spinMicros=0} parks at once.
 */
final class Parallel {
  /** How long an idle helper (or a waiting caller) spins before it parks. */
  static final long SPIN_NANOS = Long.getLong("sparkconv.cpu.spinMicros", 1000) * 1000;

  /** A helper parked this long without work ends (the next run starts a new one). */
  private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(60);

  private static final AtomicInteger THREAD_ID = new AtomicInteger();

  /** Idle helpers, most recently idle (still spinning, caches warm) first. */
  private static final ConcurrentLinkedDeque<Helper> IDLE = new ConcurrentLinkedDeque<>();

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
          work(participants, jobs, next, failure, scratchPool, job);
        };
    Runnable done =
        () -> {
          if (running.decrementAndGet() == 0) {
            LockSupport.unpark(caller);
          }
        };
    for (int i = 1; i < participants; i++) {
      dispatch(worker, done);
    }
    work(participants, jobs, next, failure, scratchPool, job);
    long spinEnd = System.nanoTime() + SPIN_NANOS;
    while (running.get() > 0 && System.nanoTime() < spinEnd) {
      Thread.onSpinWait();
    }
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

  /**
   * Hands a task to an idle helper, or to a new one when none is idle; {@code done} runs after the
   * task, once the helper is back in {@link #IDLE} (so a caller that waits for it and dispatches
   * again finds it there instead of starting another thread).
   */
  private static void dispatch(Runnable task, Runnable done) {
    for (Helper h = IDLE.pollFirst(); h != null; h = IDLE.pollFirst()) {
      if (h.offer(task, done)) {
        return;
      }
    }
    Helper h = new Helper(task, done);
    h.thread.start();
  }

  private static void work(
      int threads,
      int jobs,
      AtomicInteger next,
      AtomicReference<Throwable> failure,
      ConcurrentLinkedQueue<Scratch> pool,
      Job job) {
    Scratch s = borrow(pool);
    // Guided self-scheduling: claim 1/(8·threads) of the jobs left at a time, so thousands of tiny
    // jobs (a grouped layer: one per group and panel run) do not bounce the counter's cache line
    // between cores per job, while the last claims stay single jobs for the balance at the end.
    int divisor = 8 * threads;
    try {
      while (true) {
        int left = jobs - next.get();
        int take = Math.max(1, left / divisor);
        int i = next.getAndAdd(take);
        int end = Math.min(jobs, i + take);
        if (i >= jobs) {
          return;
        }
        for (; i < end; i++) {
          if (failure.get() != null) {
            return;
          }
          job.run(i, s);
        }
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

  /**
   * A helper thread: runs its task, goes back to {@link #IDLE}, spins, parks. {@link #state}
   * decides every hand-over: a dispatcher may only assign a SPINNING or PARKED helper, and a helper
   * that timed out only ends from PARKED, so a task is never handed to an ending thread.
   */
  private static final class Helper implements Runnable {
    private static final int SPINNING = 0;
    private static final int PARKED = 1;
    private static final int ASSIGNED = 2;
    private static final int ENDED = 3;

    private final AtomicInteger state = new AtomicInteger(ASSIGNED);
    private final Thread thread;
    private volatile Runnable task;
    private volatile Runnable done;

    Helper(Runnable first, Runnable firstDone) {
      task = first;
      done = firstDone;
      thread = new Thread(this, "sparkconv-cpu-" + THREAD_ID.incrementAndGet());
      thread.setDaemon(true);
    }

    /** Assigns a task if this helper is idle; false if it is ending. */
    boolean offer(Runnable t, Runnable d) {
      task = t;
      done = d;
      while (true) {
        int s = state.get();
        if (s == ENDED) {
          task = null;
          done = null;
          return false;
        }
        if (state.compareAndSet(s, ASSIGNED)) {
          if (s == PARKED) {
            LockSupport.unpark(thread);
          }
          return true;
        }
      }
    }

    @Override
    public void run() {
      while (true) {
        Runnable t = task;
        Runnable d = done;
        task = null;
        done = null;
        try {
          t.run();
        } catch (Throwable ignored) {
          // Parallel.run's tasks record their failures themselves; keep the helper alive.
        }
        state.set(SPINNING);
        IDLE.addFirst(this);
        d.run();
        if (!awaitTask()) {
          IDLE.remove(this);
          return;
        }
      }
    }

    /** Waits until assigned (true) or parked for {@link #KEEP_ALIVE_NANOS} unused (false). */
    private boolean awaitTask() {
      long spinEnd = System.nanoTime() + SPIN_NANOS;
      while (state.get() == SPINNING && System.nanoTime() < spinEnd) {
        Thread.onSpinWait();
      }
      if (!state.compareAndSet(SPINNING, PARKED)) {
        return true;
      }
      long parkEnd = System.nanoTime() + KEEP_ALIVE_NANOS;
      while (state.get() == PARKED) {
        long left = parkEnd - System.nanoTime();
        if (left <= 0) {
          return !state.compareAndSet(PARKED, ENDED);
        }
        LockSupport.parkNanos(this, left);
      }
      return true;
    }
  }
}
