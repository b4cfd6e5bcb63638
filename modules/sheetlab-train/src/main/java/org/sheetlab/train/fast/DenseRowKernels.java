package org.sheetlab.train.fast;

import java.nio.ByteBuffer;

/**
 * The element passes of {@link DensePath} over row-major (c-order) [rows, cols] float blocks in native-order byte
 * buffers (offsets in floats): bias and activation after a forward GEMM, the activation's derivative applied to a
 * gradient, the bias gradient (column sums), and softmax with categorical cross-entropy. Scalar loops here; the JDK
 * Vector API ({@link VectorDenseRowKernels}) when {@link UpdaterKernels#VECTOR_API} is true, which computes the
 * same float formulas per element (exp and tanh through the Vector API's lanewise ops, so the last bit can differ).
 */
final class DenseRowKernels {
    /** The activations the dense path computes itself. */
    static final int IDENTITY = 0;

    static final int RELU = 1;
    static final int LEAKY_RELU = 2;
    static final int SIGMOID = 3;
    static final int TANH = 4;

    /**
     * Whether the Vector API kernels compute exp, log, σ and tanh from plain lane arithmetic
     * ({@link org.sheetlab.core.vector.VectorMath}: the same bits before and after the JIT compiles them); with
     * {@code -Dsheetlab.fast.polyMath=false} they use the lanewise {@code VectorOperators.EXP}/{@code LOG}/{@code
     * TANH}, whose last bits change when C2 compiles the kernel (its vector math stubs), so same-seed runs can differ,
     * and which without the stubs ({@code -XX:-UseVectorStubs}) are a per-lane Java loop, 60× slower. For A/B runs.
     */
    static final boolean POLY_MATH = !"false".equals(System.getProperty("sheetlab.fast.polyMath"));

    private DenseRowKernels() {}

    private static float get(ByteBuffer b, int i) {
        return b.getFloat(i << 2);
    }

    private static void put(ByteBuffer b, int i, float x) {
        b.putFloat(i << 2, x);
    }

    static float activate(float x, int act, float alpha) {
        return switch (act) {
            case RELU -> x > 0f ? x : 0f;
            case LEAKY_RELU -> x > 0f ? x : alpha * x;
            case SIGMOID -> 1f / (1f + (float) Math.exp(-x));
            case TANH -> (float) Math.tanh(x);
            default -> x;
        };
    }

    /** The derivative of the activation at the pre-activation whose output is {@code a}. */
    static float derivative(float a, int act, float alpha) {
        return switch (act) {
            case RELU -> a > 0f ? 1f : 0f;
            case LEAKY_RELU -> a > 0f ? 1f : alpha;
            case SIGMOID -> a * (1f - a);
            case TANH -> 1f - a * a;
            default -> 1f;
        };
    }

    /**
     * a[r, c] ← act(a[r, c] + b[c]) over the c-order [rows, cols] block at aOff ({@code bias} null: no bias).
     */
    static void biasActivation(
            ByteBuffer a, int aOff, int rows, int cols, ByteBuffer bias, int bOff, int act, float alpha) {
        if (bias == null && act == IDENTITY) {
            return;
        }
        if (UpdaterKernels.VECTOR_API) {
            VectorDenseRowKernels.biasActivation(a, aOff, rows, cols, bias, bOff, act, alpha);
            return;
        }
        for (int r = 0; r < rows; r++) {
            int row = aOff + r * cols;
            for (int c = 0; c < cols; c++) {
                float x = get(a, row + c);
                if (bias != null) {
                    x += get(bias, bOff + c);
                }
                put(a, row + c, activate(x, act, alpha));
            }
        }
    }

    /** e[i] ← e[i] · act'(a[i]) for i &lt; len, a the activation's outputs. */
    static void activationGradient(ByteBuffer e, int eOff, ByteBuffer a, int aOff, int len, int act, float alpha) {
        if (act == IDENTITY) {
            return;
        }
        int i = 0;
        if (UpdaterKernels.VECTOR_API) {
            i = VectorDenseRowKernels.activationGradient(e, eOff, a, aOff, len, act, alpha);
        }
        for (; i < len; i++) {
            put(e, eOff + i, get(e, eOff + i) * derivative(get(a, aOff + i), act, alpha));
        }
    }

    /** g[gOff + c] ← Σ_r d[r, c] over the c-order [rows, cols] block at dOff (the rows added in order). */
    static void columnSums(ByteBuffer d, int dOff, int rows, int cols, ByteBuffer g, int gOff) {
        int c0 = 0;
        if (UpdaterKernels.VECTOR_API) {
            c0 = VectorDenseRowKernels.columnSums(d, dOff, rows, cols, g, gOff);
        }
        for (int c = c0; c < cols; c++) {
            float s = 0f;
            for (int r = 0; r < rows; r++) {
                s += get(d, dOff + r * cols + c);
            }
            put(g, gOff + c, s);
        }
    }

    /**
     * Softmax with DL4J's categorical cross-entropy ({@code LossMCXENT} behind {@code ActivationSoftmax}, no weights),
     * row by row over the c-order [rows, cols] pre-activations z at zOff (overwritten by ∂L/∂z): p = softmax(z),
     * ∂L/∂z = p − y (DL4J's gradient, unclipped), and the returned sum −Σ y log p̃ over all rows (not divided by
     * them), p̃ = p clipped to [clip, 1 − clip] when clip &gt; 0 (DL4J's score).
     */
    static double softmaxCrossEntropy(
            ByteBuffer z, int zOff, ByteBuffer y, int yOff, int rows, int cols, float lo, float hi, boolean clip) {
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            int row = zOff + r * cols;
            int yRow = yOff + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, get(z, row + c));
            }
            float sum = 0f;
            for (int c = 0; c < cols; c++) {
                float e = (float) Math.exp(get(z, row + c) - max);
                put(z, row + c, e);
                sum += e;
            }
            for (int c = 0; c < cols; c++) {
                float p = get(z, row + c) / sum;
                float t = get(y, yRow + c);
                if (t != 0f) {
                    float pc = clip ? Math.min(Math.max(p, lo), hi) : p;
                    loss -= t * (float) Math.log(pc);
                }
                put(z, row + c, p - t);
            }
        }
        return loss;
    }
}
