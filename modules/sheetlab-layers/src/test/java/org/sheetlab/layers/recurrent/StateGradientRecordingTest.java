package org.sheetlab.layers.recurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.testing.DoublePrecision;

/**
 * ∂L/∂s_t read out of the layers' backward passes, checked by central differences on the state itself: run steps
 * 1..t with {@code rnnTimeStep}, move the stored state h_t by ±ε·δ, run steps t+1..T, and compare the change of
 * L = Σ_s ⟨ε_s, h_s⟩ with ⟨∂L/∂h_t − ε_t, δ⟩ (the direct term ε_t is not seen by later steps).
 */
@ExtendWith(DoublePrecision.class)
class StateGradientRecordingTest {
    private static final LayerWorkspaceMgr NONE = LayerWorkspaceMgr.noWorkspaces();
    private static final int B = 3;
    private static final int N_IN = 4;
    private static final int H = 5;
    private static final int T = 6;

    private static Layer recurrentLayer(org.deeplearning4j.nn.conf.layers.Layer rnn) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(7)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(rnn)
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nOut(2)
                        .activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.recurrent(N_IN, T))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.initGradientsView();
        return net.getLayer(0);
    }

    /** Σ over steps after t of ⟨ε_s, h_s⟩ with the state after step t moved by {@code shift}. */
    private static double lossAfter(Layer layer, INDArray x, INDArray eps, int t, String key, INDArray shift) {
        BaseRecurrentLayer<?> rnn = (BaseRecurrentLayer<?>) layer;
        rnn.rnnClearPreviousState();
        rnn.rnnTimeStep(
                x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, t + 1))
                        .dup(),
                NONE);
        Map<String, INDArray> state = new HashMap<>(rnn.rnnGetPreviousState());
        state.put(key, state.get(key).add(shift));
        rnn.rnnSetPreviousState(state);
        INDArray rest = rnn.rnnTimeStep(
                x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t + 1, T))
                        .dup(),
                NONE);
        INDArray e = eps.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t + 1, T));
        rnn.rnnClearPreviousState();
        return rest.mul(e).sumNumber().doubleValue();
    }

    private static void assertMatchesCentralDifferences(String what, Layer layer, String stateKey) {
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.randn(DataType.DOUBLE, B, N_IN, T);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, B, H, T);
        layer.setInput(x, NONE);
        INDArray g = ((StateGradientRecording) layer).stateGradients(eps, NONE);
        assertThat(g.shape()).containsExactly(B, H, T);
        INDArray last = g.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(T - 1));
        assertThat(last)
                .as("%s: at the last step only the direct gradient", what)
                .isEqualTo(eps.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(T - 1)));
        double h = 1e-6;
        for (int t = 0; t < T - 1; t++) {
            INDArray dir = Nd4j.randn(DataType.DOUBLE, B, H);
            double numeric = (lossAfter(layer, x, eps, t, stateKey, dir.mul(h))
                            - lossAfter(layer, x, eps, t, stateKey, dir.mul(-h)))
                    / (2 * h);
            INDArray gt = g.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t))
                    .sub(eps.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t)));
            double analytic = gt.mul(dir).sumNumber().doubleValue();
            assertThat(analytic).as("%s step %d", what, t).isCloseTo(numeric, within(1e-7 * (1 + Math.abs(numeric))));
        }
    }

    @Test
    void gruStateGradientsEqualCentralDifferencesOnTheState() {
        for (boolean after : new boolean[] {false, true}) {
            Layer layer =
                    recurrentLayer(new GRU.Builder().nOut(H).resetAfter(after).build());
            assertMatchesCentralDifferences("GRU resetAfter=" + after, layer, GruLayer.STATE_KEY);
        }
    }

    @Test
    void fastLstmStateGradientsEqualCentralDifferencesOnTheState() {
        Layer layer = recurrentLayer(
                new FastLSTM.Builder().nOut(H).activation(Activation.TANH).build());
        assertMatchesCentralDifferences(
                "FastLSTM", layer, org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_ACTIVATION);
    }

    @Test
    void fastLstmOutsideItsFastPathSaysSo() {
        Layer layer = recurrentLayer(
                new FastLSTM.Builder().nOut(H).activation(Activation.SOFTSIGN).build());
        layer.setInput(Nd4j.randn(DataType.DOUBLE, B, N_IN, T), NONE);
        assertThatThrownBy(() ->
                        ((StateGradientRecording) layer).stateGradients(Nd4j.randn(DataType.DOUBLE, B, H, T), NONE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sigmoid/tanh gates");
    }

    /** The sign-RNN has no useful central difference (sign is flat), so: its last step is δ·ReLU′·V, its shape. */
    @Test
    void signRnnLastStepIsTheDirectGradientThroughTheOutput() {
        Layer layer = recurrentLayer(new SignRnn.Builder().hiddenSize(H).nOut(H).build());
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.DOUBLE, B, N_IN, T);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, B, H, T);
        layer.setInput(x, NONE);
        INDArray out = layer.activate(true, NONE);
        layer.setInput(x, NONE);
        INDArray g = ((StateGradientRecording) layer).stateGradients(eps, NONE);
        assertThat(g.shape()).containsExactly(B, H, T);
        INDArray v = layer.getParam(SignRnnParamInitializer.OUTPUT_WEIGHTS);
        INDArray oT = out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(T - 1));
        INDArray dT = eps.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(T - 1))
                .mul(oT.gt(0).castTo(DataType.DOUBLE));
        INDArray expected = dT.mmul(v);
        INDArray actual = g.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(T - 1));
        assertThat(actual.sub(expected).amaxNumber().doubleValue()).isLessThan(1e-12);
    }
}
