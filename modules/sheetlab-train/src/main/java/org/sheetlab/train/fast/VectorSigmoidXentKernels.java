package org.sheetlab.train.fast;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.sheetlab.core.vector.VectorMath;

/**
 * {@link SigmoidXentKernels} on the JDK Vector API: the whole vectors of the range, returning where the scalar tail
 * starts; σ and log through {@link VectorMath}. Loaded only when {@link UpdaterKernels#VECTOR_API} is true.
 */
final class VectorSigmoidXentKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** σ and log through {@link VectorMath} (see {@link DenseRowKernels#POLY_MATH}). */
    private static final boolean POLY = DenseRowKernels.POLY_MATH && VectorMath.usable();

    private VectorSigmoidXentKernels() {}

    private static FloatVector sigmoid(FloatVector z) {
        return POLY
                ? VectorMath.sigmoid(z)
                : FloatVector.broadcast(S, 1f)
                        .div(z.neg().lanewise(VectorOperators.EXP).add(1f));
    }

    /**
     * log lanewise: {@link VectorMath#log} where every lane is in its domain, else {@code Math.log} per lane (the same
     * bits interpreted and compiled, unlike the lanewise LOG); the lanewise LOG with {@code polyMath=false}.
     */
    private static FloatVector log(FloatVector x) {
        if (!POLY) {
            return x.lanewise(VectorOperators.LOG);
        }
        if (VectorMath.logDomain(x)) {
            return VectorMath.log(x);
        }
        float[] a = x.toArray();
        for (int j = 0; j < a.length; j++) {
            a[j] = (float) Math.log(a[j]);
        }
        return FloatVector.fromArray(S, a, 0);
    }

    static int gradient(ByteBuffer z, int zOff, ByteBuffer y, int yOff, int n, float lo, float hi, boolean clip) {
        int bound = S.loopBound(n);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (; i < bound; i += S.length()) {
            int at = (zOff + i) << 2;
            FloatVector s = sigmoid(FloatVector.fromByteBuffer(S, z, at, ORDER));
            FloatVector c = clip ? s.max(lo).min(hi) : s;
            FloatVector t = FloatVector.fromByteBuffer(S, y, (yOff + i) << 2, ORDER);
            c.sub(t).div(c.mul(one.sub(c))).mul(s.mul(one.sub(s))).intoByteBuffer(z, at, ORDER);
        }
        return i;
    }

    static int logLikelihood(
            ByteBuffer z, int zOff, ByteBuffer y, int yOff, int n, float lo, float hi, boolean clip, double[] sum) {
        int bound = S.loopBound(n);
        FloatVector one = FloatVector.broadcast(S, 1f);
        double total = 0;
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector s = sigmoid(FloatVector.fromByteBuffer(S, z, (zOff + i) << 2, ORDER));
            FloatVector c = clip ? s.max(lo).min(hi) : s;
            FloatVector t = FloatVector.fromByteBuffer(S, y, (yOff + i) << 2, ORDER);
            FloatVector e = t.mul(log(c)).add(one.sub(t).mul(log(one.sub(c))));
            total += e.reduceLanes(VectorOperators.ADD);
        }
        sum[0] = total;
        return i;
    }

    static int logLikelihoodAndGradient(
            ByteBuffer z, int zOff, ByteBuffer y, int yOff, int n, float lo, float hi, boolean clip, double[] sum) {
        int bound = S.loopBound(n);
        FloatVector one = FloatVector.broadcast(S, 1f);
        double total = 0;
        int i = 0;
        for (; i < bound; i += S.length()) {
            int at = (zOff + i) << 2;
            FloatVector s = sigmoid(FloatVector.fromByteBuffer(S, z, at, ORDER));
            FloatVector c = clip ? s.max(lo).min(hi) : s;
            FloatVector t = FloatVector.fromByteBuffer(S, y, (yOff + i) << 2, ORDER);
            FloatVector e = t.mul(log(c)).add(one.sub(t).mul(log(one.sub(c))));
            total += e.reduceLanes(VectorOperators.ADD);
            c.sub(t).div(c.mul(one.sub(c))).mul(s.mul(one.sub(s))).intoByteBuffer(z, at, ORDER);
        }
        sum[0] = total;
        return i;
    }
}
