package org.sheetlab.core.style;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.testing.DoublePrecision;

/**
 * The Gram matrix on a hand case, and the content, style and total-variation gradients against central differences in
 * DOUBLE (h = 1e-6; |analytic − numeric| ≤ 1e-8 + 1e-6·|numeric|: these losses are smooth polynomials, so the
 * difference's truncation error is ~h² and its rounding error ~1e-10).
 */
@ExtendWith(DoublePrecision.class)
class StyleLossesTest {
    @Test
    void gramMatrixOfAHandCase() {
        // channel 0 = [1 2; 3 4], channel 1 = [0 1; 0 1]: G = [[1+4+9+16, 2+4], [6, 1+1]] = [[30, 6], [6, 2]]
        INDArray a = Nd4j.create(new double[] {1, 2, 3, 4, 0, 1, 0, 1}, new long[] {1, 2, 2, 2}, DataType.DOUBLE);
        INDArray expected = Nd4j.create(new double[] {30, 6, 6, 2}, new long[] {1, 2, 2}, DataType.DOUBLE);
        assertAllClose(GramMatrix.of(a), expected, 0, 1e-12);
        // normalised by C·H·W = 8; a single image [C, H, W] gives [C, C]
        assertAllClose(GramMatrix.normalised(a), expected.div(8), 0, 1e-12);
        assertAllClose(GramMatrix.of(a.reshape(2, 2, 2)), expected.reshape(2, 2), 0, 1e-12);
    }

    @Test
    void gramMatrixIsPerImageInABatch() {
        INDArray a = Nd4j.rand(DataType.DOUBLE, 2, 3, 4, 5);
        INDArray g = GramMatrix.of(a);
        for (int b = 0; b < 2; b++) {
            INDArray m = a.slice(b).reshape(3, 20);
            assertAllClose(g.slice(b), m.mmul(m.transpose()), 1e-12, 1e-12);
        }
    }

    @Test
    void gramBackwardMatchesCentralDifferences() {
        INDArray a = Nd4j.rand(DataType.DOUBLE, 2, 3, 2, 3).subi(0.5);
        INDArray w = Nd4j.rand(DataType.DOUBLE, 2, 3, 3); // L = Σ w ⊙ G (w not symmetric)
        for (boolean normalised : new boolean[] {false, true}) {
            Function<INDArray, Double> loss = x -> (normalised ? GramMatrix.normalised(x) : GramMatrix.of(x))
                    .mul(w)
                    .sumNumber()
                    .doubleValue();
            assertMatchesCentralDifferences(GramMatrix.backward(a, w, normalised), a, loss);
        }
    }

    @Test
    void contentLossValueAndGradient() {
        INDArray g = Nd4j.rand(DataType.DOUBLE, 1, 3, 4, 4);
        INDArray c = Nd4j.rand(DataType.DOUBLE, 1, 3, 4, 4);
        LossTerm t = ContentLoss.of(g, c);
        double byHand = 0;
        for (int i = 0; i < g.length(); i++) {
            double d = g.getDouble(i) - c.getDouble(i);
            byHand += d * d;
        }
        assertThat(t.value()).isCloseTo(byHand / 48, within(1e-12));
        assertMatchesCentralDifferences(
                t.gradient(), g, x -> ContentLoss.of(x, c).value());
    }

    @Test
    void styleLossValueAndGradient() {
        INDArray g = Nd4j.rand(DataType.DOUBLE, 1, 3, 4, 5);
        INDArray s = Nd4j.rand(DataType.DOUBLE, 1, 3, 6, 6); // the style image may have another size
        INDArray target = GramMatrix.normalised(s);
        LossTerm t = StyleLoss.of(g, target);
        INDArray diff = GramMatrix.of(g).div(60).sub(GramMatrix.of(s).div(108));
        assertThat(t.value()).isCloseTo(diff.mul(diff).sumNumber().doubleValue() / 9, within(1e-12));
        assertMatchesCentralDifferences(
                t.gradient(), g, x -> StyleLoss.of(x, target).value());
    }

    @Test
    void totalVariationValueAndGradient() {
        // x = [[0, 1], [3, 5]] (one channel): vertical 3, 4; horizontal 1, 2: (9 + 16 + 1 + 4) / 4 = 7.5
        INDArray x = Nd4j.create(new double[] {0, 1, 3, 5}, new long[] {1, 1, 2, 2}, DataType.DOUBLE);
        assertThat(TotalVariation.of(x).value()).isCloseTo(7.5, within(1e-12));
        INDArray r = Nd4j.rand(DataType.DOUBLE, 1, 3, 4, 5);
        assertMatchesCentralDifferences(
                TotalVariation.of(r).gradient(), r, y -> TotalVariation.of(y).value());
    }

    @Test
    void badShapesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> GramMatrix.of(Nd4j.rand(DataType.DOUBLE, 2, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[B, C, H, W]")
                .hasMessageContaining("not a dense one");
        assertThatThrownBy(() ->
                        ContentLoss.of(Nd4j.rand(DataType.DOUBLE, 1, 2, 3, 3), Nd4j.rand(DataType.DOUBLE, 1, 2, 4, 4)))
                .hasMessageContaining("give the content image the generated image's size");
        assertThatThrownBy(
                        () -> StyleLoss.of(Nd4j.rand(DataType.DOUBLE, 1, 2, 3, 3), Nd4j.rand(DataType.DOUBLE, 1, 3, 3)))
                .hasMessageContaining("same layer");
    }

    /** Every entry of {@code analytic} against (L(x + h e_j) − L(x − h e_j)) / 2h. */
    static void assertMatchesCentralDifferences(INDArray analytic, INDArray x, Function<INDArray, Double> loss) {
        double h = 1e-6;
        INDArray flat = x.dup();
        for (int j = 0; j < flat.length(); j++) {
            double v = flat.getDouble(j);
            flat.putScalar(j, v + h);
            double plus = loss.apply(flat);
            flat.putScalar(j, v - h);
            double minus = loss.apply(flat);
            flat.putScalar(j, v);
            double numeric = (plus - minus) / (2 * h);
            assertThat(analytic.getDouble(j))
                    .as("dL/dx[%d]", j)
                    .isCloseTo(numeric, within(1e-8 + 1e-6 * Math.abs(numeric)));
        }
    }
}
