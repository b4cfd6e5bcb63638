package org.sheetlab.train.eval;

/**
 * A weighted mean accumulated batch by batch, as the evaluators average over a set: Σ values / Σ weights, NaN when
 * nothing was added. {@link #add(double, long)} takes a batch's total (for example score_b · n_b) and its weight n_b.
 */
public final class RunningMean {
    private double sum;
    private long count;

    /** Forgets everything added. */
    public void reset() {
        sum = 0;
        count = 0;
    }

    /** Adds {@code total} (a sum over {@code weight} items) to the numerator and {@code weight} to the denominator. */
    public void add(double total, long weight) {
        sum += total;
        count += weight;
    }

    /** Σ totals / Σ weights, or NaN when the weights sum to 0. */
    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }
}
