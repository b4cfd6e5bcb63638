package org.sheetlab.train.fast;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link UpdaterKernels} on the JDK Vector API (jdk.incubator.vector), in place on native-order byte buffers (offsets
 * in floats): the same formulas lane by lane, the tail in scalar code. Loaded only when
 * {@link UpdaterKernels#VECTOR_API} is true.
 */
final class VectorUpdaterKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorUpdaterKernels() {}

    private static FloatVector load(ByteBuffer b, int i) {
        return FloatVector.fromByteBuffer(S, b, i << 2, ORDER);
    }

    private static void store(FloatVector x, ByteBuffer b, int i) {
        x.intoByteBuffer(b, i << 2, ORDER);
    }

    static void adam(
            ByteBuffer g,
            int off,
            ByteBuffer m,
            int mOff,
            ByteBuffer v,
            int vOff,
            int n,
            float b1,
            float b2,
            float eps,
            float epsT) {
        float c1 = 1f - b1;
        float c2 = 1f - b2;
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector gi = load(g, off + i);
            FloatVector mi = load(m, mOff + i).mul(b1).add(gi.mul(c1));
            FloatVector vi = load(v, vOff + i).mul(b2).add(gi.mul(gi).mul(c2));
            store(mi, m, mOff + i);
            store(vi, v, vOff + i);
            store(mi.mul(epsT).div(vi.lanewise(VectorOperators.SQRT).add(eps)), g, off + i);
        }
        UpdaterKernels.scalarAdam(g, off + i, m, mOff + i, v, vOff + i, n - i, b1, b2, eps, epsT);
    }

    static void adamStep(
            ByteBuffer w,
            int wOff,
            ByteBuffer g,
            int gOff,
            ByteBuffer m,
            int mOff,
            ByteBuffer v,
            int vOff,
            int n,
            boolean divide,
            float d,
            float b1,
            float b2,
            float eps,
            float epsT) {
        float c1 = 1f - b1;
        float c2 = 1f - b2;
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector gi = load(g, gOff + i);
            if (divide) {
                gi = gi.div(d);
            }
            FloatVector mi = load(m, mOff + i).mul(b1).add(gi.mul(c1));
            FloatVector vi = load(v, vOff + i).mul(b2).add(gi.mul(gi).mul(c2));
            store(mi, m, mOff + i);
            store(vi, v, vOff + i);
            FloatVector u = mi.mul(epsT).div(vi.lanewise(VectorOperators.SQRT).add(eps));
            store(u, g, gOff + i);
            store(load(w, wOff + i).sub(u), w, wOff + i);
        }
        UpdaterKernels.scalarAdamStep(
                w, wOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i, divide, d, b1, b2, eps, epsT);
    }

    static void nesterovs(ByteBuffer g, int off, ByteBuffer s, int sOff, int n, float lr, float momentum) {
        float momentumT = -momentum - 1f;
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector prev = load(s, sOff + i).mul(momentum);
            FloatVector st = prev.sub(load(g, off + i).mul(lr));
            store(st, s, sOff + i);
            store(prev.add(st.mul(momentumT)), g, off + i);
        }
        UpdaterKernels.scalarNesterovs(g, off + i, s, sOff + i, n - i, lr, momentum);
    }

    static void scale(ByteBuffer g, int off, int n, float a) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            store(load(g, off + i).mul(a), g, off + i);
        }
        for (; i < n; i++) {
            int at = (off + i) << 2;
            g.putFloat(at, g.getFloat(at) * a);
        }
    }

    static void divide(ByteBuffer g, int off, int n, float d) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            store(load(g, off + i).div(d), g, off + i);
        }
        for (; i < n; i++) {
            int at = (off + i) << 2;
            g.putFloat(at, g.getFloat(at) / d);
        }
    }

    static void axpy(float a, ByteBuffer w, int wOff, ByteBuffer g, int gOff, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            store(load(w, wOff + i).mul(a).add(load(g, gOff + i)), g, gOff + i);
        }
        for (; i < n; i++) {
            int at = (gOff + i) << 2;
            g.putFloat(at, a * w.getFloat((wOff + i) << 2) + g.getFloat(at));
        }
    }

    static void subtract(ByteBuffer w, int wOff, ByteBuffer u, int uOff, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            store(load(w, wOff + i).sub(load(u, uOff + i)), w, wOff + i);
        }
        for (; i < n; i++) {
            int at = (wOff + i) << 2;
            w.putFloat(at, w.getFloat(at) - u.getFloat((uOff + i) << 2));
        }
    }
}
