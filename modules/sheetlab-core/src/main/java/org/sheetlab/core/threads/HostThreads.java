package org.sheetlab.core.threads;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The one thread policy of sheetlab's host code: the fast layers ({@code FastConvolution2D}, {@code FastLSTM},
 * {@code GRU} in sheetlab-layers) and the fast dense training step ({@code DenseAdamStep} in sheetlab-train) split
 * their work over these threads. Work is split into contiguous ranges (examples of a minibatch, columns of a product,
 * entries of a parameter vector), one per thread, the calling thread taking the first; each range is computed with
 * single-threaded BLAS and oneDNN calls. Each result element is computed by one thread the same way every time, and
 * sums over parts are added in a fixed order, so results are reproducible from run to run on the same machine.
 *
 * <p>The size: as many threads as the JVM has processors ({@code Runtime.availableProcessors()}), or
 * {@code -Dsheetlab.threads=N} ({@value #PROPERTY}); {@code N = 1} computes everything on the calling thread
 * ({@link #threadsFor} is the rule). Measured on 2 cores only (bench/results/README.md): there, two Java threads with
 * one OpenMP and one OpenBLAS thread each beat every setting with two OpenMP or OpenBLAS threads, whose pools spin
 * between calls and take the cores from each other.
 *
 * <p>The handoff: a split hands part k to helper k − 1 by a volatile write that the helper sees at once when it is
 * spinning, and by {@link LockSupport#unpark} when it is parked; the caller runs part 0 and then waits for the helpers
 * the same way (spinning, then parked until the last helper unparks it). {@code -Dsheetlab.threads.spinMicros=N}
 * ({@value #SPIN_PROPERTY}, default {@value #DEFAULT_SPIN_MICROS}) lets a helper spin N µs for its next part before it
 * parks, and the caller as long for the helpers. With the default both park at once, and a split pays a thread's
 * wake-up on each side: about 150 µs each on the shared 2-vCPU machine here (with an executor and {@code Future.get},
 * which this replaced, as now), against 3–9 µs for a split whose helper is awake. Spinning was measured slower on
 * that shared machine (the other vCPU was busy with other processes) and has not been measured on a quiet one; so
 * callers keep passes below a measured size on one thread (the fast step's {@code SplitRules}). Which thread runs a
 * part never changes what it computes: the parts are the same ranges, so results are the same bits either way.
 *
 * <p>The threads' lifetime: the N − 1 helper threads are daemons (they never keep the JVM alive), are started on first
 * use, park when idle and end by themselves after {@value #IDLE_SECONDS} s without work, so a process that stops
 * training holds no sheetlab threads. {@link #shutdown()} ends them at once (a notebook or an application server that
 * unloads sheetlab calls it); a later split starts them again. No JVM shutdown hook is registered: daemon threads end
 * with the JVM, so a hook would add nothing. A split called from one of these threads runs on that thread alone, so
 * nested splits cannot deadlock the helpers; a split called while another thread's split holds the helpers (two
 * trainings in one JVM, or a split inside part 0) runs its parts one after another on its calling thread, with the
 * same ranges and part numbers.
 */
public final class HostThreads {
    private HostThreads() {}

    /** The system property that sets the thread count. */
    public static final String PROPERTY = "sheetlab.threads";

    /** Seconds an idle helper thread waits for work before it ends. */
    public static final int IDLE_SECONDS = 60;

    /** The thread count: the property or the cores, read once; {@link #override} changes it (tests, tools). */
    private static volatile int threadCount =
            threadsFor(System.getProperty(PROPERTY), Runtime.getRuntime().availableProcessors());

    /** The system property that sets how long (µs) a helper spins for the next part, and a caller for the helpers. */
    public static final String SPIN_PROPERTY = "sheetlab.threads.spinMicros";

    /** The spin without {@value #SPIN_PROPERTY}. */
    public static final int DEFAULT_SPIN_MICROS = 0;

    private static final long SPIN_NANOS = spinNanos(System.getProperty(SPIN_PROPERTY));

    private static Team team; // guarded by HostThreads.class; null until first use and after shutdown()

    /** A helper thread (a split called on one runs inline). */
    private static class HostThread extends Thread {
        HostThread(Runnable r, String name) {
            super(r, name);
            setDaemon(true);
        }
    }

    /**
     * The helpers of one thread count, used by one split at a time ({@link #busy}). A team is retired as a whole
     * (shutdown, override, an idle spell): whoever retires it holds {@link #busy} and never gives it back, so no split
     * can hand a part to a helper that has ended.
     */
    private static final class Team {
        final Helper[] helpers;
        final AtomicBoolean busy = new AtomicBoolean();
        /** Set by {@link #shutdown()}: whoever holds {@link #busy} next retires the team. */
        volatile boolean retiring;

        Team(int size) {
            helpers = new Helper[size];
            for (int i = 0; i < size; i++) {
                helpers[i] = new Helper(this, "sheetlab-host-" + (i + 1));
            }
            for (Helper h : helpers) {
                h.start();
            }
        }

        /** Ends the helpers (each after its current part); the caller holds {@link #busy}. */
        void retire() {
            for (Helper h : helpers) {
                h.stop = true;
                LockSupport.unpark(h);
            }
        }
    }

    /** One helper: runs the part its caller publishes in {@link #posted}, then spins, then parks. */
    private static final class Helper extends HostThread {
        final Team team;
        // the part, written by the caller before it publishes the generation in posted
        Part task;
        int part;
        int e0;
        int e1;
        Throwable failure;
        Thread caller;
        volatile long posted;
        volatile long finished;
        volatile boolean parked;
        volatile boolean callerParked;
        volatile boolean stop;

        Helper(Team team, String name) {
            super(null, name);
            this.team = team;
        }

        @Override
        public void run() {
            long seen = 0;
            long idleSince = System.nanoTime();
            while (true) {
                long g = posted;
                if (g != seen) {
                    seen = g;
                    try {
                        task.run(part, e0, e1);
                    } catch (Throwable t) {
                        failure = t;
                    }
                    task = null;
                    Thread c = caller;
                    caller = null;
                    finished = g;
                    if (callerParked) {
                        LockSupport.unpark(c);
                    }
                    idleSince = System.nanoTime();
                    continue;
                }
                if (stop) {
                    return;
                }
                long now = System.nanoTime();
                if (now - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                if (now - idleSince >= TimeUnit.SECONDS.toNanos(IDLE_SECONDS) && retireIdle(team)) {
                    return;
                }
                parked = true;
                if (posted == seen && !stop) {
                    LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(IDLE_SECONDS));
                }
                parked = false;
            }
        }
    }

    /** An idle helper's end of its team: only when no split holds it; then the next split starts a new one. */
    private static synchronized boolean retireIdle(Team t) {
        if (team != t || !t.busy.compareAndSet(false, true)) {
            return t.helpers[0].stop;
        }
        team = null;
        t.retire();
        return true;
    }

    /** The spin in ns for a {@value #SPIN_PROPERTY} setting (null/blank: the default); a clear error when bad. */
    static long spinNanos(String setting) {
        if (setting == null || setting.isBlank()) {
            return TimeUnit.MICROSECONDS.toNanos(DEFAULT_SPIN_MICROS);
        }
        try {
            long us = Long.parseLong(setting.trim());
            if (us >= 0 && us <= 1_000_000) {
                return TimeUnit.MICROSECONDS.toNanos(us);
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new IllegalArgumentException(
                SPIN_PROPERTY + " must be a whole number of microseconds from 0 to 1000000, got '" + setting + "'");
    }

    /**
     * The policy: {@code setting} (the value of {@value #PROPERTY}, or null/blank when unset) as a whole number ≥ 1,
     * else {@code processors}. Throws an IllegalArgumentException naming the setting and its value when it is not a
     * whole number ≥ 1.
     */
    public static int threadsFor(String setting, int processors) {
        if (setting == null || setting.isBlank()) {
            return Math.max(1, processors);
        }
        try {
            int n = Integer.parseInt(setting.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new IllegalArgumentException(
                "the thread count " + PROPERTY + " must be a whole number >= 1, got '" + setting + "'");
    }

    private static synchronized Team team() {
        if (team == null && threadCount > 1) {
            team = new Team(threadCount - 1);
        }
        return team;
    }

    /**
     * Ends the helper threads now (a split in flight finishes first, and they end when it does). Later splits start
     * new ones. Returns whether there were helpers to end.
     */
    public static boolean shutdown() {
        Team t;
        synchronized (HostThreads.class) {
            t = team;
            team = null;
        }
        if (t == null) {
            return false;
        }
        t.retiring = true; // a split in flight retires it when it ends (its parts finish first)
        if (t.busy.compareAndSet(false, true)) {
            t.retire();
        }
        return true;
    }

    /**
     * Sets the thread count as {@code -Dsheetlab.threads=n} would have at start-up and returns the previous count; the
     * helper threads of the old size end ({@link #shutdown()}) and the next split starts {@code n − 1} new ones. For
     * tests and tools that compare thread counts in one JVM: call it between trainings, never while a split runs, and
     * build the layers and steps after it (they size per-part scratch arrays by {@link #maxParts()} when built).
     * Throws an IllegalArgumentException for {@code n < 1}.
     */
    public static synchronized int override(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("the thread count must be >= 1, got " + n);
        }
        int previous = threadCount;
        shutdown();
        threadCount = n;
        return previous;
    }

    /** The number of helper threads alive now (0 after {@link #shutdown()} or an idle spell); for tests and tools. */
    public static synchronized int liveHelpers() {
        if (team == null) {
            return 0;
        }
        int alive = 0;
        for (Helper h : team.helpers) {
            alive += h.isAlive() ? 1 : 0;
        }
        return alive;
    }

    /** A task over the items [e0, e1), run as part {@code part} (0 = the calling thread). */
    @FunctionalInterface
    public interface Part {
        void run(int part, int e0, int e1);
    }

    /** The most parts a split uses: the thread count (per-part scratch arrays are sized by this). */
    public static int maxParts() {
        return threadCount;
    }

    /** Products smaller than this many multiply-adds run on one thread in {@link #gemm}. */
    public static final long SPLIT_MIN_MACS = 1L << 22;

    /**
     * {@link #split(int, int, Part)} with at most {@link #maxParts()} parts when {@code split} is true, else one part on
     * the calling thread.
     */
    public static int split(int n, boolean split, Part task) {
        return split(n, split ? threadCount : 1, task);
    }

    /**
     * Runs {@code task} over items [0, n) in {@code parts = min(limit, maxParts(), n)} contiguous parts of near-equal
     * size, part 0 on the calling thread. Returns the number of parts used; part k covers [k·n/parts, (k+1)·n/parts).
     * A failure in any part is rethrown after every part has finished.
     */
    public static int split(int n, int limit, Part task) {
        int parts = Math.min(Math.min(limit, threadCount), n);
        if (parts <= 1 || Thread.currentThread() instanceof HostThread) {
            task.run(0, 0, n);
            return 1;
        }
        Team t = team();
        if (t == null || t.helpers.length < parts - 1 || !t.busy.compareAndSet(false, true)) {
            return inline(n, parts, task); // another split holds the helpers (or this one's count is older)
        }
        Thread me = Thread.currentThread();
        try {
            for (int k = 1; k < parts; k++) {
                Helper h = t.helpers[k - 1];
                h.task = task;
                h.part = k;
                h.e0 = (int) ((long) k * n / parts);
                h.e1 = (int) ((long) (k + 1) * n / parts);
                h.failure = null;
                h.caller = me;
                h.callerParked = false;
                long g = h.finished + 1;
                h.posted = g; // publishes the fields above
                if (h.parked) {
                    LockSupport.unpark(h);
                }
            }
            Throwable failure = null;
            try {
                task.run(0, 0, (int) ((long) n / parts));
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            boolean interrupted = false;
            for (int k = 1; k < parts; k++) {
                Helper h = t.helpers[k - 1];
                long g = h.posted;
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (h.finished != g && System.nanoTime() - spinUntil < 0) {
                    Thread.onSpinWait();
                }
                while (h.finished != g) {
                    h.callerParked = true;
                    if (h.finished != g) {
                        LockSupport.park(h);
                        interrupted |= Thread.interrupted(); // the parts still run: wait for them, keep the flag
                    }
                }
                h.callerParked = false;
                failure = failure != null ? failure : h.failure;
                h.failure = null;
            }
            if (interrupted) {
                me.interrupt();
            }
            rethrow(failure);
            return parts;
        } finally {
            t.busy.set(false);
            if (t.retiring && t.busy.compareAndSet(false, true)) {
                t.retire();
            }
        }
    }

    /** The parts one after another on the calling thread: the same ranges and part numbers as a split. */
    private static int inline(int n, int parts, Part task) {
        Throwable failure = null;
        for (int k = 0; k < parts; k++) {
            try {
                task.run(k, (int) ((long) k * n / parts), (int) ((long) (k + 1) * n / parts));
            } catch (RuntimeException | Error e) {
                failure = failure != null ? failure : e;
            }
        }
        rethrow(failure);
        return parts;
    }

    private static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("a host thread failed: " + failure, failure);
        }
    }

    /**
     * C = op(A)·op(B) into {@code c} (c-order), its rows split over the threads when the product has at least
     * {@link #SPLIT_MIN_MACS} multiply-adds. Each part is one single-threaded BLAS call ({@link DirectGemm}).
     */
    public static void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB) {
        long m = c.size(0);
        long k = transA ? a.size(0) : a.size(1);
        boolean big = m >= 2 && m * c.size(1) * k >= SPLIT_MIN_MACS && c.ordering() == 'c';
        split((int) m, big, (part, r0, r1) -> {
            if (r0 == 0 && r1 == m) {
                DirectGemm.gemm(a, b, c, transA, transB);
                return;
            }
            INDArray rowsOfA = transA
                    ? a.get(NDArrayIndex.all(), NDArrayIndex.interval(r0, r1))
                    : a.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all());
            DirectGemm.gemm(rowsOfA, b, c.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all()), transA, transB);
        });
    }

    /**
     * C = op(A)·B (op = transpose when {@code transA}) with C's columns split into {@code min(limit, maxParts())}
     * contiguous blocks computed at once, each one single-threaded BLAS call ({@link DirectGemm}); B and C must be
     * f-order, so that a block of their columns is contiguous. Each output element is computed by one BLAS call, the
     * same way every time. With two parts this is the split the fast dense step was measured with: on the 2-vCPU
     * machine here the 2048² product runs 1.6× faster split than whole (bench/results/sgemm-*.json).
     */
    public static void gemmColumns(INDArray a, INDArray b, INDArray c, boolean transA, int limit) {
        long cols = c.size(1);
        split((int) cols, limit, (part, c0, c1) -> {
            if (c0 == 0 && c1 == cols) {
                DirectGemm.gemm(a, b, c, transA, false);
                return;
            }
            DirectGemm.gemm(
                    a,
                    b.get(NDArrayIndex.all(), NDArrayIndex.interval(c0, c1)),
                    c.get(NDArrayIndex.all(), NDArrayIndex.interval(c0, c1)),
                    transA,
                    false);
        });
    }

    /**
     * A size setting of a system property (a split threshold): {@code value} as a whole number ≥ 1, {@code fallback}
     * when null or blank; else an IllegalArgumentException naming the property and the value.
     */
    public static long sizeSetting(String property, String value, long fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(value.trim());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new IllegalArgumentException("-D" + property + " must be a whole number >= 1, got '" + value + "'");
    }

    /** {@link #sizeSetting} of the system property {@code property}'s value: the split thresholds' one reader. */
    public static long sizeProperty(String property, long fallback) {
        return sizeSetting(property, System.getProperty(property), fallback);
    }
}
