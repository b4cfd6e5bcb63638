package org.sheetlab.train.fast;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DenseAdamStep}'s element passes with the JDK's Vector API (jdk.incubator.vector), in place on ND4J's off-heap
 * float buffers (native byte order; offsets in floats): bias + ReLU after a forward GEMM, the ReLU mask of a delta, the
 * bias gradient (column sums) and Adam. Loaded only when the JVM runs with {@code --add-modules jdk.incubator.vector}
 * ({@link DenseAdamStep#VECTOR_API}); otherwise {@link DenseScalarKernels} runs the same formulas. Both compute every
 * element with the same IEEE float operations in the same order (no fused multiply-add), so the two give bit-identical
 * results, except the column sums, which add in {@code S.length()} partial sums here.
 */
final class DenseVectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private DenseVectorKernels() {}

    /** a[r, c] ← act(a[r, c] + p[biasOff + c]) over the f-order [rows, cols] block at float offset aOff of a. */
    static void biasActivation(ByteBuffer a, int aOff, int rows, int cols, ByteBuffer p, int biasOff, boolean relu) {
        int bound = S.loopBound(rows);
        int step = S.length();
        for (int c = 0; c < cols; c++) {
            float bias = p.getFloat((biasOff + c) << 2);
            FloatVector bv = FloatVector.broadcast(S, bias);
            int base = (aOff + c * rows) << 2;
            int r = 0;
            if (relu) {
                for (; r < bound; r += step) {
                    int at = base + (r << 2);
                    FloatVector.fromByteBuffer(S, a, at, ORDER).add(bv).max(0f).intoByteBuffer(a, at, ORDER);
                }
            } else {
                for (; r < bound; r += step) {
                    int at = base + (r << 2);
                    FloatVector.fromByteBuffer(S, a, at, ORDER).add(bv).intoByteBuffer(a, at, ORDER);
                }
            }
            for (; r < rows; r++) {
                int at = base + (r << 2);
                float x = a.getFloat(at) + bias;
                a.putFloat(at, relu ? Math.max(x, 0f) : x);
            }
        }
    }

    /** d[i] ← a[i] > 0 ? d[i] : 0 for i &lt; len (float offsets dOff, aOff). */
    static void reluMask(ByteBuffer d, int dOff, ByteBuffer a, int aOff, int len) {
        int bound = S.loopBound(len);
        int step = S.length();
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (; i < bound; i += step) {
            int di = (dOff + i) << 2;
            FloatVector act = FloatVector.fromByteBuffer(S, a, (aOff + i) << 2, ORDER);
            zero.blend(FloatVector.fromByteBuffer(S, d, di, ORDER), act.compare(VectorOperators.GT, 0f))
                    .intoByteBuffer(d, di, ORDER);
        }
        for (; i < len; i++) {
            if (!(a.getFloat((aOff + i) << 2) > 0f)) {
                d.putFloat((dOff + i) << 2, 0f);
            }
        }
    }

    /** g[outOff + c] ← Σ_r d[r, c] over the f-order [rows, cols] block at float offset dOff. */
    static void columnSums(ByteBuffer d, int dOff, int rows, int cols, ByteBuffer g, int outOff) {
        int bound = S.loopBound(rows);
        int step = S.length();
        for (int c = 0; c < cols; c++) {
            int base = (dOff + c * rows) << 2;
            FloatVector acc = FloatVector.zero(S);
            int r = 0;
            for (; r < bound; r += step) {
                acc = acc.add(FloatVector.fromByteBuffer(S, d, base + (r << 2), ORDER));
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (; r < rows; r++) {
                sum += d.getFloat(base + (r << 2));
            }
            g.putFloat((outOff + c) << 2, sum);
        }
    }

    /**
     * Adam on elements [from, to): m ← b1·m + c1·g, v ← b2·v + (c2·g)·g, p ← p − (at·m)/(√v + eps); p and g are the
     * flat parameter and gradient buffers, m and v heap arrays.
     */
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
        int step = S.length();
        int bound = from + S.loopBound(to - from);
        int i = from;
        for (; i < bound; i += step) {
            int bi = i << 2;
            FloatVector gi = FloatVector.fromByteBuffer(S, g, bi, ORDER);
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(gi.mul(c1));
            FloatVector vi =
                    FloatVector.fromArray(S, v, i).mul(b2).add(gi.mul(c2).mul(gi));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector.fromByteBuffer(S, p, bi, ORDER)
                    .sub(mi.mul(at).div(vi.sqrt().add(eps)))
                    .intoByteBuffer(p, bi, ORDER);
        }
        DenseScalarKernels.adam(i, to, p, g, m, v, b1, b2, c1, c2, eps, at);
    }
}
