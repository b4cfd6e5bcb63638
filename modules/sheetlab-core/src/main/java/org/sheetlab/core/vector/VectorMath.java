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
 *       ln(Float.MIN_NORMAL) ≈ −87.3365 (no subnormal results), +∞ above ln(Float.MAX_VALUE) ≈ 88.7228, NaN for NaN.
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
    /** ln(Float.MAX_VALUE) = 88.72283…: above it exp overflows to +∞. */
    private static final float MAX_X = 88.72283f;
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

    /** exp(x) lanewise: 0 below ln(Float.MIN_NORMAL), +∞ above ln(Float.MAX_VALUE), NaN for NaN. */
    public static FloatVector exp(FloatVector x) {
        VectorMask<Float> tiny = x.compare(VectorOperators.LT, MIN_X);
        VectorMask<Float> huge = x.compare(VectorOperators.GT, MAX_X);
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
        // 2ⁿ = bits (n + 127) << 23 (ROUND_BITS << 23 vanishes in the shift). n = 128 (x above 88.38) would make the
        // scale +∞: there 2ⁿ⁻¹ and one more doubling (exact), so er·2ⁿ stays finite where it is below Float.MAX_VALUE
        VectorMask<Float> top = x.compare(VectorOperators.GT, 88f);
        FloatVector tn = t.sub(FloatVector.zero(SPECIES).blend(1f, top));
        FloatVector scale = (FloatVector) ((IntVector) tn.reinterpretAsInts())
                .add(127)
                .lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return er.mul(scale)
                .mul(FloatVector.broadcast(SPECIES, 1f).blend(2f, top))
                .blend(0f, tiny)
                .blend(Float.POSITIVE_INFINITY, huge);
    }

    /** Whether every lane is positive, normal and finite: the domain where {@link #log} is defined. */
    public static boolean logDomain(FloatVector x) {
        return x.compare(VectorOperators.GE, Float.MIN_NORMAL)
                .and(x.compare(VectorOperators.LT, Float.POSITIVE_INFINITY))
                .allTrue();
    }

    /** log(x) lanewise for positive, normal, finite x (see {@link #logDomain}); other lanes: undefined. */
    public static FloatVector log(FloatVector x) {
        IntVector bits = (IntVector) x.reinterpretAsInts();
        // e + 126 = the biased exponent; as a float through the rounding trick
        FloatVector fe = (FloatVector) bits.lanewise(VectorOperators.LSHR, 23)
                .add(ROUND_BITS)
                .reinterpretAsFloats()
                .sub(ROUND + 126f);
        FloatVector f = (FloatVector) bits.and(0x807FFFFF).or(0x3F000000).reinterpretAsFloats(); // in [1/2, 1)
        VectorMask<Float> small = f.compare(VectorOperators.LT, SQRT_HALF);
        fe = fe.sub(FloatVector.zero(SPECIES).blend(1f, small));
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

    /** The logistic sigmoid 1 / (1 + exp(−x)) lanewise. */
    public static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(SPECIES, 1f).div(exp(x.neg()).add(1f));
    }

    /** tanh(x) lanewise (Cephes' tanhf; see the class comment). */
    public static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs().min(TANH_CLAMP);
        // |x| ≥ 0.625: 1 − 2 / (e^{2|x|} + 1), signed
        FloatVector big = FloatVector.broadcast(SPECIES, 1f)
                .sub(FloatVector.broadcast(SPECIES, 2f).div(exp(a.add(a)).add(1f)));
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
        // |x| < 0.625: x + x·z·R(z), z = x²
        FloatVector z = x.mul(x);
        FloatVector r = z.mul(T0).add(T1).mul(z).add(T2).mul(z).add(T3).mul(z).add(T4);
        FloatVector small = r.mul(z).mul(x).add(x).blend(x, x.compare(VectorOperators.EQ, 0f)); // keeps −0
        // NaN lanes: a is NaN, the compare is false, the small branch (NaN) is taken
        return small.blend(big, x.abs().compare(VectorOperators.GE, TANH_SMALL));
    }
}
