package org.sheetlab.train.fast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorMath}'s exp, σ, log and tanh from plain lane arithmetic against Java's double-precision functions
 * rounded to float: within a few float ulps over their ranges (random arguments and the edges: the exp cut-offs,
 * |x| = 0.625 where tanh changes branch, ±0, the log domain's ends), and the same bits on every call.
 */
class VectorMathTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static float[] apply(UnaryOperator<FloatVector> f, float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i += S.length()) {
            f.apply(FloatVector.fromArray(S, x, i)).intoArray(out, i);
        }
        return out;
    }

    /** x padded to whole vectors (the padding repeats x[0]). */
    private static float[] args(float[] x) {
        int n = (x.length + S.length() - 1) / S.length() * S.length();
        float[] out = new float[n];
        java.util.Arrays.fill(out, x[0]);
        System.arraycopy(x, 0, out, 0, x.length);
        return out;
    }

    /** max over x of |f(x) − ref(x)| in ulps of the reference's float result (an absolute floor {@code atol}). */
    private static double maxUlps(UnaryOperator<FloatVector> f, DoubleUnaryOperator ref, float[] x, double atol) {
        float[] got = apply(f, x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double want = ref.applyAsDouble(x[i]);
            double err = Math.abs(got[i] - want);
            if (err <= atol) {
                continue;
            }
            worst = Math.max(worst, err / Math.ulp((float) want));
        }
        return worst;
    }

    private static float[] uniform(Random r, int n, double lo, double hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return args(x);
    }

    @Test
    void expSigmoidLogAndTanhAreWithinAFewUlps() {
        assertThat(VectorMath.usable()).isTrue();
        Random r = new Random(7);
        assertThat(maxUlps(VectorMath::exp, Math::exp, uniform(r, 100_000, -87.3, 88), 0))
                .isLessThanOrEqualTo(2);
        assertThat(maxUlps(VectorMath::sigmoid, x -> 1 / (1 + Math.exp(-x)), uniform(r, 100_000, -30, 30), 0))
                .isLessThanOrEqualTo(3);
        assertThat(maxUlps(VectorMath::tanh, Math::tanh, uniform(r, 100_000, -10, 10), 0))
                .isLessThanOrEqualTo(3);
        float[] positive = new float[100_000];
        for (int i = 0; i < positive.length; i++) {
            positive[i] = (float) Math.exp(-85 + 170 * r.nextDouble());
        }
        assertThat(maxUlps(VectorMath::log, Math::log, args(positive), 0)).isLessThanOrEqualTo(2);
        assertThat(maxUlps(VectorMath::log, Math::log, uniform(r, 10_000, 1e-5, 1), 0))
                .isLessThanOrEqualTo(2);
        // the edges
        float[] edges = args(new float[] {
            0f, -0f, -87.33f, -87.34f, -100f, 88f, 0.625f, -0.625f, 0.62499f, 0.62501f, 1e-20f, -1e-20f, 20f, -20f, 50f
        });
        float[] e = apply(VectorMath::exp, edges);
        assertThat(e[0]).isEqualTo(1f);
        assertThat(e[3]).isZero(); // below ln(Float.MIN_NORMAL)
        assertThat(e[4]).isZero();
        assertThat(e[5]).isCloseTo((float) Math.exp(88), org.assertj.core.data.Percentage.withPercentage(1e-4));
        assertThat(maxUlps(VectorMath::tanh, Math::tanh, edges, 0)).isLessThanOrEqualTo(3);
        float[] t = apply(VectorMath::tanh, edges);
        assertThat(Float.floatToRawIntBits(t[1])).as("tanh(−0) = −0").isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(t[12]).isEqualTo(1f);
        assertThat(t[13]).isEqualTo(-1f);
        float[] s = apply(VectorMath::sigmoid, args(new float[] {-100f, -88.5f, 100f, 0f}));
        assertThat(s[0]).isZero();
        assertThat(s[1]).isZero();
        assertThat(s[2]).isEqualTo(1f);
        assertThat(s[3]).isEqualTo(0.5f);
        // the log domain
        assertThat(VectorMath.logDomain(FloatVector.broadcast(S, 1e-5f))).isTrue();
        for (float bad : new float[] {0f, Float.MIN_VALUE, -1f, Float.POSITIVE_INFINITY, Float.NaN}) {
            assertThat(VectorMath.logDomain(FloatVector.broadcast(S, bad)))
                    .as("log domain " + bad)
                    .isFalse();
        }
        // the same bits every time (plain arithmetic: the interpreter's and the JIT's agree)
        float[] x = uniform(r, 4096, -20, 20);
        float[] first = apply(VectorMath::sigmoid, x);
        for (int k = 0; k < 2000; k++) {
            apply(VectorMath::sigmoid, x);
        }
        assertThat(apply(VectorMath::sigmoid, x)).containsExactly(first);
    }
}
