package org.sheetlab.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Element-wise assertions on INDArrays with a combined absolute and relative tolerance. */
public final class NdAssert {
    private NdAssert() {}

    /** Asserts equal shapes and |a − e| ≤ atol + rtol·|e| for every element; the message names the worst element. */
    public static void assertAllClose(INDArray actual, INDArray expected, double rtol, double atol) {
        assertThat(actual.shape()).as("shape").isEqualTo(expected.shape());
        double[] a = actual.dup('c').data().asDouble();
        double[] e = expected.dup('c').data().asDouble();
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < a.length; i++) {
            double excess = Math.abs(a[i] - e[i]) - (atol + rtol * Math.abs(e[i]));
            if (Double.isNaN(a[i]) != Double.isNaN(e[i]) || excess > worstExcess) {
                worst = i;
                worstExcess = Double.isNaN(excess) ? Double.POSITIVE_INFINITY : excess;
            }
        }
        if (worst >= 0) {
            fail("arrays differ at flat index %d (shape %s): actual %s, expected %s (rtol %g, atol %g)", worst,
                    Arrays.toString(expected.shape()), a[worst], e[worst], rtol, atol);
        }
    }

    /** {@link #assertAllClose(INDArray, INDArray, double, double)} with rtol 1e-6 and atol 1e-9 (double precision). */
    public static void assertAllClose(INDArray actual, INDArray expected) {
        assertAllClose(actual, expected, 1e-6, 1e-9);
    }
}
