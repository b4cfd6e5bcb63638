package org.sheetlab.core.threads;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>The threads' lifetime: the N − 1 helper threads are daemons (they never keep the JVM alive), are started on first
 * use, park when idle and end by themselves after {@value #IDLE_SECONDS} s without work, so a process that stops
 * training holds no sheetlab threads. {@link #shutdown()} ends them at once (a notebook or an application server that
 * unloads sheetlab calls it); a later split starts them again. No JVM shutdown hook is registered: daemon threads end
 * with the JVM, so a hook would add nothing. A split called from one of these threads runs on that thread alone, so
 * nested splits cannot deadlock the pool.
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

    private static ThreadPoolExecutor pool; // guarded by HostThreads.class; null until first use and after shutdown()

    /** A helper thread of the pool (a split called on one runs inline). */
    private static final class HostThread extends Thread {
        HostThread(Runnable r, String name) {
            super(r, name);
            setDaemon(true);
        }
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

    private static synchronized ThreadPoolExecutor pool() {
        if (pool == null) {
            AtomicInteger count = new AtomicInteger();
            pool = new ThreadPoolExecutor(
                    threadCount - 1,
                    threadCount - 1,
                    IDLE_SECONDS,
                    TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(),
                    r -> new HostThread(r, "sheetlab-host-" + count.incrementAndGet()));
            pool.allowCoreThreadTimeOut(true);
        }
        return pool;
    }

    /**
     * Ends the helper threads now (tasks already handed to them finish first). Later splits start new ones. Returns
     * whether there was a pool to end.
     */
    public static synchronized boolean shutdown() {
        if (pool == null) {
            return false;
        }
        pool.shutdown();
        pool = null;
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
        return pool == null ? 0 : pool.getPoolSize();
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
        ThreadPoolExecutor helpers = pool();
        List<Future<?>> others = new ArrayList<>(parts - 1);
        for (int k = 1; k < parts; k++) {
            int part = k;
            int e0 = (int) ((long) k * n / parts);
            int e1 = (int) ((long) (k + 1) * n / parts);
            others.add(helpers.submit(() -> task.run(part, e0, e1)));
        }
        Throwable failure = null;
        try {
            task.run(0, 0, (int) ((long) n / parts));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : new IllegalStateException("interrupted waiting for a thread", e);
            } catch (ExecutionException e) {
                failure = failure != null ? failure : e.getCause();
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("a host thread failed: " + failure, failure);
        }
        return parts;
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
}
