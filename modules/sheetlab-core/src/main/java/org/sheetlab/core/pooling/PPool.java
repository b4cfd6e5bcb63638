package org.sheetlab.core.pooling;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Sheet, Pooling Gradients (Final Q1), "P-Pooling": y = (Σᵢ xᵢᵖ)^(1/p), ∂y/∂xᵢ = δ·xᵢ^(p−1) / (Σⱼ xⱼᵖ)^((p−1)/p).
 * p = 1 gives the window sum (n × the average); p → ∞ approaches the max.
 *
 * <p>Domain: the sheet's formula is for non-negative inputs (pooling after a ReLU). For negative inputs this class
 * uses |x|, i.e. y = ‖x‖_p = (Σ|xᵢ|ᵖ)^(1/p) and ∂y/∂xᵢ = sign(xᵢ)·(|xᵢ|/y)^(p−1): identical to the sheet for x ≥ 0,
 * defined for every real p ≥ 1 (xᵖ of a negative x is NaN for non-integer p), and equal to DL4J's PNORM pooling.
 *
 * <p>Numerics: computed as y = m·(Σ(|xᵢ|/m)ᵖ)^(1/p) with m = maxᵢ|xᵢ|, and the gradient as (|xᵢ|/y)^(p−1) ≤ 1, so
 * large p neither overflows nor divides by zero. An all-zero window has y = 0 and gradient 0 (the subgradient at 0).
 */
public final class PPool implements PoolingFunction {
    private final double p;

    /** @param p the norm order, a finite real ≥ 1 */
    public PPool(double p) {
        if (!(p >= 1) || Double.isInfinite(p)) {
            throw new IllegalArgumentException("p-pooling: p must be a finite number >= 1 (p = 1 is the window sum, "
                    + "large p approaches max pooling), got " + p + "; use max pooling for p = infinity");
        }
        this.p = p;
    }

    public double p() {
        return p;
    }

    @Override
    public INDArray forward(INDArray windows) {
        PoolingFunction.checkWindows("p-pooling", windows);
        INDArray abs = Transforms.abs(windows, true);
        INDArray m = abs.max(true, 1);
        INDArray mSafe = nonZero(m);
        INDArray r = abs.diviColumnVector(mSafe);
        Transforms.pow(r, p, false);
        INDArray s = r.sum(true, 1);
        return Transforms.pow(s, 1.0 / p, false).muli(m);
    }

    @Override
    public INDArray backward(INDArray windows, INDArray y, INDArray dy) {
        PoolingFunction.checkWindows("p-pooling", windows);
        INDArray ratio = Transforms.abs(windows, true).diviColumnVector(nonZero(y));
        if (p != 1) {
            Transforms.pow(ratio, p - 1, false);
        } else {
            ratio.assign(1.0);
        }
        return ratio.muli(Transforms.sign(windows, true)).muliColumnVector(dy);
    }

    @Override
    public double forwardWindow(double[] v, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs(v[i]));
        }
        if (m == 0) {
            return 0;
        }
        if (p == 1) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += Math.abs(v[i]);
            }
            return s;
        }
        double s = 0;
        if (p == 2) {
            for (int i = 0; i < n; i++) {
                double r = v[i] / m;
                s += r * r;
            }
            return m * Math.sqrt(s);
        }
        for (int i = 0; i < n; i++) {
            s += pow(Math.abs(v[i]) / m, p);
        }
        return m * Math.pow(s, 1.0 / p);
    }

    /** bᵉ, by repeated multiplication for small integer exponents (much faster than Math.pow). */
    private static double pow(double b, double e) {
        int k = (int) e;
        if (k == e && k >= 0 && k <= 16) {
            double r = 1;
            for (int i = 0; i < k; i++) {
                r *= b;
            }
            return r;
        }
        return Math.pow(b, e);
    }

    @Override
    public void backwardWindow(double[] v, int n, double y, double dy, double[] grad) {
        for (int i = 0; i < n; i++) {
            double x = v[i];
            if (y == 0 || x == 0) {
                grad[i] = 0;
            } else if (p == 1) {
                grad[i] = dy * Math.signum(x);
            } else if (p == 2) {
                grad[i] = dy * x / y;
            } else {
                grad[i] = dy * Math.signum(x) * pow(Math.abs(x) / y, p - 1);
            }
        }
    }

    /** A copy with zeros replaced by ones, for safe division (the numerators are zero there too). */
    private static INDArray nonZero(INDArray a) {
        INDArray safe = a.dup();
        BooleanIndexing.replaceWhere(safe, 1.0, Conditions.equals(0.0));
        return safe;
    }

    @Override
    public String toString() {
        return "PPool(p=" + p + ")";
    }
}
