package org.sheetlab.train.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link UpdaterKernels} on the JDK Vector API (jdk.incubator.vector): the same formulas lane by lane, the tail in
 * scalar code. Loaded only when {@link UpdaterKernels#VECTOR_API} is true.
 */
final class VectorUpdaterKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorUpdaterKernels() {}

    static void adam(
            float[] g,
            int off,
            float[] m,
            int mOff,
            float[] v,
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
            FloatVector gi = FloatVector.fromArray(S, g, off + i);
            FloatVector mi = FloatVector.fromArray(S, m, mOff + i).mul(b1).add(gi.mul(c1));
            FloatVector vi =
                    FloatVector.fromArray(S, v, vOff + i).mul(b2).add(gi.mul(gi).mul(c2));
            mi.intoArray(m, mOff + i);
            vi.intoArray(v, vOff + i);
            mi.mul(epsT).div(vi.lanewise(VectorOperators.SQRT).add(eps)).intoArray(g, off + i);
        }
        UpdaterKernels.scalarAdam(g, off + i, m, mOff + i, v, vOff + i, n - i, b1, b2, eps, epsT);
    }

    static void nesterovs(float[] g, int off, float[] s, int sOff, int n, float lr, float momentum) {
        float momentumT = -momentum - 1f;
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector prev = FloatVector.fromArray(S, s, sOff + i).mul(momentum);
            FloatVector st = prev.sub(FloatVector.fromArray(S, g, off + i).mul(lr));
            st.intoArray(s, sOff + i);
            prev.add(st.mul(momentumT)).intoArray(g, off + i);
        }
        UpdaterKernels.scalarNesterovs(g, off + i, s, sOff + i, n - i, lr, momentum);
    }

    static void scale(float[] g, int off, int n, float a) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, g, off + i).mul(a).intoArray(g, off + i);
        }
        for (; i < n; i++) {
            g[off + i] = g[off + i] * a;
        }
    }

    static void divide(float[] g, int off, int n, float d) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, g, off + i).div(d).intoArray(g, off + i);
        }
        for (; i < n; i++) {
            g[off + i] = g[off + i] / d;
        }
    }

    static void axpy(float a, float[] w, float[] g, int off, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, w, off + i)
                    .mul(a)
                    .add(FloatVector.fromArray(S, g, off + i))
                    .intoArray(g, off + i);
        }
        for (; i < n; i++) {
            g[off + i] = a * w[off + i] + g[off + i];
        }
    }

    static void subtract(float[] w, float[] u, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, w, i).sub(FloatVector.fromArray(S, u, i)).intoArray(w, i);
        }
        for (; i < n; i++) {
            w[i] = w[i] - u[i];
        }
    }
}
