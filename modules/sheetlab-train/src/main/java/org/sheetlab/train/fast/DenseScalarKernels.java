package org.sheetlab.train.fast;

import java.nio.ByteBuffer;

/**
 * {@link DenseAdamStep}'s element passes as scalar loops, for a JVM started without
 * {@code --add-modules jdk.incubator.vector}: the same formulas and the same float operations per element as
 * {@link DenseVectorKernels} (see there), on the same off-heap buffers (native byte order, offsets in floats).
 */
final class DenseScalarKernels {
    private DenseScalarKernels() {}

    /** a[r, c] ← act(a[r, c] + p[biasOff + c]) over the f-order [rows, cols] block at float offset aOff of a. */
    static void biasActivation(ByteBuffer a, int aOff, int rows, int cols, ByteBuffer p, int biasOff, boolean relu) {
        for (int c = 0; c < cols; c++) {
            float bias = p.getFloat((biasOff + c) << 2);
            int base = (aOff + c * rows) << 2;
            for (int r = 0; r < rows; r++) {
                int at = base + (r << 2);
                float x = a.getFloat(at) + bias;
                a.putFloat(at, relu ? Math.max(x, 0f) : x);
            }
        }
    }

    /** d[i] ← a[i] > 0 ? d[i] : 0 for i &lt; len (float offsets dOff, aOff). */
    static void reluMask(ByteBuffer d, int dOff, ByteBuffer a, int aOff, int len) {
        for (int i = 0; i < len; i++) {
            if (!(a.getFloat((aOff + i) << 2) > 0f)) {
                d.putFloat((dOff + i) << 2, 0f);
            }
        }
    }

    /** g[outOff + c] ← Σ_r d[r, c] over the f-order [rows, cols] block at float offset dOff (rows in order). */
    static void columnSums(ByteBuffer d, int dOff, int rows, int cols, ByteBuffer g, int outOff) {
        for (int c = 0; c < cols; c++) {
            int base = (dOff + c * rows) << 2;
            float sum = 0f;
            for (int r = 0; r < rows; r++) {
                sum += d.getFloat(base + (r << 2));
            }
            g.putFloat((outOff + c) << 2, sum);
        }
    }

    /** Adam on elements [from, to), as {@link DenseVectorKernels#adam}. */
    static void adam(
            int from,
            int to,
            ByteBuffer p,
            ByteBuffer g,
            float[] m,
            float[] v,
            float b1,
            float b2,
            float c1,
            float c2,
            float eps,
            float at) {
        for (int i = from; i < to; i++) {
            int bi = i << 2;
            float gi = g.getFloat(bi);
            float mi = b1 * m[i] + c1 * gi;
            float vi = b2 * v[i] + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p.putFloat(bi, p.getFloat(bi) - at * mi / ((float) Math.sqrt(vi) + eps));
        }
    }
}
