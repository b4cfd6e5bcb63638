package org.sheetlab.core.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sheet, GAN (judging samples): the Fréchet distance between two Gaussians fitted to feature sets,
 * <pre>
 *   d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½)
 * </pre>
 * (Tr (Σ₁Σ₂)^½ computed through the symmetric Σ₁^½ Σ₂ Σ₁^½ and two symmetric eigendecompositions). With Inception
 * features this is the FID; sheetlab uses its own Fashion-MNIST classifier's features instead, so its values are not
 * comparable with published FIDs. Shapes: a [N₁, d], b [N₂, d], rows are samples; computed in DOUBLE.
 */
public final class FrechetDistance {
    private FrechetDistance() {}

    /** d² between the Gaussians fitted to the rows of {@code a} and of {@code b}. */
    public static double of(INDArray a, INDArray b) {
        if (a.rank() != 2 || b.rank() != 2 || a.size(1) != b.size(1) || a.size(0) < 2 || b.size(0) < 2) {
            throw new IllegalArgumentException("Fréchet distance: need two [N, d] feature sets with the same d and "
                    + "N >= 2, got " + java.util.Arrays.toString(a.shape()) + " and "
                    + java.util.Arrays.toString(b.shape()));
        }
        INDArray x = a.castTo(DataType.DOUBLE);
        INDArray y = b.castTo(DataType.DOUBLE);
        INDArray mu1 = x.mean(0);
        INDArray mu2 = y.mean(0);
        INDArray s1 = covariance(x, mu1);
        INDArray s2 = covariance(y, mu2);
        INDArray root1 = sqrtSymmetric(s1);
        INDArray m = root1.mmul(s2).mmul(root1);
        m = m.add(m.transpose()).muli(0.5); // symmetric up to rounding
        double traceRoot = 0;
        for (double ev : eigenvalues(m)) {
            traceRoot += Math.sqrt(Math.max(ev, 0));
        }
        double meanTerm = mu1.sub(mu2).norm2Number().doubleValue();
        return meanTerm * meanTerm + trace(s1) + trace(s2) - 2 * traceRoot;
    }

    static INDArray covariance(INDArray x, INDArray mean) {
        INDArray c = x.subRowVector(mean);
        return c.transpose().mmul(c).divi(x.size(0) - 1);
    }

    private static double trace(INDArray m) {
        double t = 0;
        for (int i = 0; i < m.rows(); i++) {
            t += m.getDouble(i, i);
        }
        return t;
    }

    private static double[] eigenvalues(INDArray symmetric) {
        return Eigen.symmetricGeneralizedEigenvalues(symmetric.dup(), false).toDoubleVector();
    }

    /** V diag(√max(λ, 0)) Vᵀ for a symmetric positive semi-definite matrix. */
    static INDArray sqrtSymmetric(INDArray s) {
        INDArray v = s.dup();
        INDArray lambda = Eigen.symmetricGeneralizedEigenvalues(v, true); // v now holds the eigenvectors (columns)
        INDArray root = Nd4j.create(DataType.DOUBLE, lambda.length());
        for (int i = 0; i < lambda.length(); i++) {
            root.putScalar(i, Math.sqrt(Math.max(lambda.getDouble(i), 0)));
        }
        return v.mulRowVector(root).mmul(v.transpose());
    }
}
