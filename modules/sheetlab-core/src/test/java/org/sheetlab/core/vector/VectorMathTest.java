package org.sheetlab.core.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorMath} against the JDK's double-precision functions rounded to float (max error in units in the last
 * place over dense grids), its special values, and its bits before and after the JIT compiles it.
 */
class VectorMathTest {
    private static final int L = VectorMath.SPECIES.length();

    private static float[] apply(UnaryOperator<FloatVector> f, float[] x) {
        float[] y = new float[x.length];
        int i = 0;
        for (; i + L <= x.length; i += L) {
            f.apply(FloatVector.fromArray(VectorMath.SPECIES, x, i)).intoArray(y, i);
        }
        float[] tail = Arrays.copyOf(Arrays.copyOfRange(x, i, x.length), L);
        float[] out = new float[L];
        f.apply(FloatVector.fromArray(VectorMath.SPECIES, tail, 0)).intoArray(out, 0);
        System.arraycopy(out, 0, y, i, x.length - i);
        return y;
    }

    private static float[] grid(float from, float to, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = from + (to - from) * i / (n - 1);
        }
        return x;
    }

    /** The largest |y − ref| in ulps of the reference (rounded to float), skipping references below minRef. */
    private static double maxUlps(float[] x, float[] y, DoubleUnaryOperator ref, double minRef) {
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            float r = (float) ref.applyAsDouble(x[i]);
            if (Math.abs(r) < minRef) {
                continue;
            }
            worst = Math.max(worst, Math.abs((double) y[i] - r) / Math.ulp(r));
        }
        return worst;
    }

    @Test
    void usableOnThisMachine() {
        assertThat(VectorMath.usable()).isTrue();
    }

    @Test
    void expIsWithinTwoUlpsOverItsWholeRange() {
        float[] x = grid(-87.33f, 88f, 1_000_003);
        double ulps = maxUlps(x, apply(VectorMath::exp, x), Math::exp, Float.MIN_NORMAL);
        assertThat(ulps).as("exp, max ulps").isLessThanOrEqualTo(2.0);
        float[] small = grid(-1f, 1f, 200_001);
        assertThat(maxUlps(small, apply(VectorMath::exp, small), Math::exp, 0)).isLessThanOrEqualTo(2.0);
    }

    @Test
    void expSpecialValues() {
        float[] x = {0f, -0f, 1f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, -100f, 100f, 88f, -87.3f
        };
        float[] y = apply(VectorMath::exp, x);
        assertThat(y[0]).isEqualTo(1f);
        assertThat(y[1]).isEqualTo(1f);
        assertThat(y[2]).isCloseTo((float) Math.E, org.assertj.core.data.Offset.offset(Math.ulp((float) Math.E)));
        assertThat(y[3]).isEqualTo(0f);
        assertThat(y[4]).as("clamped to e^88").isEqualTo(y[8]);
        assertThat(y[5]).isNaN();
        assertThat(y[6]).isEqualTo(0f);
        assertThat(y[7]).as("clamped to e^88").isEqualTo(y[8]);
        float e88 = (float) Math.exp(88);
        assertThat(Math.abs((double) y[8] - e88) / Math.ulp(e88)).isLessThanOrEqualTo(2.0);
        float r = (float) Math.exp(-87.3f);
        assertThat(Math.abs((double) y[9] - r) / Math.ulp(r)).isLessThanOrEqualTo(2.0);
    }

    @Test
    void logIsWithinTwoUlpsOverPositiveNormalFloats() {
        // every 97th float bit pattern from Float.MIN_NORMAL to Float.MAX_VALUE, plus [0.5, 2] densely
        int lo = Float.floatToRawIntBits(Float.MIN_NORMAL);
        int hi = Float.floatToRawIntBits(Float.MAX_VALUE);
        int n = (hi - lo) / 97 / 16 + 1;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = Float.intBitsToFloat(lo + i * 97 * 16);
        }
        for (float f : x) {
            assertThat(positiveNormal(f)).as("%s", f).isTrue();
        }
        assertThat(maxUlps(x, apply(VectorMath::log, x), Math::log, 0))
                .as("log, max ulps")
                .isLessThanOrEqualTo(2.0);
        float[] near1 = grid(0.5f, 2f, 300_001);
        assertThat(maxUlps(near1, apply(VectorMath::log, near1), Math::log, 0)).isLessThanOrEqualTo(2.0);
        float[] in = {1f, 2f, (float) Math.E, Float.MIN_NORMAL, Float.MAX_VALUE};
        float[] out = apply(VectorMath::log, in);
        assertThat(out[0]).isEqualTo(0f);
        assertThat(VectorMath.logDomain(FloatVector.broadcast(VectorMath.SPECIES, 0f)))
                .isFalse();
        assertThat(VectorMath.logDomain(FloatVector.broadcast(VectorMath.SPECIES, Float.NaN)))
                .isFalse();
        assertThat(VectorMath.logDomain(FloatVector.broadcast(VectorMath.SPECIES, Float.POSITIVE_INFINITY)))
                .isFalse();
        assertThat(VectorMath.logDomain(FloatVector.broadcast(VectorMath.SPECIES, 3f)))
                .isTrue();
    }

    private static boolean positiveNormal(float f) {
        return f >= Float.MIN_NORMAL && f <= Float.MAX_VALUE;
    }

    @Test
    void tanhIsWithinThreeUlpsAndKeepsItsSpecialValues() {
        float[] x = grid(-10f, 10f, 2_000_001);
        double ulps = maxUlps(x, apply(VectorMath::tanh, x), Math::tanh, 0);
        assertThat(ulps).as("tanh, max ulps").isLessThanOrEqualTo(3.0);
        float[] tiny = grid(-1e-3f, 1e-3f, 100_001);
        assertThat(maxUlps(tiny, apply(VectorMath::tanh, tiny), Math::tanh, 0)).isLessThanOrEqualTo(3.0);
        float[] s = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 50f, -50f, 1e-30f};
        float[] t = apply(VectorMath::tanh, s);
        assertThat(Float.floatToRawIntBits(t[0])).isEqualTo(Float.floatToRawIntBits(0f));
        assertThat(Float.floatToRawIntBits(t[1])).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(t[2]).isEqualTo(1f);
        assertThat(t[3]).isEqualTo(-1f);
        assertThat(t[4]).isNaN();
        assertThat(t[5]).isEqualTo(1f);
        assertThat(t[6]).isEqualTo(-1f);
        assertThat(t[7]).isEqualTo(1e-30f);
    }

    @Test
    void sigmoidIsWithinThreeUlpsWhereItIsNormal() {
        float[] x = grid(-80f, 30f, 2_000_001);
        double ulps = maxUlps(x, apply(VectorMath::sigmoid, x), v -> 1 / (1 + Math.exp(-v)), Float.MIN_NORMAL);
        assertThat(ulps).as("sigmoid, max ulps").isLessThanOrEqualTo(3.0);
        float[] s = {0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 100f, -100f};
        float[] y = apply(VectorMath::sigmoid, s);
        assertThat(y[0]).isEqualTo(0.5f);
        assertThat(y[1]).isEqualTo(1f);
        // 1 / (1 + e^88) below x = −88: 6·10⁻³⁹, under Float.MIN_NORMAL as the exact value (e^−100 = 4·10⁻⁴⁴)
        assertThat(y[2]).isBetween(0f, Float.MIN_NORMAL);
        assertThat(y[3]).isNaN();
        assertThat(y[4]).isEqualTo(1f);
        assertThat(y[5]).isBetween(0f, Float.MIN_NORMAL);
    }

    /**
     * The point of the class: the same bits on the first (interpreted) call and after tens of thousands (compiled by
     * C2), whatever the JVM's vector-stub setting. Fails for lanewise(EXP / TANH / LOG) with the stubs on.
     */
    @Test
    void sameBitsBeforeAndAfterTheJitCompilesThem() {
        float[] x = grid(-20f, 20f, 1 << 16);
        float[] pos = grid(1e-3f, 1e3f, 1 << 16);
        int[][] first = bitsOfAll(x, pos);
        float[] small = grid(-5f, 5f, 1024);
        float[] smallPos = grid(0.01f, 10f, 1024);
        for (int calls : new int[] {1_000, 3_000, 10_000}) {
            for (int k = 0; k < calls; k++) {
                bitsOfAll(small, smallPos);
            }
            int[][] later = bitsOfAll(x, pos);
            for (int f = 0; f < first.length; f++) {
                assertThat(Arrays.mismatch(first[f], later[f]))
                        .as("function %d after %d more calls: first differing element", f, calls)
                        .isEqualTo(-1);
            }
        }
    }

    private static int[][] bitsOfAll(float[] x, float[] pos) {
        return new int[][] {
            bits(apply(VectorMath::exp, x)),
            bits(apply(VectorMath::sigmoid, x)),
            bits(apply(VectorMath::tanh, x)),
            bits(apply(VectorMath::log, pos))
        };
    }

    private static int[] bits(float[] y) {
        int[] b = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            b[i] = Float.floatToRawIntBits(y[i]);
        }
        return b;
    }
}
