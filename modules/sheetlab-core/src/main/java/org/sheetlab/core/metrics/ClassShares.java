package org.sheetlab.core.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sheet, GAN (mode collapse): how a classifier (the "judge") spreads generated samples over the K classes.
 * <ul>
 *   <li>{@link #of(INDArray)}: share_c = #{i : argmax_k p_ik = c} / N from the judge's probabilities p [N, K]
 *       (ties: the first maximum); the shares sum to 1;</li>
 *   <li>{@link #coverage(double[], double)}: the number of classes whose share is at least a threshold (5% in the
 *       {@code gan} experiment, {@link #COVERAGE_THRESHOLD}). A generator that covers all K classes of a balanced
 *       dataset scores K; a collapsed one scores few.</li>
 * </ul>
 */
public final class ClassShares {
    /** The {@code gan} experiment's threshold: a class is covered when it holds at least 5% of the samples. */
    public static final double COVERAGE_THRESHOLD = 0.05;

    private ClassShares() {}

    /** The share of the N rows of p [N, K] whose arg max is each class: double[K], Σ = 1. */
    public static double[] of(INDArray probabilities) {
        if (probabilities.rank() != 2 || probabilities.size(0) < 1 || probabilities.size(1) < 1) {
            throw new IllegalArgumentException("class shares need probabilities [N, K] with N, K >= 1; got "
                    + java.util.Arrays.toString(probabilities.shape()));
        }
        INDArray classes = probabilities.argMax(1);
        long n = probabilities.size(0);
        long[] counts = new long[(int) probabilities.size(1)];
        for (int i = 0; i < n; i++) {
            counts[classes.getInt(i)]++;
        }
        double[] shares = new double[counts.length];
        for (int c = 0; c < counts.length; c++) {
            shares[c] = counts[c] / (double) n;
        }
        return shares;
    }

    /** The number of classes whose share is at least {@code threshold}. */
    public static int coverage(double[] shares, double threshold) {
        int covered = 0;
        for (double h : shares) {
            covered += h >= threshold ? 1 : 0;
        }
        return covered;
    }

    /** {@link #coverage(double[], double)} at {@link #COVERAGE_THRESHOLD} (5%). */
    public static int coverage(double[] shares) {
        return coverage(shares, COVERAGE_THRESHOLD);
    }
}
