package org.sheetlab.models.rnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.SimpleRnnParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.ReferenceValues;

/**
 * DL4J's SimpleRnn is the sheet's s_t = tanh(W s_{t−1} + U x_t) (+ b) with U = Wᵀ, W_sheet = RWᵀ, and the BPTT helper's
 * ∂L/∂s_t equal PyTorch autograd's (simple_rnn.py → simple_rnn.json, which also checks nn.RNN with the mapped weights).
 */
@ExtendWith(DoublePrecision.class)
class StateGradientsTest {
    private static org.deeplearning4j.nn.layers.recurrent.SimpleRnn layer(long nIn, long h) {
        SimpleRnn conf = new SimpleRnn.Builder()
                .nIn(nIn)
                .nOut(h)
                .activation(Activation.TANH)
                .build();
        NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .layer(conf)
                .build();
        long n = conf.initializer().numParams(nnc);
        var l = (org.deeplearning4j.nn.layers.recurrent.SimpleRnn)
                conf.instantiate(nnc, List.of(), 0, Nd4j.create(DataType.DOUBLE, 1, n), true, DataType.DOUBLE);
        l.setBackpropGradientsViewArray(Nd4j.create(DataType.DOUBLE, 1, n));
        return l;
    }

    @Test
    void dl4jSimpleRnnAndTheBpttHelperMatchPyTorch() {
        List<JsonNode> cases =
                ReferenceValues.load("/reference/simple_rnn.json").cases();
        assertThat(cases).hasSize(3);
        for (JsonNode c : cases) {
            INDArray x = ReferenceValues.array(c.get("x"));
            INDArray w = ReferenceValues.array(c.get("W"));
            INDArray rw = ReferenceValues.array(c.get("RW"));
            var l = layer(w.size(0), w.size(1));
            l.setParam(SimpleRnnParamInitializer.WEIGHT_KEY, w);
            l.setParam(SimpleRnnParamInitializer.RECURRENT_WEIGHT_KEY, rw);
            l.setParam(
                    SimpleRnnParamInitializer.BIAS_KEY,
                    ReferenceValues.array(c.get("b")).reshape(1, -1));
            INDArray direct = ReferenceValues.array(c.get("direct"));
            INDArray states = ReferenceValues.array(c.get("states"));

            // DL4J's SimpleRnn: output = state, the sheet's equation with the documented mapping
            LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
            l.setInput(x, none);
            assertAllClose(l.activate(true, none), states, 1e-12, 1e-13);
            Pair<Gradient, INDArray> g = l.backpropGradient(direct, none);
            assertAllClose(g.getSecond(), ReferenceValues.array(c.get("dx")), 1e-10, 1e-12);
            assertAllClose(
                    g.getFirst().getGradientFor(SimpleRnnParamInitializer.WEIGHT_KEY),
                    ReferenceValues.array(c.get("dW")),
                    1e-10,
                    1e-12);
            assertAllClose(
                    g.getFirst().getGradientFor(SimpleRnnParamInitializer.RECURRENT_WEIGHT_KEY),
                    ReferenceValues.array(c.get("dRW")),
                    1e-10,
                    1e-12);

            // the helper: the states and the total gradient reaching every step
            StateGradients.Result r = StateGradients.simpleRnn(l, x, direct);
            assertAllClose(r.states(), states, 1e-12, 1e-13);
            assertAllClose(r.gradients(), ReferenceValues.array(c.get("stateGradients")), 1e-10, 1e-12);
        }
    }

    @Test
    void gradientsVanishWithDistanceForSmallRecurrentWeights() {
        var l = layer(2, 8);
        Nd4j.getRandom().setSeed(1);
        l.setParam(
                SimpleRnnParamInitializer.RECURRENT_WEIGHT_KEY,
                Nd4j.randn(DataType.DOUBLE, 8, 8).muli(0.1));
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 2, 20);
        INDArray direct = Nd4j.zeros(DataType.DOUBLE, 4, 8, 20);
        direct.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(19))
                .assign(1.0);
        double[] norms = StateGradients.simpleRnn(l, x, direct).normsPerStep();
        assertThat(norms).hasSize(20);
        // RW = 0.1·N(0, 1) [8×8] has spectral radius about 0.1·√8 ≈ 0.28 and tanh′ ≤ 1: each step back shrinks the
        // gradient
        for (int t = 0; t < 19; t++) {
            assertThat(norms[t]).isLessThan(norms[t + 1]);
        }
        assertThat(norms[0] / norms[19]).isLessThan(1e-6);
        assertThatThrownBy(() -> StateGradients.simpleRnn(l, x, Nd4j.zeros(DataType.DOUBLE, 4, 8, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[4, 8, 20]");
    }

    /**
     * Through a whole RowRnnClassifier, for every cell: the last step's gradient is the output layer's
     * (p − y)/B·W_outᵀ computed by hand, every step has one [B, h] slice, and for the tanh cell the result is the BPTT
     * recursion of {@link StateGradients#simpleRnn} given that direct gradient.
     */
    @Test
    void lastStepClassifierForEveryCell() {
        Nd4j.getRandom().setSeed(4);
        INDArray x = RowsAsSteps.FASHION_MNIST.apply(Nd4j.rand(DataType.DOUBLE, 5, 784));
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 5, 10);
        for (int i = 0; i < 5; i++) {
            y.putScalar(i, (3 * i) % 10, 1.0);
        }
        for (RowRnnClassifier.Cell cell : RowRnnClassifier.Cell.values()) {
            org.deeplearning4j.nn.multilayer.MultiLayerNetwork net =
                    new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(RowRnnClassifier.builder()
                            .setCell(cell)
                            .optHidden(6)
                            .optDataType(DataType.DOUBLE)
                            .build());
            net.init();
            StateGradients.Result r = StateGradients.lastStepClassifier(net, x, y);
            assertThat(r.gradients().shape()).as(cell.name()).containsExactly(5, 6, 28);
            INDArray p = net.output(x, false);
            INDArray wOut = net.getLayer(1).getParam("W");
            INDArray expectedLast = p.sub(y).divi(5).mmul(wOut.transpose());
            INDArray last = r.gradients()
                    .get(
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(27));
            if (cell == RowRnnClassifier.Cell.SIGN) { // the last state reaches the output through o = ReLU(V s)
                assertThat(last.norm2Number().doubleValue()).as(cell.name()).isGreaterThan(0.0);
            } else {
                assertAllClose(last, expectedLast, 1e-12, 1e-14);
            }
            double[] norms = r.normsPerStep();
            assertThat(norms).as(cell.name()).hasSize(28);
            assertThat(java.util.Arrays.stream(norms).allMatch(Double::isFinite))
                    .isTrue();
            if (cell == RowRnnClassifier.Cell.TANH) {
                INDArray direct = Nd4j.zeros(DataType.DOUBLE, 5, 6, 28);
                direct.get(
                                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                                org.nd4j.linalg.indexing.NDArrayIndex.point(27))
                        .assign(expectedLast);
                var layer = (org.deeplearning4j.nn.layers.recurrent.SimpleRnn)
                        ((org.deeplearning4j.nn.layers.recurrent.LastTimeStepLayer) net.getLayer(0)).getUnderlying();
                assertAllClose(
                        r.gradients(),
                        StateGradients.simpleRnn(layer, x, direct).gradients(),
                        1e-12,
                        1e-14);
            }
        }
        var mlp = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(
                org.sheetlab.models.mlp.FinalQ5Network.builder().setInputSize(4).build());
        mlp.init();
        assertThatThrownBy(() -> StateGradients.lastStepClassifier(mlp, x, y))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LastTimeStep");
    }
}
