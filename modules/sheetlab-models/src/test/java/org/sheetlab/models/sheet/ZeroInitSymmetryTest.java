package org.sheetlab.models.sheet;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.testing.DoublePrecision;

/** Sheet, Weight Initialization: "Zero init → symmetry problem": every hidden unit stays identical under training. */
@ExtendWith(DoublePrecision.class)
class ZeroInitSymmetryTest {
    private static double maxColumnSpread(INDArray w) {
        // for each input row, max − min across the hidden units (columns); 0 means all units are identical
        return w.max(1).sub(w.min(1)).maxNumber().doubleValue();
    }

    @Test
    void zeroInitKeepsEveryHiddenUnitIdenticalWhileHeInitBreaksSymmetry() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 32, 20);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 32, 10);
        for (int i = 0; i < 32; i++) {
            y.putScalar(i, i % 10, 1);
        }
        DataSet ds = new DataSet(x, y);
        MultiLayerNetwork zero = new MultiLayerNetwork(FinalQ5Network.builder()
                .setInputSize(20)
                .optHidden(8, 6)
                .optWeightInit(WeightInit.ZERO)
                .optHiddenActivation(Activation.SIGMOID)
                .optUpdater(new Sgd(0.5))
                .optDataType(DataType.DOUBLE)
                .build());
        zero.init();
        MultiLayerNetwork he = new MultiLayerNetwork(FinalQ5Network.builder()
                .setInputSize(20)
                .optHidden(8, 6)
                .optHiddenActivation(Activation.SIGMOID)
                .optUpdater(new Sgd(0.5))
                .optDataType(DataType.DOUBLE)
                .build());
        he.init();
        for (int i = 0; i < 50; i++) {
            zero.fit(ds);
            he.fit(ds);
        }
        INDArray w1 = zero.getLayer(0).getParam("W");
        INDArray w2 = zero.getLayer(1).getParam("W");
        // the weights do move (slowly: every unit gets the same, small gradient) ...
        assertThat(w1.amaxNumber().doubleValue()).as("layer 1 moved").isGreaterThan(1e-6);
        assertThat(w2.amaxNumber().doubleValue()).as("layer 2 moved").isGreaterThan(1e-5);
        // ... but every hidden unit keeps exactly the same incoming weights as its neighbours
        assertThat(maxColumnSpread(w1) / w1.amaxNumber().doubleValue()).isLessThan(1e-9);
        assertThat(maxColumnSpread(w2) / w2.amaxNumber().doubleValue()).isLessThan(1e-9);
        assertThat(maxColumnSpread(he.getLayer(0).getParam("W"))).isGreaterThan(0.01);
    }
}
