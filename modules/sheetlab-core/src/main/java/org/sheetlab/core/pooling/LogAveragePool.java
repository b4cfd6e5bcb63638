package org.sheetlab.core.pooling;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Sheet, Pooling Gradients (Final Q1), "Log-Average": y = log(1/n Σᵢ exp(xᵢ)), ∂y/∂xᵢ = δ·exp(xᵢ)/Σⱼ exp(xⱼ) =
 * δ·softmax(x)ᵢ ("the gradient is the softmax of the inputs"). n is the window size K.
 *
 * <p>Numerics: y = m + log Σ exp(xᵢ − m) − log n with m = max x, and softmax(x)ᵢ = exp(xᵢ − y)/n, so inputs of ±1000
 * give finite values and gradients. It lies between the mean (all xᵢ equal) and the max (one xᵢ dominant) of the
 * window: mean(x) ≤ y ≤ max(x).
 */
public final class LogAveragePool implements PoolingFunction {
    @Override
    public INDArray forward(INDArray windows) {
        PoolingFunction.checkWindows("log-average pooling", windows);
        INDArray m = windows.max(true, 1);
        INDArray e = Transforms.exp(windows.subColumnVector(m), false);
        INDArray s = e.sum(true, 1);
        return Transforms.log(s, false).addi(m).subi(Math.log(windows.size(1)));
    }

    @Override
    public INDArray backward(INDArray windows, INDArray y, INDArray dy) {
        PoolingFunction.checkWindows("log-average pooling", windows);
        INDArray softmax = Transforms.exp(windows.subColumnVector(y), false).divi(windows.size(1));
        return softmax.muliColumnVector(dy);
    }

    @Override
    public double forwardWindow(double[] v, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, v[i]);
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.exp(v[i] - m);
        }
        return m + Math.log(s / n);
    }

    /** Shares the exponentials: ∂y/∂xᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m), the window's softmax. */
    @Override
    public double forwardWindow(double[] v, int n, double[] partials) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, v[i]);
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            double e = Math.exp(v[i] - m);
            partials[i] = e;
            s += e;
        }
        double inv = 1.0 / s;
        for (int i = 0; i < n; i++) {
            partials[i] *= inv;
        }
        return m + Math.log(s / n);
    }

    @Override
    public void backwardWindow(double[] v, int n, double y, double dy, double[] grad) {
        for (int i = 0; i < n; i++) {
            grad[i] = dy * Math.exp(v[i] - y) / n;
        }
    }

    @Override
    public String toString() {
        return "LogAveragePool";
    }
}
