package org.sheetlab.train.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, log, σ and tanh lane by lane from plain Vector API arithmetic (multiplies, adds, compares, blends and bit
 * reinterpretations), for {@link VectorDenseRowKernels} and {@link VectorSigmoidXentKernels}. Not the lanewise {@code
 * VectorOperators.EXP}/{@code LOG}/{@code TANH}: the JVMs here run with {@code -XX:-UseVectorStubs} (same seed, same
 * numbers: C2's vector math stubs gave other last bits than the interpreter), and without the stubs those operators
 * fall back to a per-lane Java loop. Measured on the 2-vCPU Xeon (busy machine, JDK 17.0.15, 2026-12-06): over 100,352
 * floats, lanewise EXP 1.47–1.91 ms and LOG 1.49–1.71 ms without the stubs (0.023 and 0.030 ms with them), scalar
 * {@code Math.exp} 1.33 ms. Plain arithmetic gives the same bits in the interpreter and compiled, so runs stay
 * reproducible. The same method as the pooling kernels' {@code WindowVectorOps} (sheetlab-layers, package-private
 * there), extended to the whole float range this code needs.
 *
 * <p>exp: Cephes' single-precision method, exp(x) = 2ⁿ·e^r with n = round(x·log₂e) and r = x − n·ln 2 (ln 2 in two
 * parts), e^r = 1 + r + r²·P(r) with Cephes' degree-5 P (within 2 ulps of the float result). The argument is taken in
 * [−87.3365, 88]: below, the result is 0 (the exact value is under float's smallest normal); above 88 it is e⁸⁸, and
 * σ and tanh use it only where such an argument no longer changes their float result. log: Cephes' logf for positive
 * normal finite arguments ({@link #logDomain}). tanh: Cephes' tanhf (an odd polynomial below |x| = 0.625, else
 * 1 − 2/(e^{2|x|} + 1) with the sign of x). Loaded only when {@link UpdaterKernels#VECTOR_API} is true.
 */
final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Just below ln(Float.MIN_NORMAL) = −87.33654…: above it 2ⁿ stays a normal float (n ≥ −126). */
    private static final float MIN_X = -87.336555f;

    private static final float MAX_X = 88f;
    /** 1.5·2²³: x + ROUND (|x| &lt; 2²²) is x rounded to an integer k, with bits ROUND_BITS + k. */
    private static final float ROUND = 12582912f;

    private static final int ROUND_BITS = 0x4B400000;

    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    private static final float SQRT_HALF = 0.707106781186547524f;
    private static final float L0 = 7.0376836292e-2f;
    private static final float L1 = -1.1514610310e-1f;
    private static final float L2 = 1.1676998740e-1f;
    private static final float L3 = -1.2420140846e-1f;
    private static final float L4 = 1.4249322787e-1f;
    private static final float L5 = -1.6668057665e-1f;
    private static final float L6 = 2.0000714765e-1f;
    private static final float L7 = -2.4999993993e-1f;
    private static final float L8 = 3.3333331174e-1f;

    private static final float T0 = -5.70498872745e-3f;
    private static final float T1 = 2.06390887954e-2f;
    private static final float T2 = -5.37397155531e-2f;
    private static final float T3 = 1.33314422036e-1f;
    private static final float T4 = -3.33332819422e-1f;

    private VectorMath() {}

    /** Whether the float and int species have the same lane count (the exponent bit trick needs it). */
    static boolean usable() {
        return S.length() == IntVector.SPECIES_PREFERRED.length();
    }

    /** exp(x) lanewise: 0 below ln(Float.MIN_NORMAL), e⁸⁸ above 88 (see the class comment). */
    static FloatVector exp(FloatVector x) {
        VectorMask<Float> tiny = x.compare(VectorOperators.LT, MIN_X);
        x = x.max(MIN_X).min(MAX_X);
        FloatVector t = x.mul(LOG2E).add(ROUND); // n = round(x·log₂e) in the low mantissa bits
        FloatVector fn = t.sub(ROUND);
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
        // 2ⁿ: bits (n + 127) << 23, and ROUND_BITS << 23 vanishes in the shift
        FloatVector scale = (FloatVector) ((IntVector) t.reinterpretAsInts())
                .add(127)
                .lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return er.mul(scale).blend(0f, tiny);
    }

    /** σ(x) = 1/(1 + exp(−x)) lanewise (0 below x = −88 instead of a subnormal, 1 above x = 87.3). */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        return one.div(exp(x.neg()).add(1f)).blend(0f, x.compare(VectorOperators.LT, -MAX_X));
    }

    /** Whether every lane is positive, normal and finite (what {@link #log} takes). */
    static boolean logDomain(FloatVector x) {
        return x.compare(VectorOperators.GE, Float.MIN_NORMAL)
                .and(x.compare(VectorOperators.LT, Float.POSITIVE_INFINITY))
                .allTrue();
    }

    /**
     * log(x) lanewise for positive normal finite x ({@link #logDomain}): Cephes' logf. x = f·2ᵉ with f in [½, 1) from
     * the bits (f &lt; √½: f ← 2f − 1, e ← e − 1; else f ← f − 1), log x = f − f²/2 + f³·Q(f) + e·ln 2 (ln 2 in two
     * parts) with Cephes' degree-8 Q.
     */
    static FloatVector log(FloatVector x) {
        IntVector bits = (IntVector) x.reinterpretAsInts();
        // e + 126 = the biased exponent; as a float through the rounding trick
        FloatVector fe = (FloatVector) bits.lanewise(VectorOperators.LSHR, 23)
                .add(ROUND_BITS)
                .reinterpretAsFloats()
                .sub(ROUND + 126f);
        FloatVector f = (FloatVector) bits.and(0x807FFFFF).or(0x3F000000).reinterpretAsFloats(); // in [1/2, 1)
        VectorMask<Float> small = f.compare(VectorOperators.LT, SQRT_HALF);
        fe = fe.sub(FloatVector.zero(S).blend(1f, small));
        f = f.add(f.blend(0f, small.not())).sub(1f); // 2f − 1 below √½, else f − 1
        FloatVector z = f.mul(f);
        FloatVector q = f.mul(L0)
                .add(L1)
                .mul(f)
                .add(L2)
                .mul(f)
                .add(L3)
                .mul(f)
                .add(L4)
                .mul(f)
                .add(L5)
                .mul(f)
                .add(L6)
                .mul(f)
                .add(L7)
                .mul(f)
                .add(L8);
        FloatVector y = q.mul(f).mul(z).add(fe.mul(LN2_LO)).sub(z.mul(0.5f));
        return f.add(y).add(fe.mul(LN2_HI));
    }

    /** tanh(x) lanewise: Cephes' tanhf (see the class comment); ±1 where |x| &gt; 44. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = x.mul(x);
        FloatVector poly = z.mul(T0)
                .add(T1)
                .mul(z)
                .add(T2)
                .mul(z)
                .add(T3)
                .mul(z)
                .add(T4)
                .mul(z)
                .mul(x)
                .add(x);
        FloatVector big = FloatVector.broadcast(S, 1f)
                .sub(FloatVector.broadcast(S, 2f).div(exp(a.add(a)).add(1f)));
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
        return poly.blend(x, a.compare(VectorOperators.EQ, 0f)) // ±0 stays ±0
                .blend(big, a.compare(VectorOperators.GT, 0.625f));
    }
}
