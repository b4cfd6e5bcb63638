package org.sheetlab.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.testing.DoublePrecision;

@ExtendWith(DoublePrecision.class)
class GaussianKlTest {
    @Test
    void zeroExactlyAtThePriorAndAHandCheckedValue() {
        INDArray zero = Nd4j.zeros(DataType.DOUBLE, 3, 4);
        assertThat(GaussianKl.perExample(zero, zero).amaxNumber().doubleValue()).isEqualTo(0.0);
        // μ = (1, 0), σ² = (1, e): −½[(1 + 0 − 1 − 1) + (1 + 1 − 0 − e)] = −½(−1 + 2 − e) = (e − 1)/2
        INDArray mu = Nd4j.createFromArray(new double[][] {{1, 0}});
        INDArray logVar = Nd4j.createFromArray(new double[][] {{0, 1}});
        assertThat(GaussianKl.perExample(mu, logVar).getDouble(0)).isCloseTo((Math.E - 1) / 2, within(1e-15));
        assertThat(GaussianKl.gradMu(mu, logVar).toDoubleVector()).containsExactly(1, 0);
        assertThat(GaussianKl.gradLogVar(mu, logVar).toDoubleVector())
                .containsExactly(new double[] {0, (Math.E - 1) / 2}, org.assertj.core.data.Offset.offset(1e-15));
    }

    /** KL = E_q[log q(z) − log p(z)], estimated with 200,000 samples z = μ + σε: within 4 standard errors. */
    @Test
    void closedFormEqualsAMonteCarloEstimate() {
        Random r = new Random(7);
        for (int trial = 0; trial < 5; trial++) {
            int k = 3;
            double[] mu = new double[k];
            double[] logVar = new double[k];
            for (int j = 0; j < k; j++) {
                mu[j] = r.nextGaussian();
                logVar[j] = r.nextGaussian();
            }
            int n = 200_000;
            double sum = 0;
            double sumSq = 0;
            for (int s = 0; s < n; s++) {
                double d = 0;
                for (int j = 0; j < k; j++) {
                    double sigma = Math.exp(0.5 * logVar[j]);
                    double e = r.nextGaussian();
                    double z = mu[j] + sigma * e;
                    // log N(z; μ, σ²) − log N(z; 0, 1)
                    d += -0.5 * logVar[j] - 0.5 * e * e + 0.5 * z * z;
                }
                sum += d;
                sumSq += d * d;
            }
            double mean = sum / n;
            double se = Math.sqrt((sumSq / n - mean * mean) / n);
            double closed = GaussianKl.perExample(
                            Nd4j.createFromArray(new double[][] {mu}), Nd4j.createFromArray(new double[][] {logVar}))
                    .getDouble(0);
            assertThat(closed).as("trial %d", trial).isCloseTo(mean, within(4 * se));
        }
    }

    @Test
    void shapesMustAgree() {
        assertThatThrownBy(() -> GaussianKl.perExample(Nd4j.zeros(2, 3), Nd4j.zeros(2, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[B, k]");
    }
}
