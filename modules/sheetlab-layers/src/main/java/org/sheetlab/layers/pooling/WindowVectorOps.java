package org.sheetlab.layers.pooling;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatWindowKernel}'s elementwise exp and log over float arrays with the JDK's Vector API
 * (jdk.incubator.vector), whose EXP and LOG lanewise operations are intrinsics on x86 (Intel's short-vector math
 * library). Loaded only when the JVM runs with {@code --add-modules jdk.incubator.vector}
 * ({@link FloatWindowKernel#VECTOR_API}); otherwise the kernel's scalar {@code Math.exp}/{@code Math.log} loops run.
 */
final class WindowVectorOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private WindowVectorOps() {}

    /** a[i] = exp(a[i]) for i in [from, to). */
    static void exp(float[] a, int from, int to) {
        apply(VectorOperators.EXP, a, from, to);
    }

    /** a[i] = log(a[i]) for i in [from, to). */
    static void log(float[] a, int from, int to) {
        apply(VectorOperators.LOG, a, from, to);
    }

    private static void apply(VectorOperators.Unary op, float[] a, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, a, i).lanewise(op).intoArray(a, i);
        }
        for (; i < to; i++) {
            a[i] = (float) (op == VectorOperators.EXP ? Math.exp(a[i]) : Math.log(a[i]));
        }
    }
}
