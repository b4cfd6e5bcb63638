package org.sheetlab.train.fast;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SigmoidXentKernels} on the JDK Vector API: the whole vectors of the range, returning where the scalar tail
 * starts. Loaded only when {@link UpdaterKernels#VECTOR_API} is true.
 */
final class VectorSigmoidXentKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorSigmoidXentKernels() {}

    static int gradient(ByteBuffer z, int zOff, ByteBuffer y, int yOff, int n, float lo, float hi, boolean clip) {
        int bound = S.loopBound(n);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (; i < bound; i += S.length()) {
            int at = (zOff + i) << 2;
            FloatVector s = one.div(FloatVector.fromByteBuffer(S, z, at, ORDER)
                    .neg()
                    .lanewise(VectorOperators.EXP)
                    .add(1f));
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
            FloatVector s = one.div(FloatVector.fromByteBuffer(S, z, (zOff + i) << 2, ORDER)
                    .neg()
                    .lanewise(VectorOperators.EXP)
                    .add(1f));
            FloatVector c = clip ? s.max(lo).min(hi) : s;
            FloatVector t = FloatVector.fromByteBuffer(S, y, (yOff + i) << 2, ORDER);
            FloatVector e = t.mul(c.lanewise(VectorOperators.LOG))
                    .add(one.sub(t).mul(one.sub(c).lanewise(VectorOperators.LOG)));
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
            FloatVector s = one.div(FloatVector.fromByteBuffer(S, z, at, ORDER)
                    .neg()
                    .lanewise(VectorOperators.EXP)
                    .add(1f));
            FloatVector c = clip ? s.max(lo).min(hi) : s;
            FloatVector t = FloatVector.fromByteBuffer(S, y, (yOff + i) << 2, ORDER);
            FloatVector e = t.mul(c.lanewise(VectorOperators.LOG))
                    .add(one.sub(t).mul(one.sub(c).lanewise(VectorOperators.LOG)));
            total += e.reduceLanes(VectorOperators.ADD);
            c.sub(t).div(c.mul(one.sub(c))).mul(s.mul(one.sub(s))).intoByteBuffer(z, at, ORDER);
        }
        sum[0] = total;
        return i;
    }
}
