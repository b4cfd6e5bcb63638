package org.sheetlab.layers.pooling;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatWindowKernel}'s vectorised pieces with the JDK's Vector API (jdk.incubator.vector): elementwise exp and
 * log over float arrays, and the 2×2/stride-2 reductions over the four window positions kept as four arrays (see
 * {@link FloatWindowKernel}). Loaded only when the JVM runs with {@code --add-modules jdk.incubator.vector}
 * ({@link FloatWindowKernel#VECTOR_API}); otherwise the kernel's scalar loops run.
 *
 * <p>Only lane arithmetic, compares, blends and reinterpretations, which the JIT compiles to AVX instructions. Not the
 * lanewise {@code VectorOperators.EXP}/{@code LOG}: on the JDK 17 measured here (Debian 17.0.15) they are not
 * intrinsics and cost more than scalar {@code Math.exp}. Not {@code convert(F2I)}/{@code convert(I2F)} either: on the
 * same JDK they are not intrinsics (≈ 4 ns per element on an AVX-512 Xeon, 30× the lane arithmetic), so float ↔ int
 * goes through the 1.5·2²³ trick (adding 12582912f rounds a float of magnitude below 2²² to an integer, which then
 * sits in the low mantissa bits).
 *
 * <p>exp: the Cephes single-precision method, exp(x) = 2ⁿ·e^r with n = round(x·log₂e) and r = x − n·ln 2 (ln 2 split in
 * two parts, |r| ≤ ½ ln 2), e^r = 1 + r + r²·P(r) with Cephes' degree-5 minimax P (within 2 ulps of the float
 * result), and 2ⁿ assembled in the exponent bits; for x ≤ 88 (in use: window values minus the window's maximum, and
 * the cube root's first guess). Below ln(Float.MIN_NORMAL) ≈ −87.3365 the result is 0 (the exact value is under
 * float's smallest normal there). log: Cephes' logf (below).
 */
final class WindowVectorOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Just below ln(Float.MIN_NORMAL) = −87.33654…: above it 2ⁿ stays a normal float (n ≥ −126). */
    private static final float MIN_X = -87.336555f;
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

    /** The magnitude range where p-pooling's float sums of squares (cubes) are exact to float rounding. */
    private static final float P2_MIN = 0x1p-50f;

    private static final float P2_MAX = 0x1p60f;
    private static final float P3_MIN = 0x1p-30f;
    private static final float P3_MAX = 0x1p40f;

    private WindowVectorOps() {}

    /** Whether the float and int species have the same lane count (the exponent trick needs it). */
    static boolean usable() {
        return S.length() == I.length();
    }

    /** exp(x) lanewise, for x ≤ 88; 0 below ln(Float.MIN_NORMAL). */
    private static FloatVector exp(FloatVector x) {
        var tiny = x.compare(VectorOperators.LT, MIN_X);
        x = x.max(MIN_X);
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

    /**
     * log(x) lanewise for positive normal finite x: Cephes' single-precision logf. x = f·2ᵉ with f in [½, 1) from the
     * bits (f &lt; √½: f ← 2f − 1, e ← e − 1; else f ← f − 1), log x = f − f²/2 + f³·Q(f) + e·ln 2 (ln 2 in two parts)
     * with Cephes' degree-8 Q.
     */
    private static FloatVector log(FloatVector x) {
        IntVector bits = (IntVector) x.reinterpretAsInts();
        // e + 126 = the biased exponent; as a float through the rounding trick
        FloatVector fe = (FloatVector) bits.lanewise(VectorOperators.LSHR, 23)
                .add(ROUND_BITS)
                .reinterpretAsFloats()
                .sub(ROUND + 126f);
        FloatVector f = (FloatVector) bits.and(0x807FFFFF).or(0x3F000000).reinterpretAsFloats(); // in [1/2, 1)
        var small = f.compare(VectorOperators.LT, SQRT_HALF);
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

    /** Whether every lane is positive, normal and finite (what {@link #log(FloatVector)} takes). */
    private static boolean logDomain(FloatVector x) {
        return x.compare(VectorOperators.GE, Float.MIN_NORMAL)
                .and(x.compare(VectorOperators.LT, Float.POSITIVE_INFINITY))
                .allTrue();
    }

    /** a[i] = exp(a[i]) for i in [from, to), for a[i] ≤ 0. */
    static void exp(float[] a, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += S.length()) {
            exp(FloatVector.fromArray(S, a, i)).intoArray(a, i);
        }
        for (; i < to; i++) {
            a[i] = (float) Math.exp(a[i]);
        }
    }

    /**
     * a[i] = log(a[i]) for i in [from, to). A vector of lanes that are not all positive, normal and finite (zero,
     * subnormals, infinities, NaN) is computed with scalar {@code Math.log} instead.
     */
    static void log(float[] a, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            if (!logDomain(x)) {
                for (int j = i; j < i + S.length(); j++) {
                    a[j] = (float) Math.log(a[j]);
                }
                continue;
            }
            log(x).intoArray(a, i);
        }
        for (; i < to; i++) {
            a[i] = (float) Math.log(a[i]);
        }
    }

    /** 1/v lanewise, 0 where v is 0 (an all-zero window has gradient 0). */
    private static FloatVector invOrZero(FloatVector v) {
        return FloatVector.broadcast(S, 1f).div(v).blend(0f, v.compare(VectorOperators.EQ, 0f));
    }

    /** Whether every lane's window maximum is 0 or in [min, max]. */
    private static boolean inRange(FloatVector amax, float min, float max) {
        VectorMask<Float> ok = amax.compare(VectorOperators.LE, max)
                .and(amax.compare(VectorOperators.GE, min).or(amax.compare(VectorOperators.EQ, 0f)));
        return ok.allTrue();
    }

    /**
     * The 2×2 windows [base, base + len) of g (the four positions at offsets 0, len, 2·len, 3·len): y[o] and, in
     * place, the partials, for p = 2. Lanes in float where every window's largest magnitude is 0 or in [2⁻⁵⁰, 2⁶⁰]
     * (no square overflows, a square that underflows is below float rounding of the sum); other vectors and the tail
     * through {@link FloatWindowKernel#p2Window}.
     */
    static void p2(float[] g, int base, int len, float[] y) {
        int o = 0;
        for (int bound = S.loopBound(len); o < bound; o += S.length()) {
            int k = base + o;
            FloatVector a = FloatVector.fromArray(S, g, k);
            FloatVector b = FloatVector.fromArray(S, g, k + len);
            FloatVector c = FloatVector.fromArray(S, g, k + 2 * len);
            FloatVector d = FloatVector.fromArray(S, g, k + 3 * len);
            FloatVector amax = a.abs().max(b.abs()).max(c.abs().max(d.abs()));
            if (!inRange(amax, P2_MIN, P2_MAX)) {
                for (int j = o; j < o + S.length(); j++) {
                    FloatWindowKernel.p2Window(g, base + j, len, y, j);
                }
                continue;
            }
            FloatVector yo = a.mul(a).add(b.mul(b)).add(c.mul(c)).add(d.mul(d)).sqrt();
            yo.intoArray(y, o);
            FloatVector inv = invOrZero(yo);
            a.mul(inv).intoArray(g, k);
            b.mul(inv).intoArray(g, k + len);
            c.mul(inv).intoArray(g, k + 2 * len);
            d.mul(inv).intoArray(g, k + 3 * len);
        }
        for (; o < len; o++) {
            FloatWindowKernel.p2Window(g, base + o, len, y, o);
        }
    }

    /**
     * As {@link #p2} for p = 3, lanes in float where every window's largest magnitude is 0 or in [2⁻³⁰, 2⁴⁰]. The cube
     * root: exp(log(s)/3) (within ≈ 2·10⁻⁶), then one Halley step y ← y·(y³ + 2s)/(2y³ + s), which cubes the relative
     * error, leaving float rounding.
     */
    static void p3(float[] g, int base, int len, float[] y) {
        int o = 0;
        for (int bound = S.loopBound(len); o < bound; o += S.length()) {
            int k = base + o;
            FloatVector a = FloatVector.fromArray(S, g, k);
            FloatVector b = FloatVector.fromArray(S, g, k + len);
            FloatVector c = FloatVector.fromArray(S, g, k + 2 * len);
            FloatVector d = FloatVector.fromArray(S, g, k + 3 * len);
            FloatVector aa = a.abs();
            FloatVector ab = b.abs();
            FloatVector ac = c.abs();
            FloatVector ad = d.abs();
            FloatVector amax = aa.max(ab).max(ac.max(ad));
            if (!inRange(amax, P3_MIN, P3_MAX)) {
                for (int j = o; j < o + S.length(); j++) {
                    FloatWindowKernel.p3Window(g, base + j, len, y, j);
                }
                continue;
            }
            FloatVector s = aa.mul(aa)
                    .mul(aa)
                    .add(ab.mul(ab).mul(ab))
                    .add(ac.mul(ac).mul(ac))
                    .add(ad.mul(ad).mul(ad));
            var zero = s.compare(VectorOperators.EQ, 0f);
            FloatVector s1 = s.blend(1f, zero); // log's domain; those lanes end as 0
            FloatVector r = exp(log(s1).mul(1f / 3f));
            FloatVector r3 = r.mul(r).mul(r);
            FloatVector yo = r.mul(r3.add(s1.mul(2f))).div(r3.mul(2f).add(s1)).blend(0f, zero);
            yo.intoArray(y, o);
            FloatVector inv = invOrZero(yo.mul(yo));
            a.mul(aa).mul(inv).intoArray(g, k);
            b.mul(ab).mul(inv).intoArray(g, k + len);
            c.mul(ac).mul(inv).intoArray(g, k + 2 * len);
            d.mul(ad).mul(inv).intoArray(g, k + 3 * len);
        }
        for (; o < len; o++) {
            FloatWindowKernel.p3Window(g, base + o, len, y, o);
        }
    }

    /**
     * As {@link #p2} for log-average pooling: m = the window's maximum, eᵢ = exp(xᵢ − m), y = m + log(Σ eᵢ/4), partials
     * eᵢ/Σ eⱼ. Vectors with a non-finite maximum (infinite or NaN input) and the tail through
     * {@link FloatWindowKernel#logAverageWindow}.
     */
    static void logAverage(float[] g, int base, int len, float[] y) {
        int o = 0;
        for (int bound = S.loopBound(len); o < bound; o += S.length()) {
            int k = base + o;
            FloatVector a = FloatVector.fromArray(S, g, k);
            FloatVector b = FloatVector.fromArray(S, g, k + len);
            FloatVector c = FloatVector.fromArray(S, g, k + 2 * len);
            FloatVector d = FloatVector.fromArray(S, g, k + 3 * len);
            FloatVector m = a.max(b).max(c.max(d));
            if (!m.compare(VectorOperators.LT, Float.POSITIVE_INFINITY)
                    .and(m.compare(VectorOperators.GT, Float.NEGATIVE_INFINITY))
                    .allTrue()) {
                for (int j = o; j < o + S.length(); j++) {
                    FloatWindowKernel.logAverageWindow(g, base + j, len, y, j);
                }
                continue;
            }
            FloatVector ea = exp(a.sub(m));
            FloatVector eb = exp(b.sub(m));
            FloatVector ec = exp(c.sub(m));
            FloatVector ed = exp(d.sub(m));
            FloatVector s = ea.add(eb).add(ec).add(ed); // in [1, 4]
            m.add(log(s.mul(0.25f))).intoArray(y, o);
            FloatVector inv = FloatVector.broadcast(S, 1f).div(s);
            ea.mul(inv).intoArray(g, k);
            eb.mul(inv).intoArray(g, k + len);
            ec.mul(inv).intoArray(g, k + 2 * len);
            ed.mul(inv).intoArray(g, k + 3 * len);
        }
        for (; o < len; o++) {
            FloatWindowKernel.logAverageWindow(g, base + o, len, y, o);
        }
    }
}
