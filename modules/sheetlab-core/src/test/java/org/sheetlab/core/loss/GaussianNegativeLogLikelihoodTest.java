package org.sheetlab.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.testing.DoublePrecision;

/** Hand-checkable values of the Gaussian decoder's −log N(x; μ, σ²I); network-level checks are in the VAE tests. */
@ExtendWith(DoublePrecision.class)
class GaussianNegativeLogLikelihoodTest {
    private static final double HALF_LOG_2PI = 0.9189385332046727; // ½ ln 2π

    @Test
    void scoreIsTheNegativeLogDensity() {
        var loss = new GaussianNegativeLogLikelihood(1.0);
        // one example, two outputs: μ = (0.5, 0), x = (1, 0): ½·0.25 + 0 + 2·½ ln 2π
        INDArray mu = Nd4j.createFromArray(new double[][] {{0.5, 0.0}});
        INDArray x = Nd4j.createFromArray(new double[][] {{1.0, 0.0}});
        assertThat(loss.computeScore(x, mu, new ActivationIdentity(), null, true))
                .isCloseTo(0.125 + 2 * HALF_LOG_2PI, within(1e-15));
        // σ = 0.5: (0.25)/(2·0.25) = 0.5, and log σ = −ln 2 per output
        var half = new GaussianNegativeLogLikelihood(0.5);
        assertThat(half.computeScore(x, mu, new ActivationIdentity(), null, true))
                .isCloseTo(0.5 + 2 * (HALF_LOG_2PI - Math.log(2)), within(1e-15));
        // zero pre-output behind a sigmoid is μ = 0.5
        assertThat(loss.computeScore(x, Nd4j.zeros(DataType.DOUBLE, 1, 2), new ActivationSigmoid(), null, true))
                .isCloseTo(0.125 + 0.125 + 2 * HALF_LOG_2PI, within(1e-15));
    }

    @Test
    void gradientIsTheResidualOverSigmaSquaredThroughTheActivation() {
        var loss = new GaussianNegativeLogLikelihood(0.5);
        INDArray x = Nd4j.createFromArray(new double[][] {{1.0, 0.0}, {0.2, 0.4}});
        INDArray pre = Nd4j.createFromArray(new double[][] {{0.5, 0.0}, {0.2, -0.4}});
        INDArray g = loss.computeGradient(x, pre, new ActivationIdentity(), null);
        assertThat(g.toDoubleMatrix()).isDeepEqualTo(new double[][] {{-2.0, 0.0}, {0.0, -3.2}});
        // sigmoid at 0: μ = 0.5, dμ/dz = 0.25, so (0.5 − 1)/0.25 · 0.25 = −0.5
        INDArray gs = loss.computeGradient(
                Nd4j.createFromArray(new double[][] {{1.0}}),
                Nd4j.zeros(DataType.DOUBLE, 1, 1),
                new ActivationSigmoid(),
                null);
        assertThat(gs.getDouble(0)).isCloseTo(-0.5, within(1e-15));
        // a per-example mask removes the example from score and gradient
        INDArray mask = Nd4j.createFromArray(new double[][] {{0.0}, {1.0}});
        assertThat(loss.computeGradient(x, pre, new ActivationIdentity(), mask)
                        .getRow(0)
                        .sumNumber()
                        .doubleValue())
                .isZero();
        assertThat(loss.computeScoreArray(x, pre, new ActivationIdentity(), mask)
                        .getDouble(0))
                .isZero();
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> new GaussianNegativeLogLikelihood(0))
                .hasMessageContaining("sigma must be a finite number > 0");
        var loss = new GaussianNegativeLogLikelihood(1);
        assertThatThrownBy(() -> loss.computeScore(
                        Nd4j.zeros(DataType.DOUBLE, 2, 3),
                        Nd4j.zeros(DataType.DOUBLE, 2, 4),
                        new ActivationIdentity(),
                        null,
                        true))
                .hasMessageContaining("same shape");
    }
}
