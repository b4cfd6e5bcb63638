package org.sheetlab.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.ReferenceValues;

@ExtendWith(DoublePrecision.class)
class FrechetDistanceTest {
    @Test
    void zeroForTheSameSetAndTheClosedFormInOneDimension() {
        Nd4j.getRandom().setSeed(1);
        INDArray a = Nd4j.randn(DataType.DOUBLE, 500, 4);
        assertThat(FrechetDistance.of(a, a)).isCloseTo(0.0, within(1e-9));
        // 1-D: d² = (μ₁ − μ₂)² + (σ₁ − σ₂)²; samples {0, 2} (μ 1, σ² 2) and {3, 7} (μ 5, σ² 8)
        INDArray x = Nd4j.createFromArray(new double[][] {{0}, {2}});
        INDArray y = Nd4j.createFromArray(new double[][] {{3}, {7}});
        double expected = 16 + Math.pow(Math.sqrt(2) - Math.sqrt(8), 2);
        assertThat(FrechetDistance.of(x, y)).isCloseTo(expected, within(1e-9));
    }

    /** Diagonal covariances: d² = ‖μ₁ − μ₂‖² + Σᵢ (σ₁ᵢ − σ₂ᵢ)², and symmetric in its arguments. */
    @Test
    void diagonalCaseAndSymmetry() {
        Nd4j.getRandom().setSeed(2);
        INDArray z = Nd4j.randn(DataType.DOUBLE, 4000, 3);
        INDArray a = z.mulRowVector(Nd4j.createFromArray(1.0, 2.0, 0.5));
        INDArray b = Nd4j.randn(DataType.DOUBLE, 4000, 3)
                .mulRowVector(Nd4j.createFromArray(3.0, 1.0, 0.5))
                .addiRowVector(Nd4j.createFromArray(1.0, 0.0, -2.0));
        double expected = 1 + 4 + Math.pow(1 - 3, 2) + Math.pow(2 - 1, 2) + 0;
        assertThat(FrechetDistance.of(a, b)).isCloseTo(expected, within(0.35)); // sampling error of 4,000 draws
        assertThat(FrechetDistance.of(a, b)).isCloseTo(FrechetDistance.of(b, a), within(1e-8));
        INDArray s = FrechetDistance.covariance(a, a.mean(0));
        INDArray r = FrechetDistance.sqrtSymmetric(s);
        assertThat(r.mmul(r).sub(s).amaxNumber().doubleValue()).isLessThan(1e-9);
        assertThatThrownBy(() -> FrechetDistance.of(a, Nd4j.zeros(5, 2))).hasMessageContaining("same d");
    }

    /**
     * d² on fixed feature sets (3–6 features, 7–30 samples, one pair with nearly collinear features) against
     * reference/frechet.py: scipy's ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 sqrtm(Σ₁Σ₂)), and the same formula in 40-digit
     * arithmetic, both to 1e-10; in both argument orders.
     */
    @Test
    void matchesScipysSqrtmFormulaOnFixedSets() {
        var ref = ReferenceValues.load("/reference/frechet.json");
        assertThat(ref.cases()).hasSize(4);
        for (JsonNode c : ref.cases()) {
            INDArray a = ReferenceValues.array(c.get("a"));
            INDArray b = ReferenceValues.array(c.get("b"));
            String note = c.get("note").asText();
            double ab = FrechetDistance.of(a, b);
            double ba = FrechetDistance.of(b, a);
            assertThat(ab).as(note).isCloseTo(c.get("d2").asDouble(), within(1e-10));
            assertThat(ab).as(note + ", scipy").isCloseTo(c.get("d2_scipy").asDouble(), within(1e-10));
            assertThat(ba).as(note + ", reversed").isCloseTo(c.get("d2_ba").asDouble(), within(1e-10));
            assertThat(ba)
                    .as(note + ", reversed, scipy")
                    .isCloseTo(c.get("d2_scipy_ba").asDouble(), within(1e-10));
        }
    }
}
