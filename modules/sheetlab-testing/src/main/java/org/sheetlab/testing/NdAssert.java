package org.sheetlab.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element-wise assertions on INDArrays with a combined absolute and relative tolerance. Non-finite values match only
 * exactly: an infinite expectation needs an infinity of the same sign, NaN matches only NaN, and a finite expectation
 * is never met by NaN or an infinity.
 */
public final class NdAssert {
    private NdAssert() {}

    /**
     * Asserts equal shapes and, for every element, |a − e| ≤ atol + rtol·|e| (finite e) or a = e (infinite e) or a is
     * NaN (NaN e); the message names the worst element.
     */
    public static void assertAllClose(INDArray actual, INDArray expected, double rtol, double atol) {
        assertThat(actual.shape()).as("shape").isEqualTo(expected.shape());
        double[] a = actual.dup('c').data().asDouble();
        double[] e = expected.dup('c').data().asDouble();
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < a.length; i++) {
            double excess = excess(a[i], e[i], rtol, atol);
            if (excess > worstExcess) {
                worst = i;
                worstExcess = excess;
            }
        }
        if (worst >= 0) {
            fail(
                    "arrays differ at flat index %d (shape %s): actual %s, expected %s (rtol %g, atol %g)",
                    worst, Arrays.toString(expected.shape()), a[worst], e[worst], rtol, atol);
        }
    }

    /** {@link #assertAllClose(INDArray, INDArray, double, double)} with rtol 1e-6 and atol 1e-9. */
    public static void assertAllClose(INDArray actual, INDArray expected) {
        assertAllClose(actual, expected, 1e-6, 1e-9);
    }

    /** How far a lies outside the tolerance around e: ≤ 0 inside, +∞ for any mismatch of non-finite values. */
    static double excess(double a, double e, double rtol, double atol) {
        if (Double.isNaN(e) || Double.isNaN(a)) {
            return Double.isNaN(e) && Double.isNaN(a) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (Double.isInfinite(e) || Double.isInfinite(a)) {
            return a == e ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.abs(a - e) - (atol + rtol * Math.abs(e));
    }
}
