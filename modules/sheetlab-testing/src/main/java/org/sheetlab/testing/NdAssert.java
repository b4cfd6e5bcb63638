package org.sheetlab.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element-wise assertions on INDArrays.
 *
 * <ul>
 *   <li>{@link #assertBitIdentical(INDArray, INDArray)}: same data type, same shape and the same raw bits in every
 *       element. Use it wherever a test claims "bit-identical" or "exact": AssertJ's {@code isEqualTo} on INDArrays
 *       calls {@code INDArray.equals}, which allows a difference of 1e-5 per element.
 *   <li>{@link #assertAllClose(INDArray, INDArray, double, double)}: a combined absolute and relative tolerance.
 *       Non-finite values match only exactly: an infinite expectation needs an infinity of the same sign, NaN matches
 *       only NaN, and a finite expectation is never met by NaN or an infinity.
 * </ul>
 */
public final class NdAssert {
    private NdAssert() {}

    /**
     * Asserts the same data type, the same shape and, for every element (in row-major order), the same raw bits: for
     * floating types {@code Double.doubleToRawLongBits} of the widened value, which is exact because FLOAT, HALF and
     * BFLOAT16 widen to DOUBLE without rounding; for integer and boolean types the value itself. The message names
     * the first differing flat index, its coordinates, both values and how many elements differ.
     */
    public static void assertBitIdentical(INDArray actual, INDArray expected) {
        if (actual == null || expected == null) {
            if (actual != expected) {
                fail(
                        "one array is null: actual %s, expected %s",
                        actual == null ? "null" : "an array", expected == null ? "null" : "an array");
            }
            return;
        }
        assertThat(actual.dataType()).as("data type").isEqualTo(expected.dataType());
        assertThat(actual.shape()).as("shape").isEqualTo(expected.shape());
        long n = expected.length();
        if (n == 0) {
            return;
        }
        org.nd4j.linalg.api.buffer.DataBuffer a = actual.dup('c').data();
        org.nd4j.linalg.api.buffer.DataBuffer e = expected.dup('c').data();
        boolean floating = expected.dataType().isFPType();
        long first = -1;
        long differing = 0;
        for (long i = 0; i < n; i++) {
            boolean same = floating
                    ? Double.doubleToRawLongBits(a.getDouble(i)) == Double.doubleToRawLongBits(e.getDouble(i))
                    : a.getLong(i) == e.getLong(i);
            if (!same) {
                differing++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (first >= 0) {
            long[] at = org.nd4j.linalg.api.shape.Shape.ind2subC(expected.shape(), first);
            fail(
                    "arrays are not bit-identical: %d of %d elements differ; first at flat index %d %s (shape %s, %s):"
                            + " actual %s, expected %s (difference %s)",
                    differing,
                    n,
                    first,
                    Arrays.toString(at),
                    Arrays.toString(expected.shape()),
                    expected.dataType(),
                    a.getDouble(first),
                    e.getDouble(first),
                    a.getDouble(first) - e.getDouble(first));
        }
    }

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
