package org.sheetlab.core.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Calibration of predicted class probabilities: the reliability diagram (per confidence bin: mean confidence, accuracy,
 * count) and the expected calibration error ECE = Σ_m |B_m|/n · |acc(B_m) − conf(B_m)|, with M equal-width bins over
 * the top-class confidence. Shapes: probabilities [N, C], labels [N] class ids.
 */
public final class Calibration {
    /** Per-bin statistics; bins with no example have count 0 and NaN confidence and accuracy. */
    public record Bins(double[] confidence, double[] accuracy, long[] count, double ece) {
        /** The non-empty bins as the points of a reliability diagram: {x = confidences, y = accuracies}. */
        public double[][] points() {
            int n = (int) java.util.Arrays.stream(count).filter(c -> c > 0).count();
            double[][] xy = new double[2][n];
            int k = 0;
            for (int b = 0; b < count.length; b++) {
                if (count[b] > 0) {
                    xy[0][k] = confidence[b];
                    xy[1][k++] = accuracy[b];
                }
            }
            return xy;
        }
    }

    private Calibration() {}

    /**
     * Top-1 accuracy of probabilities [N, C] against class ids [N]: the fraction of rows whose largest entry (the first
     * one on ties) is at the label.
     */
    public static double accuracy(INDArray probabilities, int[] labels) {
        checkShapes(probabilities, labels);
        int[] predicted = probabilities.argMax(1).toIntVector();
        int right = 0;
        for (int i = 0; i < labels.length; i++) {
            right += predicted[i] == labels[i] ? 1 : 0;
        }
        return (double) right / labels.length;
    }

    /**
     * Top-1 accuracy and the mean of a per-example uncertainty (e.g. the predictive entropy −Σ_c p̄_c log p̄_c of MC
     * dropout) over the right and over the wrong predictions.
     *
     * @param accuracy fraction right
     * @param meanRight mean uncertainty where the top class is the label; NaN when none is right
     * @param meanWrong mean uncertainty where it is not; NaN when none is wrong
     */
    public record Split(double accuracy, double meanRight, double meanWrong) {}

    /** {@link Split} of probabilities [N, C] and uncertainty [N] (any shape of N values) by correctness on labels [N]. */
    public static Split byCorrectness(INDArray probabilities, INDArray uncertainty, int[] labels) {
        checkShapes(probabilities, labels);
        if (uncertainty.length() != labels.length) {
            throw new IllegalArgumentException(
                    "uncertainty needs " + labels.length + " values, got " + uncertainty.length());
        }
        double[][] p = probabilities.toDoubleMatrix();
        double[] u = uncertainty.toDoubleVector();
        double right = 0;
        double wrong = 0;
        int nRight = 0;
        for (int i = 0; i < labels.length; i++) {
            if (top(p[i]) == labels[i]) {
                right += u[i];
                nRight++;
            } else {
                wrong += u[i];
            }
        }
        int nWrong = labels.length - nRight;
        return new Split(
                (double) nRight / labels.length,
                nRight == 0 ? Double.NaN : right / nRight,
                nWrong == 0 ? Double.NaN : wrong / nWrong);
    }

    /** ECE alone: {@code reliability(probabilities, labels, bins).ece()}. */
    public static double ece(INDArray probabilities, int[] labels, int bins) {
        return reliability(probabilities, labels, bins).ece();
    }

    private static int top(double[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
    }

    private static void checkShapes(INDArray probabilities, int[] labels) {
        if (probabilities.rank() != 2 || probabilities.size(0) != labels.length || labels.length == 0) {
            throw new IllegalArgumentException("need probabilities [N, C] with N = labels.length >= 1, got "
                    + java.util.Arrays.toString(probabilities.shape()) + ", " + labels.length + " labels");
        }
    }

    /**
     * The reliability diagram in {@code bins} equal-width bins over the top-class confidence: bin b holds confidences in
     * [b/M, (b+1)/M) (1.0 in the last), with its mean confidence, accuracy and count, and the ECE.
     */
    public static Bins reliability(INDArray probabilities, int[] labels, int bins) {
        if (bins < 1 || probabilities.rank() != 2 || probabilities.size(0) != labels.length) {
            throw new IllegalArgumentException("reliability needs probabilities [N, C] with N = labels.length and >= 1 "
                    + "bin, got " + java.util.Arrays.toString(probabilities.shape()) + ", " + labels.length
                    + " labels, "
                    + bins + " bins");
        }
        double[] confSum = new double[bins];
        double[] correct = new double[bins];
        long[] count = new long[bins];
        double[][] p = probabilities.toDoubleMatrix();
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int c = 1; c < p[i].length; c++) {
                if (p[i][c] > p[i][best]) {
                    best = c;
                }
            }
            double conf = p[i][best];
            int b = Math.min(bins - 1, (int) (conf * bins));
            confSum[b] += conf;
            correct[b] += best == labels[i] ? 1 : 0;
            count[b]++;
        }
        double[] confidence = new double[bins];
        double[] accuracy = new double[bins];
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            confidence[b] = count[b] == 0 ? Double.NaN : confSum[b] / count[b];
            accuracy[b] = count[b] == 0 ? Double.NaN : correct[b] / count[b];
            if (count[b] > 0) {
                ece += (double) count[b] / labels.length * Math.abs(accuracy[b] - confidence[b]);
            }
        }
        return new Bins(confidence, accuracy, count, ece);
    }
}
