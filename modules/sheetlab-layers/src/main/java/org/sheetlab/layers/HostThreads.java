package org.sheetlab.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The threads of the fast layers' host code ({@code FastConvolution2D}, {@code FastLSTM}): a minibatch is split into
 * contiguous ranges of examples, one per thread (the calling thread takes the first), each computed with
 * single-threaded BLAS and oneDNN calls. The examples of a batch are independent in these layers, so no thread waits
 * for another until the pass ends; each result element is computed by one thread the same way every time, and sums
 * over the batch add the parts in a fixed order, so results are reproducible from run to run on the same machine.
 *
 * <p>The rule: as many threads as the JVM has processors ({@code Runtime.availableProcessors()}), or
 * {@code -Dsheetlab.threads=N}; {@code N = 1} computes everything on the calling thread. Measured on 2 cores only
 * (bench/results/README.md): there, two Java threads with one OpenMP and one OpenBLAS thread each beat every setting
 * with two OpenMP or OpenBLAS threads, whose pools spin between calls and take the cores from each other.
 */
public final class HostThreads {
    private HostThreads() {}

    private static final int THREADS = configuredThreads();

    private static final ExecutorService POOL = THREADS >= 2
            ? Executors.newFixedThreadPool(THREADS - 1, new java.util.concurrent.ThreadFactory() {
                private final AtomicInteger count = new AtomicInteger();

                @Override
                public Thread newThread(Runnable r) {
                    Thread t = new Thread(r, "sheetlab-host-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }
            })
            : null;

    private static int configuredThreads() {
        String p = System.getProperty("sheetlab.threads");
        if (p == null || p.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(p.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new IllegalArgumentException("-Dsheetlab.threads must be a whole number >= 1, got '" + p + "'");
    }

    /** A task over the examples [e0, e1), run as part {@code part} (0 = the calling thread). */
    @FunctionalInterface
    public interface Part {
        void run(int part, int e0, int e1);
    }

    /** The most parts {@link #split} uses: the thread count (per-part scratch arrays are sized by this). */
    public static int maxParts() {
        return THREADS;
    }

    /** Products smaller than this many multiply-adds run on one thread in {@link #gemm}. */
    public static final long SPLIT_MIN_MACS = 1L << 22;

    /**
     * Runs {@code task} over examples [0, n) in {@code min(maxParts(), n)} contiguous parts of near-equal size when
     * {@code split} is true, else as one part on the calling thread. Returns the number of parts used; part k covers
     * [k·n/parts, (k+1)·n/parts). A failure in any part is rethrown after every part has finished.
     */
    public static int split(int n, boolean split, Part task) {
        int parts = split && POOL != null ? Math.min(THREADS, n) : 1;
        if (parts <= 1) {
            task.run(0, 0, n);
            return 1;
        }
        List<Future<?>> others = new ArrayList<>(parts - 1);
        for (int k = 1; k < parts; k++) {
            int part = k;
            int e0 = (int) ((long) k * n / parts);
            int e1 = (int) ((long) (k + 1) * n / parts);
            others.add(POOL.submit(() -> task.run(part, e0, e1)));
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
     * {@link #SPLIT_MIN_MACS} multiply-adds. Each part is one single-threaded BLAS call.
     */
    public static void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB) {
        long m = c.size(0);
        long k = transA ? a.size(0) : a.size(1);
        boolean big = m >= 2 && m * c.size(1) * k >= SPLIT_MIN_MACS && c.ordering() == 'c';
        split((int) m, big, (part, r0, r1) -> {
            if (r0 == 0 && r1 == m) {
                Nd4j.gemm(a, b, c, transA, transB, 1.0, 0.0);
                return;
            }
            INDArray rowsOfA = transA
                    ? a.get(NDArrayIndex.all(), NDArrayIndex.interval(r0, r1))
                    : a.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all());
            Nd4j.gemm(rowsOfA, b, c.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all()), transA, transB, 1.0, 0.0);
        });
    }
}
