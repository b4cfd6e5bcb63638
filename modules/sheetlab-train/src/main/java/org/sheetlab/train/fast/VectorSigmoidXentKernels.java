package org.sheetlab.train.fast;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.sheetlab.core.vector.VectorMath;

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
            FloatVector s = VectorMath.sigmoid(FloatVector.fromByteBuffer(S, z, at, ORDER));
            FloatVector c = clip ? s.max(lo).min(hi) : s;
            FloatVector t = FloatVector.fromByteBuffer(S, y, (yOff + i) << 2, ORDER);
            c.sub(t).div(c.mul(one.sub(c))).mul(s.mul(one.sub(s))).intoByteBuffer(z, at, ORDER);
        }
        return i;
    }

    /** log lanewise: {@link VectorMath#log} where every lane is positive and normal, else Math.log per lane. */
    private static FloatVector log(FloatVector x) {
        if (VectorMath.logDomain(x)) {
            return VectorMath.log(x);
        }
        float[] a = x.toArray();
        for (int j = 0; j < a.length; j++) {
            a[j] = (float) Math.log(a[j]);
        }
        return FloatVector.fromArray(S, a, 0);
    }

    static int logLikelihood(
            ByteBuffer z, int zOff, ByteBuffer y, int yOff, int n, float lo, float hi, boolean clip, double[] sum) {
        int bound = S.loopBound(n);
        FloatVector one = FloatVector.broadcast(S, 1f);
        double total = 0;
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector s = VectorMath.sigmoid(FloatVector.fromByteBuffer(S, z, (zOff + i) << 2, ORDER));
            FloatVector c = clip ? s.max(lo).min(hi) : s;
            FloatVector t = FloatVector.fromByteBuffer(S, y, (yOff + i) << 2, ORDER);
            FloatVector e = t.mul(log(c)).add(one.sub(t).mul(log(one.sub(c))));
            total += e.reduceLanes(VectorOperators.ADD);
        }
        sum[0] = total;
        return i;
    }
}
