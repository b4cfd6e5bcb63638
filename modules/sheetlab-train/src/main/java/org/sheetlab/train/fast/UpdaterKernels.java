package org.sheetlab.train.fast;

import java.nio.ByteBuffer;

/**
 * The element-wise updater kernels of {@link FastCore}, in place on ND4J's off-heap float buffers (byte buffers in
 * native order; every offset and length counts floats), in the arithmetic order of libnd4j's CPU updater ops (so that
 * the fast step and {@code fit} differ by float rounding at most): Adam m ← β₁m + g(1−β₁), v ← β₂v + g²(1−β₂),
 * u = m·α_t/(√v + ε); Nesterov momentum v' = μv − ηg, u = μv + (−μ−1)v'; plain SGD u = ηg; and the helpers around
 * them (g ← g/B, g ← g + a·w, w ← w − u). Every kernel works on the range [off, off + n) of its buffers. With
 * {@code --add-modules jdk.incubator.vector} ({@link #VECTOR_API}) the loops run on the JDK Vector API
 * ({@link VectorUpdaterKernels}); otherwise the scalar loops here run (same formulas, same order per element, so both
 * give the same floats up to the JIT's fused multiply-adds, which neither uses).
 */
final class UpdaterKernels {
    /**
     * Whether the Vector API kernels run: the JVM has jdk.incubator.vector and {@code -Dsheetlab.fast.vectorApi=false}
     * is not set.
     */
    static final boolean VECTOR_API =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                    && !"false".equals(System.getProperty("sheetlab.fast.vectorApi"));

    private UpdaterKernels() {}

    private static float get(ByteBuffer b, int i) {
        return b.getFloat(i << 2);
    }

    private static void put(ByteBuffer b, int i, float x) {
        b.putFloat(i << 2, x);
    }

    /** Adam on g[off..off+n) with m at m[mOff..], v at v[vOff..]: g becomes the update. */
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
        if (VECTOR_API) {
            VectorUpdaterKernels.adam(g, off, m, mOff, v, vOff, n, b1, b2, eps, epsT);
        } else {
            scalarAdam(g, off, m, mOff, v, vOff, n, b1, b2, eps, epsT);
        }
    }

    /** {@link #adam} in scalar code (also the Vector API kernel's tail). */
    static void scalarAdam(
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
        for (int i = 0; i < n; i++) {
            float gi = get(g, off + i);
            float mi = b1 * get(m, mOff + i) + gi * c1;
            float vi = b2 * get(v, vOff + i) + gi * gi * c2;
            put(m, mOff + i, mi);
            put(v, vOff + i, vi);
            put(g, off + i, (mi * epsT) / ((float) Math.sqrt(vi) + eps));
        }
    }

    /**
     * One whole Adam step per element, in one pass where the separate kernels take three: g ← g/d (when {@code
     * divide}), then {@link #adam} (g becomes the update u), then w ← w − u; the same float operations in the same
     * order per element as {@link #divide}, {@link #adam} and {@link #subtract} one after the other, so the results
     * are bit-identical.
     */
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
        if (VECTOR_API) {
            VectorUpdaterKernels.adamStep(w, wOff, g, gOff, m, mOff, v, vOff, n, divide, d, b1, b2, eps, epsT);
        } else {
            scalarAdamStep(w, wOff, g, gOff, m, mOff, v, vOff, n, divide, d, b1, b2, eps, epsT);
        }
    }

    /** {@link #adamStep} in scalar code (also the Vector API kernel's tail). */
    static void scalarAdamStep(
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
        for (int i = 0; i < n; i++) {
            float gi = get(g, gOff + i);
            if (divide) {
                gi = gi / d;
            }
            float mi = b1 * get(m, mOff + i) + gi * c1;
            float vi = b2 * get(v, vOff + i) + gi * gi * c2;
            put(m, mOff + i, mi);
            put(v, vOff + i, vi);
            float u = (mi * epsT) / ((float) Math.sqrt(vi) + eps);
            put(g, gOff + i, u);
            put(w, wOff + i, get(w, wOff + i) - u);
        }
    }

    /** Nesterov momentum on g[off..off+n) with the velocity at s[sOff..]: g becomes the update. */
    static void nesterovs(ByteBuffer g, int off, ByteBuffer s, int sOff, int n, float lr, float momentum) {
        if (VECTOR_API) {
            VectorUpdaterKernels.nesterovs(g, off, s, sOff, n, lr, momentum);
        } else {
            scalarNesterovs(g, off, s, sOff, n, lr, momentum);
        }
    }

    /** {@link #nesterovs} in scalar code (also the Vector API kernel's tail). */
    static void scalarNesterovs(ByteBuffer g, int off, ByteBuffer s, int sOff, int n, float lr, float momentum) {
        float momentumT = -momentum - 1f;
        for (int i = 0; i < n; i++) {
            float prev = momentum * get(s, sOff + i);
            float st = prev - lr * get(g, off + i);
            put(s, sOff + i, st);
            put(g, off + i, prev + momentumT * st);
        }
    }

    /** g[off..off+n) ← g·a (SGD's update u = ηg, and gradient clipping's rescaling). */
    static void scale(ByteBuffer g, int off, int n, float a) {
        if (VECTOR_API) {
            VectorUpdaterKernels.scale(g, off, n, a);
            return;
        }
        for (int i = off; i < off + n; i++) {
            put(g, i, get(g, i) * a);
        }
    }

    /** g[off..off+n) ← g/d (the division by the minibatch size, and renormalisation by an L2 norm). */
    static void divide(ByteBuffer g, int off, int n, float d) {
        if (VECTOR_API) {
            VectorUpdaterKernels.divide(g, off, n, d);
            return;
        }
        for (int i = off; i < off + n; i++) {
            put(g, i, get(g, i) / d);
        }
    }

    /** g[gOff..gOff+n) ← a·w[wOff..] + g (L2 regularisation before the updater, weight decay after it). */
    static void axpy(float a, ByteBuffer w, int wOff, ByteBuffer g, int gOff, int n) {
        if (VECTOR_API) {
            VectorUpdaterKernels.axpy(a, w, wOff, g, gOff, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            put(g, gOff + i, a * get(w, wOff + i) + get(g, gOff + i));
        }
    }

    /** w[wOff..wOff+n) ← w − u[uOff..] (the step function of DL4J's SGD solver). */
    static void subtract(ByteBuffer w, int wOff, ByteBuffer u, int uOff, int n) {
        if (VECTOR_API) {
            VectorUpdaterKernels.subtract(w, wOff, u, uOff, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            put(w, wOff + i, get(w, wOff + i) - get(u, uOff + i));
        }
    }

    /** g[off..off+n) clipped to [lo, hi] element by element. */
    static void clip(ByteBuffer g, int off, int n, float lo, float hi) {
        for (int i = off; i < off + n; i++) {
            put(g, i, Math.max(lo, Math.min(hi, get(g, i))));
        }
    }

    /** g[gOff..gOff+n) ← g + sign(w[wOff..])·c (L1 regularisation). */
    static void l1(float c, ByteBuffer w, int wOff, ByteBuffer g, int gOff, int n) {
        for (int i = 0; i < n; i++) {
            put(g, gOff + i, get(g, gOff + i) + Math.signum(get(w, wOff + i)) * c);
        }
    }

    /** Σ g² over g[off..off+n), in double (the squared L2 norm for gradient normalisation). */
    static double sumSquares(ByteBuffer g, int off, int n) {
        double s = 0;
        for (int i = off; i < off + n; i++) {
            double x = get(g, i);
            s += x * x;
        }
        return s;
    }
}
