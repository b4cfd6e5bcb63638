package org.sheetlab.core.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sheet, GAN (mode collapse): the diversity of a set of samples, the mean Euclidean distance over all pairs of rows,
 *
 * <pre>
 * diversity(x) = 2 / (n(n − 1)) · Σ_{i &lt; j} ‖x_i − x_j‖₂,   x [n, d], n ≥ 2,
 * </pre>
 *
 * computed in DOUBLE, pairs in the order (0, 1), (0, 2), …, (n − 2, n − 1). A collapsed generator, whose samples are
 * near copies of a few images, scores far below the same figure on real images (the {@code gan} experiment monitors
 * 200 samples against 200 test images). This is the only definition of "diversity" in the project: all pairs, not
 * consecutive ones. Cost: n(n − 1)/2 distances of d values.
 */
public final class SampleDiversity {
    private SampleDiversity() {}

    /** The mean distance between the rows of x [n, d] over all n(n − 1)/2 pairs i &lt; j; n ≥ 2. */
    public static double meanPairwiseDistance(INDArray x) {
        if (x.rank() != 2 || x.size(0) < 2) {
            throw new IllegalArgumentException("diversity needs samples as rows of a matrix [n, d] with n >= 2; got "
                    + java.util.Arrays.toString(x.shape()));
        }
        INDArray d = x.castTo(DataType.DOUBLE);
        int n = (int) d.size(0);
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                sum += d.getRow(i).distance2(d.getRow(j));
                pairs++;
            }
        }
        return sum / pairs;
    }
}
