package org.sheetlab.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.testing.DoublePrecision;

@ExtendWith(DoublePrecision.class)
class GanLossesTest {
    private static final double[] REAL = {0.8, 0.6};
    private static final double[] FAKE = {0.3, 0.1};

    @Test
    void theLossesAreTheMinMaxObjectiveOnFixedNumbers() {
        double v = (Math.log(0.8) + Math.log(0.6)) / 2 + (Math.log(0.7) + Math.log(0.9)) / 2;
        assertThat(GanLosses.value(REAL, FAKE)).isCloseTo(v, within(1e-15));
        assertThat(GanLosses.discriminator(REAL, FAKE, 1, 0)).isCloseTo(-v, within(1e-15)); // D maximises V
        assertThat(GanLosses.generator(FAKE, true)).isCloseTo((Math.log(0.7) + Math.log(0.9)) / 2, within(1e-15));
        assertThat(GanLosses.generator(FAKE, false)).isCloseTo(-(Math.log(0.3) + Math.log(0.1)) / 2, within(1e-15));
        // one-sided smoothing (real target 0.9): −mean(0.9 log d + 0.1 log(1 − d)) over the reals, fakes unchanged
        double smoothed =
                -((0.9 * Math.log(0.8) + 0.1 * Math.log(0.2)) + (0.9 * Math.log(0.6) + 0.1 * Math.log(0.4))) / 2
                        - (Math.log(0.7) + Math.log(0.9)) / 2;
        assertThat(GanLosses.discriminator(REAL, FAKE, 0.9, 0)).isCloseTo(smoothed, within(1e-15));
        assertThatThrownBy(() -> GanLosses.value(new double[] {1.0}, FAKE)).hasMessageContaining("(0, 1)");
    }

    /** The DL4J loss: mean log(1 − σ(a)) and its gradient −σ(a) (= −1/(1 − p) · p(1 − p)), against the closed form. */
    @Test
    void theSaturatingLossAsADl4jLossMatchesTheClosedFormAndItsGradient() {
        INDArray pre = Nd4j.createFromArray(new double[][] {{Math.log(0.3 / 0.7)}, {Math.log(0.1 / 0.9)}});
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 2, 1);
        SaturatingGeneratorLoss loss = new SaturatingGeneratorLoss();
        assertThat(loss.computeScore(labels, pre, new ActivationSigmoid(), null, true))
                .isCloseTo(GanLosses.generator(FAKE, true), within(1e-12));
        INDArray g = loss.computeGradient(labels, pre, new ActivationSigmoid(), null);
        assertThat(g.getDouble(0, 0)).isCloseTo(-0.3, within(1e-12));
        assertThat(g.getDouble(1, 0)).isCloseTo(-0.1, within(1e-12));
        // central differences on the score
        double h = 1e-6;
        for (int i = 0; i < 2; i++) {
            INDArray plus = pre.dup();
            plus.putScalar(i, 0, pre.getDouble(i, 0) + h);
            INDArray minus = pre.dup();
            minus.putScalar(i, 0, pre.getDouble(i, 0) - h);
            double numeric = (loss.computeScore(labels, plus, new ActivationSigmoid(), null, false)
                            - loss.computeScore(labels, minus, new ActivationSigmoid(), null, false))
                    / (2 * h);
            assertThat(g.getDouble(i, 0)).isCloseTo(numeric, within(1e-8));
        }
    }
}
