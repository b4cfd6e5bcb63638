package org.sheetlab.core.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Calibration of predicted class probabilities: the reliability diagram (per confidence bin: mean confidence, accuracy,
 * count) and the expected calibration error ECE = Σ_m |B_m|/n · |acc(B_m) − conf(B_m)|, with M equal-width bins over
 * the top-class confidence. Shapes: probabilities [N, C], labels [N] class ids.
 */
public final class Calibration {
    /** Per-bin statistics; bins with no example have count 0 and NaN confidence and accuracy. */
    public record Bins(double[] confidence, double[] accuracy, long[] count, double ece) {}

    private Calibration() {}

    public static Bins reliability(INDArray probabilities, int[] labels, int bins) {
        if (bins < 1 || probabilities.rank() != 2 || probabilities.size(0) != labels.length) {
            throw new IllegalArgumentException("reliability needs probabilities [N, C] with N = labels.length and >= 1 "
                    + "bin, got " + java.util.Arrays.toString(probabilities.shape()) + ", " + labels.length + " labels, "
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
