package org.sheetlab.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NdAssertTest {
    private static final double INF = Double.POSITIVE_INFINITY;

    private static INDArray a(double... v) {
        return Nd4j.createFromArray(v);
    }

    @Test
    void passesInsideTheCombinedTolerance() {
        assertThatCode(() -> assertAllClose(a(1.0, 100.0, 0.0), a(1.0 + 1e-7, 100.0 + 1e-4, 5e-10)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> assertAllClose(a(0.0), a(1e-12), 0, 0)).isInstanceOf(AssertionError.class);
    }

    @Test
    void failsOutsideTheToleranceNamingTheWorstElement() {
        assertThatThrownBy(() -> assertAllClose(a(1.0, 2.0, 3.0), a(1.0, 2.1, 3.01), 1e-6, 1e-9))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("flat index 1")
                .hasMessageContaining("expected 2.1");
        // the bound is atol + rtol·|e|, not the larger of the two
        assertThatCode(() -> assertAllClose(a(1.0 + 1.5e-6), a(1.0), 1e-6, 1e-6))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> assertAllClose(a(1.0 + 2.5e-6), a(1.0), 1e-6, 1e-6))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void infinitiesMatchOnlyTheSameInfinity() {
        assertThatCode(() -> assertAllClose(a(INF, -INF), a(INF, -INF))).doesNotThrowAnyException();
        assertThatThrownBy(() -> assertAllClose(a(1e308), a(INF), 1, 1))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected Infinity");
        assertThatThrownBy(() -> assertAllClose(a(-INF), a(INF), 1, 1)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertAllClose(a(INF), a(1e308), 1, 1)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertAllClose(a(0.0, INF), a(0.0, 5.0), 1e-6, 1e-9))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("flat index 1");
    }

    @Test
    void nanMatchesOnlyNan() {
        assertThatCode(() -> assertAllClose(a(Double.NaN, 1.0), a(Double.NaN, 1.0)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> assertAllClose(a(Double.NaN), a(1.0), 1, 1)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertAllClose(a(1.0), a(Double.NaN), 1, 1)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertAllClose(a(INF), a(Double.NaN), 1, 1)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertAllClose(a(Double.NaN), a(INF), 1, 1)).isInstanceOf(AssertionError.class);
    }

    @Test
    void shapesMustMatch() {
        assertThatThrownBy(() ->
                        assertAllClose(a(1.0, 2.0).reshape(1, 2), a(1.0, 2.0).reshape(2, 1)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("shape");
    }

    @Test
    void bitIdenticalFailsOnADifferenceFarBelowNd4jsEqualsTolerance() {
        INDArray x = Nd4j.createFromArray(1.0, 2.0, 3.0, 4.0).reshape(2, 2);
        INDArray y = x.dup();
        y.putScalar(1, 0, Math.nextUp(3.0));
        // INDArray.equals (and so AssertJ's isEqualTo) calls these equal; the helper does not
        org.assertj.core.api.Assertions.assertThat(y.equals(x)).isTrue();
        assertThatThrownBy(() -> assertBitIdentical(y, x))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 of 4 elements differ")
                .hasMessageContaining("flat index 2 [1, 0]")
                .hasMessageContaining("expected 3.0");
        assertThatCode(() -> assertBitIdentical(x.dup(), x)).doesNotThrowAnyException();
        // a float one ulp apart, and a column view against its copy
        INDArray f = Nd4j.createFromArray(1f, 2f);
        INDArray g = Nd4j.createFromArray(1f, Math.nextUp(2f));
        assertThatThrownBy(() -> assertBitIdentical(g, f)).isInstanceOf(AssertionError.class);
        assertThatCode(() -> assertBitIdentical(x.getColumn(1), x.getColumn(1).dup('c')))
                .doesNotThrowAnyException();
    }

    @Test
    void bitIdenticalComparesDataTypeShapeSignedZeroAndNan() {
        assertThatThrownBy(() -> assertBitIdentical(a(1.0, 2.0).castTo(DataType.FLOAT), a(1.0, 2.0)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("data type");
        assertThatThrownBy(() -> assertBitIdentical(a(1.0, 2.0).reshape(1, 2), a(1.0, 2.0)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("shape");
        assertThatThrownBy(() -> assertBitIdentical(a(-0.0), a(0.0))).isInstanceOf(AssertionError.class);
        assertThatCode(() -> assertBitIdentical(a(Double.NaN, INF), a(Double.NaN, INF)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> assertBitIdentical(Nd4j.createFromArray(1L, 3L), Nd4j.createFromArray(1L, 2L)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("flat index 1");
    }
}
