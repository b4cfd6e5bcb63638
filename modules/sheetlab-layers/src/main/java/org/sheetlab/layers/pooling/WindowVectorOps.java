package org.sheetlab.layers.pooling;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.sheetlab.core.vector.VectorMath;

/**
 * {@link FloatWindowKernel}'s vectorised pieces with the JDK's Vector API (jdk.incubator.vector): elementwise exp and
 * log over float arrays, and the 2×2/stride-2 reductions over the four window positions kept as four arrays (see
 * {@link FloatWindowKernel}). Loaded only when the JVM runs with {@code --add-modules jdk.incubator.vector}
 * ({@link FloatWindowKernel#VECTOR_API}); otherwise the kernel's scalar loops run.
 *
 * <p>Only lane arithmetic, compares, blends and reinterpretations, which the JIT compiles to AVX instructions; exp and
 * log are {@link VectorMath}'s (Cephes' single-precision methods from lane arithmetic, the same bits interpreted and
 * compiled), not the lanewise {@code VectorOperators.EXP}/{@code LOG} (see {@link VectorMath} for why).
 */
final class WindowVectorOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** The magnitude range where p-pooling's float sums of squares (cubes) are exact to float rounding. */
    private static final float P2_MIN = 0x1p-50f;

    private static final float P2_MAX = 0x1p60f;
    private static final float P3_MIN = 0x1p-30f;
    private static final float P3_MAX = 0x1p40f;

    private WindowVectorOps() {}

    /** Whether the float and int species have the same lane count (the exponent trick needs it). */
    static boolean usable() {
        return VectorMath.usable();
    }

    /** exp(x) lanewise ({@link VectorMath#exp}). */
    private static FloatVector exp(FloatVector x) {
        return VectorMath.exp(x);
    }

    /** log(x) lanewise for positive normal finite x ({@link VectorMath#log}). */
    private static FloatVector log(FloatVector x) {
        return VectorMath.log(x);
    }

    private static boolean logDomain(FloatVector x) {
        return VectorMath.logDomain(x);
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
