package org.sheetlab.text.word2vec;

import java.util.Random;

/**
 * The skip-gram negative-sampling objective of the sheet (section "Word2Vec Skip-Gram") for one (target, context)
 * pair and its k negatives:
 *
 * <pre>
 *   J(t, c, n_1..n_k) = log σ(t·c) + Σ_{i=1..k} log σ(−t·n_i),     σ(x) = 1 / (1 + e^−x)
 * </pre>
 *
 * <p>t is the target's input vector (a row of syn0, the word embedding), c and n_i are output vectors (rows of syn1Neg),
 * all of length d. Training maximises J; {@link #meanLoss} reports −J averaged over sample pairs, a training loss that
 * falls as the vectors learn (k·log 2 + log 2 at the start, when syn1Neg is zero).
 */
public final class SkipGramObjective {
    private SkipGramObjective() {}

    /** log σ(x), computed stably for large |x|. */
    public static double logSigmoid(double x) {
        return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
    }

    private static double dot(float[] a, int ia, float[] b, int ib, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            s += (double) a[ia * d + j] * b[ib * d + j];
        }
        return s;
    }

    /**
     * J for target row {@code t} of {@code input}, context row {@code c} and negative rows {@code negatives} of
     * {@code output} (both V × d row-major).
     */
    public static double objective(float[] input, float[] output, int d, int t, int c, int[] negatives) {
        double j = logSigmoid(dot(input, t, output, c, d));
        for (int n : negatives) {
            j += logSigmoid(-dot(input, t, output, n, d));
        }
        return j;
    }

    /**
     * −J averaged over {@code pairs} (target, context) with k negatives per pair drawn from {@code noise} with a fixed
     * seed (the same negatives for the same arguments, so successive calls are comparable).
     */
    public static double meanLoss(
            float[] input, float[] output, int d, int[][] pairs, NoiseDistribution noise, int k, long seed) {
        if (pairs.length == 0) {
            throw new IllegalArgumentException("no (target, context) pairs to average over");
        }
        Random random = new Random(seed);
        int[] negatives = new int[k];
        double sum = 0;
        for (int[] pair : pairs) {
            for (int i = 0; i < k; i++) {
                negatives[i] = noise.sample(random);
            }
            sum -= objective(input, output, d, pair[0], pair[1], negatives);
        }
        return sum / pairs.length;
    }
}
