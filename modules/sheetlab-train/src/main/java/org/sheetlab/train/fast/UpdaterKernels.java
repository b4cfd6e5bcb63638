package org.sheetlab.train.fast;

/**
 * The element-wise updater kernels of {@link FastCore} over flat float arrays, in the arithmetic order of libnd4j's
 * CPU updater ops (so that the fast step and {@code fit} differ by float rounding at most): Adam
 * m ← β₁m + g(1−β₁), v ← β₂v + g²(1−β₂), u = m·α_t/(√v + ε); Nesterov momentum v' = μv − ηg, u = μv + (−μ−1)v';
 * plain SGD u = ηg; and the helpers around them (g ← g/B, g ← g + a·w, w ← w − u). Every kernel works on the range
 * [off, off + n) of its arrays. With {@code --add-modules jdk.incubator.vector} ({@link #VECTOR_API}) the loops run on
 * the JDK Vector API ({@link VectorUpdaterKernels}); otherwise the scalar loops here run (same formulas, same order
 * per element, so both give the same floats up to the JIT's fused multiply-adds, which neither uses).
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

    /** Adam on g[off..off+n) with m at m[mOff..], v at v[vOff..]: g becomes the update. */
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
        if (VECTOR_API) {
            VectorUpdaterKernels.adam(g, off, m, mOff, v, vOff, n, b1, b2, eps, epsT);
        } else {
            scalarAdam(g, off, m, mOff, v, vOff, n, b1, b2, eps, epsT);
        }
    }

    /** {@link #adam} in scalar code (also the Vector API kernel's tail). */
    static void scalarAdam(
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
        for (int i = 0; i < n; i++) {
            float gi = g[off + i];
            float mi = b1 * m[mOff + i] + gi * c1;
            float vi = b2 * v[vOff + i] + gi * gi * c2;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            g[off + i] = (mi * epsT) / ((float) Math.sqrt(vi) + eps);
        }
    }

    /** Nesterov momentum on g[off..off+n) with the velocity at s[sOff..]: g becomes the update. */
    static void nesterovs(float[] g, int off, float[] s, int sOff, int n, float lr, float momentum) {
        if (VECTOR_API) {
            VectorUpdaterKernels.nesterovs(g, off, s, sOff, n, lr, momentum);
        } else {
            scalarNesterovs(g, off, s, sOff, n, lr, momentum);
        }
    }

    /** {@link #nesterovs} in scalar code (also the Vector API kernel's tail). */
    static void scalarNesterovs(float[] g, int off, float[] s, int sOff, int n, float lr, float momentum) {
        float momentumT = -momentum - 1f;
        for (int i = 0; i < n; i++) {
            float prev = momentum * s[sOff + i];
            float st = prev - lr * g[off + i];
            s[sOff + i] = st;
            g[off + i] = prev + momentumT * st;
        }
    }

    /** g[off..off+n) ← g·a (SGD's update u = ηg, and gradient clipping's rescaling). */
    static void scale(float[] g, int off, int n, float a) {
        if (VECTOR_API) {
            VectorUpdaterKernels.scale(g, off, n, a);
            return;
        }
        for (int i = off; i < off + n; i++) {
            g[i] = g[i] * a;
        }
    }

    /** g[off..off+n) ← g/d (the division by the minibatch size, and renormalisation by an L2 norm). */
    static void divide(float[] g, int off, int n, float d) {
        if (VECTOR_API) {
            VectorUpdaterKernels.divide(g, off, n, d);
            return;
        }
        for (int i = off; i < off + n; i++) {
            g[i] = g[i] / d;
        }
    }

    /** g[off..off+n) ← a·w + g (L2 regularisation before the updater, weight decay after it). */
    static void axpy(float a, float[] w, float[] g, int off, int n) {
        if (VECTOR_API) {
            VectorUpdaterKernels.axpy(a, w, g, off, n);
            return;
        }
        for (int i = off; i < off + n; i++) {
            g[i] = a * w[i] + g[i];
        }
    }

    /** w[0..n) ← w − u (the step function of DL4J's SGD solver). */
    static void subtract(float[] w, float[] u, int n) {
        if (VECTOR_API) {
            VectorUpdaterKernels.subtract(w, u, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            w[i] = w[i] - u[i];
        }
    }

    /** Σ g² over g[off..off+n), in double (the squared L2 norm for gradient normalisation). */
    static double sumSquares(float[] g, int off, int n) {
        double s = 0;
        for (int i = off; i < off + n; i++) {
            double x = g[i];
            s += x * x;
        }
        return s;
    }
}
