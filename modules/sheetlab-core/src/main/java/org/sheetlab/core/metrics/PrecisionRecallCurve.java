package org.sheetlab.core.metrics;

import java.util.Arrays;

/**
 * Sheet, "Classification Metrics" (Final Q2e): the precision–recall curve of binary scores, one point per distinct
 * score t taken as the threshold (predicted positive when score ≥ t, as {@link BinaryConfusion#at}), from the highest
 * threshold to the lowest, so recall TP/(TP+FN) rises from left to right and precision TP/(TP+FP) trades against it.
 * Shapes: scores [N], labels [N] in {0, 1} → K ≤ N points.
 *
 * <p>By hand: scores (0.9, 0.8, 0.4, 0.2), labels (1, 0, 1, 0): thresholds 0.9, 0.8, 0.4, 0.2 give recall 0.5, 0.5, 1,
 * 1 and precision 1, 0.5, 2/3, 0.5.
 *
 * @param thresholds the distinct scores, descending
 * @param recall recall at each threshold
 * @param precision precision at each threshold
 */
public record PrecisionRecallCurve(double[] thresholds, double[] recall, double[] precision) {
    /** The curve over every distinct score of {@code scores}. */
    public static PrecisionRecallCurve of(double[] scores, int[] labels) {
        double[] ascending = Arrays.stream(scores).distinct().sorted().toArray();
        int k = ascending.length;
        double[] thresholds = new double[k];
        double[] recall = new double[k];
        double[] precision = new double[k];
        for (int j = 0; j < k; j++) {
            thresholds[j] = ascending[k - 1 - j];
            BinaryConfusion c = BinaryConfusion.at(scores, labels, thresholds[j]);
            recall[j] = c.recall();
            precision[j] = c.precision();
        }
        return new PrecisionRecallCurve(thresholds, recall, precision);
    }

    /** The number of points. */
    public int size() {
        return thresholds.length;
    }
}
