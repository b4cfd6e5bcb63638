package org.sheetlab.core.metrics;

import java.util.Arrays;

/**
 * A binary confusion matrix (positive = 1) and the sheet's metrics on it.
 *
 * @param tp true positives
 * @param tn true negatives
 * @param fp false positives
 * @param fn false negatives (missed positives: the costly error in the melanoma example)
 */
public record BinaryConfusion(long tp, long tn, long fp, long fn) {
    public BinaryConfusion {
        if (tp < 0 || tn < 0 || fp < 0 || fn < 0) {
            throw new IllegalArgumentException("confusion counts must be >= 0");
        }
    }

    /** Counts at a threshold: predicted positive when score ≥ threshold. labels are 0 or 1, scores in any range. */
    public static BinaryConfusion at(double[] scores, int[] labels, double threshold) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(
                    "scores and labels differ in length: " + scores.length + " vs " + labels.length);
        }
        long tp = 0;
        long tn = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < scores.length; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException("labels must be 0 or 1, got " + labels[i] + " at " + i);
            }
            boolean predicted = scores[i] >= threshold;
            if (labels[i] == 1) {
                if (predicted) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (predicted) {
                fp++;
            } else {
                tn++;
            }
        }
        return new BinaryConfusion(tp, tn, fp, fn);
    }

    /** (TP + TN) / (TP + TN + FP + FN). */
    public double accuracy() {
        return ratio(tp + tn, tp + tn + fp + fn);
    }

    /** Recall (sensitivity) TP / (TP + FN); NaN without positives. */
    public double recall() {
        return ratio(tp, tp + fn);
    }

    /** Precision TP / (TP + FP); NaN when nothing is predicted positive. */
    public double precision() {
        return ratio(tp, tp + fp);
    }

    private static double ratio(long a, long b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }

    /**
     * The largest threshold whose recall is at least {@code targetRecall} (so precision is as high as that recall
     * allows): one of the scores, since recall only changes there.
     */
    public static double thresholdForRecall(double[] scores, int[] labels, double targetRecall) {
        if (!(targetRecall > 0 && targetRecall <= 1)) {
            throw new IllegalArgumentException("target recall must be in (0, 1], got " + targetRecall);
        }
        long positives = Arrays.stream(labels).filter(l -> l == 1).count();
        if (positives == 0) {
            throw new IllegalArgumentException("no positive labels: recall is undefined");
        }
        double[] positiveScores = new double[(int) positives];
        int k = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == 1) {
                positiveScores[k++] = scores[i];
            }
        }
        Arrays.sort(positiveScores);
        // keep at least ceil(target · P) positives at or above the threshold
        long keep = (long) Math.ceil(targetRecall * positives - 1e-12);
        return positiveScores[(int) (positives - keep)];
    }
}
