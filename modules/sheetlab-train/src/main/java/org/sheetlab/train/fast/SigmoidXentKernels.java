package org.sheetlab.train.fast;

import java.nio.ByteBuffer;

/**
 * The element passes of {@link SigmoidXentLoss} over native-order float buffers (offsets in floats): scalar loops
 * here, the JDK Vector API ({@link VectorSigmoidXentKernels}, its EXP and LOG lanewise ops) when
 * {@link UpdaterKernels#VECTOR_API} is true.
 */
final class SigmoidXentKernels {
    private SigmoidXentKernels() {}

    /** z[zOff..zOff+n) ← ∂L/∂z = (c − y)/(c(1 − c)) · s(1 − s), s = σ(z), c = s clipped to [lo, hi] when clip. */
    static void gradient(ByteBuffer z, int zOff, ByteBuffer y, int yOff, int n, float lo, float hi, boolean clip) {
        int i = 0;
        if (UpdaterKernels.VECTOR_API) {
            i = VectorSigmoidXentKernels.gradient(z, zOff, y, yOff, n, lo, hi, clip);
        }
        for (; i < n; i++) {
            int at = (zOff + i) << 2;
            float s = 1f / (1f + (float) Math.exp(-z.getFloat(at)));
            float c = clip ? Math.min(Math.max(s, lo), hi) : s;
            float t = y.getFloat((yOff + i) << 2);
            z.putFloat(at, (c - t) / (c * (1f - c)) * (s * (1f - s)));
        }
    }

    /** Σ y log c + (1 − y) log(1 − c) over the n elements (s = σ(z), c = s clipped to [lo, hi] when clip). */
    static double logLikelihood(
            ByteBuffer z, int zOff, ByteBuffer y, int yOff, int n, float lo, float hi, boolean clip) {
        double sum = 0;
        int i = 0;
        if (UpdaterKernels.VECTOR_API) {
            double[] partial = new double[1];
            i = VectorSigmoidXentKernels.logLikelihood(z, zOff, y, yOff, n, lo, hi, clip, partial);
            sum = partial[0];
        }
        for (; i < n; i++) {
            float s = 1f / (1f + (float) Math.exp(-z.getFloat((zOff + i) << 2)));
            float c = clip ? Math.min(Math.max(s, lo), hi) : s;
            float t = y.getFloat((yOff + i) << 2);
            sum += t * (float) Math.log(c) + (1f - t) * (float) Math.log(1f - c);
        }
        return sum;
    }

    /**
     * {@link #logLikelihood} and then {@link #gradient} in one pass over the elements (σ(z) computed once): returns
     * the same sum, and leaves z[zOff..zOff+n) holding ∂L/∂z. The same float operations in the same order as the two
     * passes, so the same bits.
     */
    static double logLikelihoodAndGradient(
            ByteBuffer z, int zOff, ByteBuffer y, int yOff, int n, float lo, float hi, boolean clip) {
        double sum = 0;
        int i = 0;
        if (UpdaterKernels.VECTOR_API) {
            double[] partial = new double[1];
            i = VectorSigmoidXentKernels.logLikelihoodAndGradient(z, zOff, y, yOff, n, lo, hi, clip, partial);
            sum = partial[0];
        }
        for (; i < n; i++) {
            int at = (zOff + i) << 2;
            float s = 1f / (1f + (float) Math.exp(-z.getFloat(at)));
            float c = clip ? Math.min(Math.max(s, lo), hi) : s;
            float t = y.getFloat((yOff + i) << 2);
            sum += t * (float) Math.log(c) + (1f - t) * (float) Math.log(1f - c);
            z.putFloat(at, (c - t) / (c * (1f - c)) * (s * (1f - s)));
        }
        return sum;
    }
}
