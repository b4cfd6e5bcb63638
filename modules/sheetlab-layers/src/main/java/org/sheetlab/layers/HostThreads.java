package org.sheetlab.layers;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The second thread of the fast layers' host code ({@code FastConvolution2D}, {@code FastLSTM}): a minibatch is split
 * into two halves of examples, the second computed on one daemon helper thread shared by the JVM, the first on the
 * calling thread, each with single-threaded BLAS calls. Each result element is computed by one thread the same way
 * every time, so results are reproducible run to run (sums over the batch add the two halves in a fixed order).
 *
 * <p>Used when the machine has at least two processors, unless {@code -Dsheetlab.threads=1}. On two cores this is the
 * setting that measured fastest (bench/results/README.md: two OpenMP or OpenBLAS threads spin and slow the step).
 */
public final class HostThreads {
    private HostThreads() {}

    private static final ExecutorService HELPER =
            Runtime.getRuntime().availableProcessors() >= 2 && !"1".equals(System.getProperty("sheetlab.threads"))
                    ? Executors.newSingleThreadExecutor(r -> {
                        Thread t = new Thread(r, "sheetlab-host-helper");
                        t.setDaemon(true);
                        return t;
                    })
                    : null;

    /** A task over the examples [e0, e1), run as part {@code part} (0 = the calling thread, 1 = the helper). */
    @FunctionalInterface
    public interface Part {
        void run(int part, int e0, int e1);
    }

    /** Products smaller than this many multiply-adds run on one thread in {@link #gemm}. */
    public static final long SPLIT_MIN_MACS = 1L << 22;

    /**
     * C = op(A)·op(B) into {@code c} (c-order), its rows split in two halves over two threads when the product has at
     * least {@link #SPLIT_MIN_MACS} multiply-adds. Each half is one single-threaded BLAS call.
     */
    public static void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB) {
        long m = c.size(0);
        long k = transA ? a.size(0) : a.size(1);
        boolean split = m >= 2 && m * c.size(1) * k >= SPLIT_MIN_MACS && c.ordering() == 'c';
        halves((int) m, split, (part, r0, r1) -> {
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

    /** Whether {@link #halves} can use a second thread at all. */
    public static boolean available() {
        return HELPER != null;
    }

    /**
     * Runs {@code task} over examples [0, n): as two halves on two threads when {@code split} is true, n ≥ 2 and a
     * helper exists, else whole on the calling thread as part 0. Returns whether it split. A failure in either half
     * is rethrown after both have finished.
     */
    public static boolean halves(int n, boolean split, Part task) {
        if (HELPER == null || !split || n < 2) {
            task.run(0, 0, n);
            return false;
        }
        int mid = n / 2;
        Future<?> other = HELPER.submit(() -> task.run(1, mid, n));
        try {
            task.run(0, 0, mid);
        } finally {
            try {
                other.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the second thread", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException("the second thread failed: " + cause, cause);
            }
        }
        return true;
    }
}
