package org.sheetlab.core.secondorder;

import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sheet, Newton Step (Midterm Q4) and Condition Number: w ← w − H⁻¹∇L, κ = λmax/λmin with H = U·Diag(λ)·Uᵀ, and
 * the Hessian as finite differences of a gradient function (DL4J has no second-order autodiff).
 */
public final class SecondOrder {
    private SecondOrder() {}

    /** The Newton step w − (H + λI)⁻¹∇L (λ = damping ≥ 0; 0 is the sheet's undamped step), solved, not inverted. */
    public static INDArray newtonStep(INDArray w, INDArray hessian, INDArray gradient, double damping) {
        if (damping < 0) {
            throw new IllegalArgumentException("damping must be >= 0, got " + damping);
        }
        INDArray h = damping == 0
                ? hessian
                : hessian.add(
                        Nd4j.eye(hessian.rows()).castTo(hessian.dataType()).muli(damping));
        INDArray step =
                Nd4j.linalg().solve(h, gradient.reshape(gradient.length(), 1)).reshape(w.shape());
        return w.sub(step);
    }

    /**
     * κ = λmax/λmin of a symmetric H from its eigendecomposition (λ sorted ascending). Returns +∞ when λmin = 0 and a
     * negative κ when H is indefinite (λmin &lt; 0), which the caller should read as "not positive definite".
     */
    public static double conditionNumber(INDArray symmetric) {
        INDArray eig = eigenvalues(symmetric);
        double min = eig.minNumber().doubleValue();
        double max = eig.maxNumber().doubleValue();
        return min == 0 ? Double.POSITIVE_INFINITY : max / min;
    }

    /**
     * Sheet, "Condition Number" box with Newton's damping: κ(H + λI) = (λmax + λ)/(λmin + λ), the condition number of
     * the damped Hessian that a damped Newton step solves, from the eigenvalues of H (shape [n] or any shape; only
     * their min and max are read; the damping shifts every eigenvalue by λ). +∞ when λmin + λ = 0; negative when
     * λmin + λ &lt; 0 (H + λI indefinite). E.g. eigenvalues {0, 4}, λ = 1: κ = 5/1 = 5.
     */
    public static double dampedConditionNumber(INDArray eigenvalues, double damping) {
        if (damping < 0) {
            throw new IllegalArgumentException("damping must be >= 0, got " + damping);
        }
        if (eigenvalues.isEmpty()) {
            throw new IllegalArgumentException("no eigenvalues");
        }
        double min = eigenvalues.minNumber().doubleValue() + damping;
        double max = eigenvalues.maxNumber().doubleValue() + damping;
        return min == 0 ? Double.POSITIVE_INFINITY : max / min;
    }

    /** The eigenvalues λ of a symmetric matrix (H = U·Diag(λ)·Uᵀ); the input is not modified. */
    public static INDArray eigenvalues(INDArray symmetric) {
        if (symmetric.rank() != 2 || symmetric.rows() != symmetric.columns()) {
            throw new IllegalArgumentException(
                    "eigenvalues need a square matrix, got " + java.util.Arrays.toString(symmetric.shape()));
        }
        // symmetricGeneralizedEigenvalues overwrites its argument with the eigenvectors: work on a copy
        return Eigen.symmetricGeneralizedEigenvalues(symmetric.dup(), true);
    }

    /**
     * H[i][j] ≈ (∇L(w + εeⱼ)ᵢ − ∇L(w − εeⱼ)ᵢ)/(2ε), symmetrised as (H + Hᵀ)/2. {@code gradient} maps a parameter
     * vector [n] to the gradient [n] (e.g. a DL4J network's computeGradientAndScore). 2n gradient evaluations.
     */
    public static INDArray finiteDifferenceHessian(UnaryOperator<INDArray> gradient, INDArray w, double eps) {
        int n = (int) w.length();
        INDArray h = Nd4j.create(w.dataType(), n, n);
        for (int j = 0; j < n; j++) {
            INDArray plus = w.dup();
            plus.putScalar(j, w.getDouble(j) + eps);
            INDArray minus = w.dup();
            minus.putScalar(j, w.getDouble(j) - eps);
            INDArray column = gradient.apply(plus).sub(gradient.apply(minus)).divi(2 * eps);
            h.putColumn(j, column.reshape(n, 1));
        }
        return h.add(h.transpose()).divi(2);
    }
}
