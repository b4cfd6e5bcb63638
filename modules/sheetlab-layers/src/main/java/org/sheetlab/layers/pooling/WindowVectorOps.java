package org.sheetlab.layers.pooling;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatWindowKernel}'s elementwise exp over float arrays with the JDK's Vector API (jdk.incubator.vector).
 * Loaded only when the JVM runs with {@code --add-modules jdk.incubator.vector} ({@link FloatWindowKernel#VECTOR_API});
 * otherwise the kernel's scalar {@code Math.exp} loop runs.
 *
 * <p>Not the lanewise {@code VectorOperators.EXP}: on the JDK 17 measured here (Debian 17.0.15, AMD EPYC) it is not an
 * intrinsic and costs more than scalar {@code Math.exp} (log-average pooling took 19.5 ms for the bench's
 * forward + backward with it, bench/results/pooling-2026-12-05.json). Instead the Cephes single-precision method with
 * plain lane arithmetic, which the JIT compiles to AVX instructions: exp(x) = 2ⁿ·e^r with n = round(x·log₂e) and
 * r = x − n·ln 2 (ln 2 split in two parts, |r| ≤ ½ ln 2), e^r = 1 + r + r²·P(r) with Cephes' degree-5 minimax P
 * (within 2 ulps of the float result), and 2ⁿ assembled in the exponent bits. Inputs are x ≤ 0 (window values minus
 * the window's maximum); below ln(Float.MIN_NORMAL) ≈ −87.3365 the result is 0 (the exact value is under float's
 * smallest normal there).
 */
final class WindowVectorOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Just below ln(Float.MIN_NORMAL) = −87.33654…: above it 2ⁿ stays a normal float (n ≥ −126). */
    private static final float MIN_X = -87.336555f;

    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    private WindowVectorOps() {}

    /** Whether the float and int species have the same lane count (the exponent trick needs it). */
    static boolean usable() {
        return S.length() == I.length();
    }

    /** a[i] = exp(a[i]) for i in [from, to), for a[i] ≤ 0. */
    static void exp(float[] a, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            var tiny = x.compare(VectorOperators.LT, MIN_X);
            x = x.max(MIN_X);
            // n = round(x·log₂e) for x ≤ 0: truncation of x·log₂e − ½ (toward zero, i.e. up for negatives)
            IntVector n = (IntVector) x.mul(LOG2E).sub(0.5f).convert(VectorOperators.F2I, 0);
            FloatVector fn = (FloatVector) n.convert(VectorOperators.I2F, 0);
            FloatVector r = x.sub(fn.mul(LN2_HI)).sub(fn.mul(LN2_LO));
            FloatVector r2 = r.mul(r);
            FloatVector p = r.mul(P0)
                    .add(P1)
                    .mul(r)
                    .add(P2)
                    .mul(r)
                    .add(P3)
                    .mul(r)
                    .add(P4)
                    .mul(r)
                    .add(P5);
            FloatVector er = p.mul(r2).add(r).add(1f);
            FloatVector scale =
                    (FloatVector) n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            er.mul(scale).blend(0f, tiny).intoArray(a, i);
        }
        for (; i < to; i++) {
            a[i] = (float) Math.exp(a[i]);
        }
    }
}
