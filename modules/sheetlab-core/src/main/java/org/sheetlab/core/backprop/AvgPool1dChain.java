package org.sheetlab.core.backprop;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Sheet, "AvgPool1D Backprop (Midterm Q3), stride = window = k": the chain x1 → Dense(w) → x2 → AvgPool1D(k) → x3 → σ
 * → x4 with the sheet's Jacobians
 * <pre>
 *   ∂x4/∂x3 = σ'(x3)·I        [m/k, m/k], diagonal
 *   ∂x3/∂x2 = (1/k)·1         [m/k, m], row j holds 1/k on inputs jk … jk+k−1
 *   ∂x2/∂w  = x1ᵀ             so ∂L/∂w = x1ᵀ · (δ4 · ∂x4/∂x3 · ∂x3/∂x2)
 * </pre>
 * Shapes (one example, row vectors): x1 [1, n], w [n, m], x2 = x1·w [1, m], x3 [1, m/k], x4 [1, m/k];
 * for a batch the per-example products are summed.
 */
public final class AvgPool1dChain {
    private final int k;

    public AvgPool1dChain(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("AvgPool1D: window k must be >= 1, got " + k);
        }
        this.k = k;
    }

    /** x2 = x1·w [B, m]. */
    public INDArray x2(INDArray x1, INDArray w) {
        if (w.size(1) % k != 0) {
            throw new IllegalArgumentException(
                    "AvgPool1D with stride = window = " + k + " needs m divisible by k, got m = " + w.size(1));
        }
        return x1.mmul(w);
    }

    /** x3 = AvgPool1D_k(x2) [B, m/k]. */
    public INDArray x3(INDArray x2) {
        return x2.mmul(poolJacobian(x2.size(1), x2.dataType()).transpose());
    }

    /** x4 = σ(x3). */
    public INDArray x4(INDArray x3) {
        return Transforms.sigmoid(x3, true);
    }

    /** ∂x3/∂x2 = (1/k)·1 on each window: [m/k, m], in ND4J's default floating-point type. */
    public INDArray poolJacobian(long m) {
        return poolJacobian(m, Nd4j.defaultFloatingPointType());
    }

    /** ∂x3/∂x2 = (1/k)·1 on each window: [m/k, m], in {@code dataType}. */
    public INDArray poolJacobian(long m, org.nd4j.linalg.api.buffer.DataType dataType) {
        INDArray j = Nd4j.zeros(dataType, m / k, m);
        for (long r = 0; r < m / k; r++) {
            for (long c = r * k; c < (r + 1) * k; c++) {
                j.putScalar(r, c, 1.0 / k);
            }
        }
        return j;
    }

    /** ∂x4/∂x3 = σ'(x3)·I = diag(σ(x3)(1 − σ(x3))) for one example x3 [1, m/k]. */
    public INDArray sigmoidJacobian(INDArray x3Row) {
        INDArray s = Transforms.sigmoid(x3Row, true);
        return Nd4j.diag(s.mul(s.rsub(1.0)).reshape(s.length()));
    }

    /**
     * ∂L/∂w = Σ_examples x1ᵀ·(δ4·∂x4/∂x3·∂x3/∂x2), built from the Jacobians above: [n, m], in w's data type (x1 and
     * δ4 are cast to it).
     */
    public INDArray gradientW(INDArray x1, INDArray w, INDArray delta4) {
        x1 = x1.castTo(w.dataType());
        delta4 = delta4.castTo(w.dataType());
        INDArray x3 = x3(x2(x1, w));
        INDArray pool = poolJacobian(w.size(1), w.dataType());
        INDArray grad = Nd4j.zeros(w.dataType(), w.shape());
        for (long b = 0; b < x1.size(0); b++) {
            INDArray d2 = delta4.getRow(b, true)
                    .mmul(sigmoidJacobian(x3.getRow(b, true)))
                    .mmul(pool); // ∂L/∂x2 [1, m]
            grad.addi(x1.getRow(b, true).transpose().mmul(d2)); // ∂x2/∂w = x1ᵀ
        }
        return grad;
    }

    public int k() {
        return k;
    }
}
