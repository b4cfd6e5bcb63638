package org.sheetlab.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossL2;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.ReferenceValues;

/** The sheet's three losses: hand-checkable values, PyTorch reference values, and their relation to DL4J's losses. */
@ExtendWith(DoublePrecision.class)
class SheetLossTest {
    private static final Map<String, SheetLoss> LOSSES =
            Map.of("mse", new Mse(), "bce", new BinaryCrossEntropy(), "cce", new CategoricalCrossEntropy());

    private static INDArray m(double[][] rows) {
        return Nd4j.createFromArray(rows);
    }

    @Test
    void mseByHand() {
        // (1/B) Σ_i ||y_i - p_i||² = ((0 + 1) + (4 + 0)) / 2
        INDArray y = m(new double[][] {{1, 2}, {3, 4}});
        INDArray p = m(new double[][] {{1, 3}, {5, 4}});
        assertThat(new Mse().value(y, p)).isEqualTo(2.5);
        assertAllClose(new Mse().gradient(y, p), m(new double[][] {{0, 1}, {2, 0}}));
    }

    @Test
    void binaryCrossEntropyByHand() {
        assertThat(new BinaryCrossEntropy().value(m(new double[][] {{1}}), m(new double[][] {{0.5}})))
                .isCloseTo(Math.log(2), within(1e-12));
        // y = [1, 0], p = [0.8, 0.2]: both examples cost -ln 0.8
        assertThat(new BinaryCrossEntropy().value(m(new double[][] {{1}, {0}}), m(new double[][] {{0.8}, {0.2}})))
                .isCloseTo(-Math.log(0.8), within(1e-12));
        // a confident, correct prediction costs 0 (0·log 0 = 0), a confident wrong one is infinite
        assertThat(new BinaryCrossEntropy().value(m(new double[][] {{1, 0}}), m(new double[][] {{1, 0}})))
                .isZero();
        assertThat(new BinaryCrossEntropy().value(m(new double[][] {{1}}), m(new double[][] {{0}})))
                .isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void categoricalCrossEntropyByHand() {
        INDArray y = m(new double[][] {{0, 1, 0}, {1, 0, 0}});
        INDArray p = m(new double[][] {{0.2, 0.7, 0.1}, {0.5, 0.25, 0.25}});
        assertThat(new CategoricalCrossEntropy().value(y, p))
                .isCloseTo(-(Math.log(0.7) + Math.log(0.5)) / 2, within(1e-12));
        assertAllClose(new CategoricalCrossEntropy().gradient(y, p), m(new double[][] {
            {0, -1 / 0.7 / 2, 0}, {-1 / 0.5 / 2, 0, 0}
        }));
    }

    @Test
    void matchesPyTorchAutograd() {
        ReferenceValues ref = ReferenceValues.load("/reference/losses.json");
        assertThat(ref.cases()).hasSize(15);
        for (JsonNode c : ref.cases()) {
            SheetLoss loss = LOSSES.get(c.get("loss").asText());
            INDArray y = ReferenceValues.array(c.get("labels"));
            INDArray p = ReferenceValues.array(c.get("predictions"));
            assertThat(loss.value(y, p))
                    .as(c.get("loss").asText() + " value")
                    .isCloseTo(c.get("value").asDouble(), within(1e-10));
            assertAllClose(loss.gradient(y, p), ReferenceValues.array(c.get("gradient")), 1e-10, 1e-12);
        }
    }

    @Test
    void dl4jLossMseAveragesOverOutputsAndLossL2DoesNot() {
        INDArray y = Nd4j.rand(6, 4);
        INDArray p = Nd4j.rand(6, 4);
        double sheet = new Mse().value(y, p);
        double dl4jMse = new LossMSE().computeScore(y, p.dup(), new ActivationIdentity(), null, true);
        double dl4jL2 = new LossL2().computeScore(y, p.dup(), new ActivationIdentity(), null, true);
        assertThat(dl4jMse).isCloseTo(sheet / 4, within(1e-12));
        assertThat(dl4jL2).isCloseTo(sheet, within(1e-12));
    }

    @Test
    void dl4jBinaryXentEqualsTheSheet() {
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 0, 1}, {0, 0, 1}});
        INDArray p = Nd4j.createFromArray(new double[][] {{0.9, 0.3, 0.6}, {0.2, 0.45, 0.7}});
        INDArray logits = Transforms.log(p.div(p.rsub(1.0)));
        double dl4j = new LossBinaryXENT().computeScore(y, logits, new ActivationSigmoid(), null, true);
        assertThat(dl4j).isCloseTo(new BinaryCrossEntropy().value(y, p), within(1e-9));
    }

    @Test
    void dl4jMcxentEqualsTheSheet() {
        INDArray y = Nd4j.createFromArray(new double[][] {{0, 1, 0}, {0, 0, 1}});
        INDArray p = Nd4j.createFromArray(new double[][] {{0.2, 0.5, 0.3}, {0.1, 0.1, 0.8}});
        double dl4j = new LossMCXENT().computeScore(y, Transforms.log(p), new ActivationSoftmax(), null, true);
        assertThat(dl4j).isCloseTo(new CategoricalCrossEntropy().value(y, p), within(1e-9));
    }

    @Test
    void badInputNamesTheProblem() {
        assertThatThrownBy(() -> new Mse().value(Nd4j.zeros(2, 3), Nd4j.zeros(3, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MSE")
                .hasMessageContaining("[2, 3]")
                .hasMessageContaining("[3, 2]");
        assertThatThrownBy(() -> new CategoricalCrossEntropy()
                        .value(Nd4j.ones(1, 2), Nd4j.createFromArray(new double[][] {{2.0, -1.0}})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("probabilities")
                .hasMessageContaining("softmax");
    }
}
