package org.sheetlab.core.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, log, sigmoid and tanh over {@link FloatVector}s of {@link FloatVector#SPECIES_PREFERRED}, built from lane
 * arithmetic (add, sub, mul, div, min, max, compares, blends, bit reinterpretations) only.
 *
 * <p><b>Why not {@code lanewise(VectorOperators.EXP / TANH / LOG)}.</b> Measured on JDK 17.0.15 (Intel Xeon, AVX-512),
 * those ops give other last bits once C2 compiles the calling kernel (its vector math stubs) than before (the Java
 * fallback), so a training run's numbers depended on when the JIT compiled a kernel; and with the stubs switched off
 * ({@code -XX:-UseVectorStubs}) they fall back to per-lane scalar code that made the FastLSTM step 3× slower. Every op
 * used here is one IEEE-754 operation with one correctly rounded result, the same interpreted and compiled: same inputs,
 * same bits, at any point of the JVM's life (checked by {@code VectorMathTest}).
 *
 * <p><b>Methods</b> (Cephes' single-precision algorithms; accuracy against the double-precision {@code Math}
 * function rounded to float, measured over a dense grid in {@code VectorMathTest}):
 *
 * <ul>
 *   <li>{@link #exp}: exp(x) = 2ⁿ·e^r with n = round(x·log₂e), r = x − n·ln 2 (ln 2 in two parts, |r| ≤ ½ ln 2),
 *       e^r = 1 + r + r²·P(r) with Cephes' degree-5 P; 2ⁿ assembled in the exponent bits. 0 below
 *       ln(Float.MIN_NORMAL) ≈ −87.3365 (no subnormal results), NaN for NaN; the argument is clamped to 88 (e⁸⁸
 *       above), which is all the sigmoid, tanh, softmax-style and pooling uses need.
 *   <li>{@link #log}: Cephes' logf for positive, normal, finite x (see {@link #logDomain}): x = f·2ᵉ, f in [√½, √2),
 *       log x = (f − 1) − (f − 1)²/2 + (f − 1)³·Q(f − 1) + e·ln 2 with Cephes' degree-8 Q. Other lanes: undefined;
 *       callers check {@link #logDomain} and take {@code Math.log} for such vectors.
 *   <li>{@link #sigmoid}: 1 / (1 + exp(−x)).
 *   <li>{@link #tanh}: Cephes' tanhf: for |x| &lt; 0.625 the odd polynomial x + x³·R(x²) (degree-4 R), above it
 *       sign(x)·(1 − 2 / (exp(2|x|) + 1)); ±1 beyond |x| = 44; tanh(−0) = −0; NaN for NaN.
 * </ul>
 *
 * <p>Float ↔ int conversions go through the 1.5·2²³ trick (adding 12582912f rounds a float of magnitude below 2²² to
 * an integer, which then sits in the low mantissa bits), because {@code convert(F2I/I2F)} is not an intrinsic on the
 * JDK 17 measured (≈ 4 ns per element).
 */
public final class VectorMath {
    /** The species every method works in. */
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Just below ln(Float.MIN_NORMAL) = −87.33654…: above it 2ⁿ stays a normal float (n ≥ −126). */
    private static final float MIN_X = -87.336555f;
    /** exp's argument is clamped to 88 (2ⁿ with n ≤ 127 stays a finite float). */
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
    /** Below it tanh's polynomial branch, above it the exp branch (Cephes). */
    private static final float TANH_SMALL = 0.625f;
    /** Above it 2|x| would leave exp's range; tanh is ±1 in float long before (|x| ≥ 9.01). */
    private static final float TANH_CLAMP = 44f;

    private VectorMath() {}

    /**
     * Whether the int species has as many lanes as {@link #SPECIES} (the exponent bit tricks need it; true on every
     * JVM with the preferred species of 128, 256 or 512 bits).
     */
    public static boolean usable() {
        return SPECIES.length() == IntVector.SPECIES_PREFERRED.length();
    }

    private static FloatVector v(float c) {
        return FloatVector.broadcast(SPECIES, c);
    }

    // Every constant as a vector: an op with a scalar argument (x.mul(2f)) broadcasts it inside the Vector API, and
    // in a kernel that calls tanh → exp the JIT then hit its inlining depth limit (MaxInlineLevel) at the broadcast,
    // which left the ops uncompiled to vector instructions (measured: exp 2.2 against 0.4 ns per element)
    private static final FloatVector ZERO = v(0f);
    private static final FloatVector ONE = v(1f);
    private static final FloatVector TWO = v(2f);
    private static final FloatVector HALF = v(0.5f);
    private static final FloatVector INF = v(Float.POSITIVE_INFINITY);
    private static final FloatVector V_MIN_X = v(MIN_X);
    private static final FloatVector V_MAX_X = v(MAX_X);
    private static final FloatVector V_LOG2E = v(LOG2E);
    private static final FloatVector V_ROUND = v(ROUND);
    private static final FloatVector V_LN2_HI = v(LN2_HI);
    private static final FloatVector V_LN2_LO = v(LN2_LO);
    private static final FloatVector V_P0 = v(P0);
    private static final FloatVector V_P1 = v(P1);
    private static final FloatVector V_P2 = v(P2);
    private static final FloatVector V_P3 = v(P3);
    private static final FloatVector V_P4 = v(P4);
    private static final FloatVector V_P5 = v(P5);
    private static final FloatVector V_MIN_NORMAL = v(Float.MIN_NORMAL);
    private static final FloatVector V_SQRT_HALF = v(SQRT_HALF);
    private static final FloatVector V_LOG_BIAS = v(ROUND + 126f);
    private static final FloatVector V_L0 = v(L0);
    private static final FloatVector V_L1 = v(L1);
    private static final FloatVector V_L2 = v(L2);
    private static final FloatVector V_L3 = v(L3);
    private static final FloatVector V_L4 = v(L4);
    private static final FloatVector V_L5 = v(L5);
    private static final FloatVector V_L6 = v(L6);
    private static final FloatVector V_L7 = v(L7);
    private static final FloatVector V_L8 = v(L8);
    private static final FloatVector V_T0 = v(T0);
    private static final FloatVector V_T1 = v(T1);
    private static final FloatVector V_T2 = v(T2);
    private static final FloatVector V_T3 = v(T3);
    private static final FloatVector V_T4 = v(T4);
    private static final FloatVector V_TANH_SMALL = v(TANH_SMALL);
    private static final FloatVector V_TANH_CLAMP = v(TANH_CLAMP);
    private static final IntVector I_127 = IntVector.broadcast(IntVector.SPECIES_PREFERRED, 127);
    private static final IntVector I_ROUND_BITS = IntVector.broadcast(IntVector.SPECIES_PREFERRED, ROUND_BITS);
    private static final IntVector I_MANTISSA = IntVector.broadcast(IntVector.SPECIES_PREFERRED, 0x807FFFFF);
    private static final IntVector I_HALF_EXP = IntVector.broadcast(IntVector.SPECIES_PREFERRED, 0x3F000000);

    /**
     * exp(x) lanewise for x ≤ 88: 0 below ln(Float.MIN_NORMAL), NaN for NaN; the argument is clamped to 88 (e⁸⁸ ≈
     * 1.65·10³⁸ for every larger x, +∞ included), where {@link #sigmoid} and {@link #tanh} no longer change.
     */
    public static FloatVector exp(FloatVector x) {
        VectorMask<Float> tiny = x.compare(VectorOperators.LT, V_MIN_X);
        x = x.max(V_MIN_X).min(V_MAX_X);
        FloatVector t = x.mul(V_LOG2E).add(V_ROUND); // n = round(x·log₂e) in the low mantissa bits
        FloatVector fn = t.sub(V_ROUND);
        FloatVector r = x.sub(fn.mul(V_LN2_HI)).sub(fn.mul(V_LN2_LO));
        FloatVector r2 = r.mul(r);
        FloatVector p = r.mul(V_P0)
                .add(V_P1)
                .mul(r)
                .add(V_P2)
                .mul(r)
                .add(V_P3)
                .mul(r)
                .add(V_P4)
                .mul(r)
                .add(V_P5);
        FloatVector er = p.mul(r2).add(r).add(ONE);
        // 2ⁿ = bits (n + 127) << 23 (ROUND_BITS << 23 vanishes in the shift); n ≤ 127 for x ≤ 88
        FloatVector scale = (FloatVector) ((IntVector) t.reinterpretAsInts())
                .add(I_127)
                .lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return er.mul(scale).blend(ZERO, tiny);
    }

    /** Whether every lane is positive, normal and finite: the domain where {@link #log} is defined. */
    public static boolean logDomain(FloatVector x) {
        return x.compare(VectorOperators.GE, V_MIN_NORMAL)
                .and(x.compare(VectorOperators.LT, INF))
                .allTrue();
    }

    /** log(x) lanewise for positive, normal, finite x (see {@link #logDomain}); other lanes: undefined. */
    public static FloatVector log(FloatVector x) {
        IntVector bits = (IntVector) x.reinterpretAsInts();
        // e + 126 = the biased exponent; as a float through the rounding trick
        FloatVector fe = ((FloatVector) bits.lanewise(VectorOperators.LSHR, 23)
                        .add(I_ROUND_BITS)
                        .reinterpretAsFloats())
                .sub(V_LOG_BIAS);
        FloatVector f = (FloatVector) bits.and(I_MANTISSA).or(I_HALF_EXP).reinterpretAsFloats(); // in [1/2, 1)
        VectorMask<Float> small = f.compare(VectorOperators.LT, V_SQRT_HALF);
        fe = fe.sub(ZERO.blend(ONE, small));
        f = f.add(f.blend(ZERO, small.not())).sub(ONE); // 2f − 1 below √½, else f − 1
        FloatVector z = f.mul(f);
        FloatVector q = f.mul(V_L0)
                .add(V_L1)
                .mul(f)
                .add(V_L2)
                .mul(f)
                .add(V_L3)
                .mul(f)
                .add(V_L4)
                .mul(f)
                .add(V_L5)
                .mul(f)
                .add(V_L6)
                .mul(f)
                .add(V_L7)
                .mul(f)
                .add(V_L8);
        FloatVector y = q.mul(f).mul(z).add(fe.mul(V_LN2_LO)).sub(z.mul(HALF));
        return f.add(y).add(fe.mul(V_LN2_HI));
    }

    /** The logistic sigmoid 1 / (1 + exp(−x)) lanewise. */
    public static FloatVector sigmoid(FloatVector x) {
        return ONE.div(exp(x.neg()).add(ONE));
    }

    /** tanh(x) lanewise (Cephes' tanhf; see the class comment). */
    public static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector a = ax.min(V_TANH_CLAMP);
        // |x| ≥ 0.625: 1 − 2 / (e^{2|x|} + 1), signed
        FloatVector big = ONE.sub(TWO.div(exp(a.add(a)).add(ONE)));
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, ZERO));
        // |x| < 0.625: x + x·z·R(z), z = x²; x itself at ±0 (keeps −0)
        FloatVector z = x.mul(x);
        FloatVector r =
                z.mul(V_T0).add(V_T1).mul(z).add(V_T2).mul(z).add(V_T3).mul(z).add(V_T4);
        FloatVector small = r.mul(z).mul(x).add(x).blend(x, x.compare(VectorOperators.EQ, ZERO));
        // NaN lanes: the compare is false, the small branch (NaN) is taken
        return small.blend(big, ax.compare(VectorOperators.GE, V_TANH_SMALL));
    }
}
