package org.sheetlab.layers.recurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.GradientChecks.assertGradientsOk;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;
import static org.sheetlab.testing.RoundTrips.assertRoundTrips;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.core.activation.SignSte;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.GradientChecks;
import org.sheetlab.testing.ReferenceValues;

@ExtendWith(DoublePrecision.class)
class SignRnnTest {
    private static Layer instantiate(SignRnn conf) {
        NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .layer(conf)
                .build();
        long n = conf.initializer().numParams(conf);
        Layer layer = conf.instantiate(nnc, List.of(), 0, Nd4j.create(DataType.DOUBLE, 1, n), true, DataType.DOUBLE);
        layer.setBackpropGradientsViewArray(Nd4j.create(DataType.DOUBLE, 1, n));
        return layer;
    }

    @Test
    void matchesPyTorchAutogradWithTheStraightThroughEstimator() {
        List<JsonNode> cases = ReferenceValues.load("/reference/sign_rnn.json").cases();
        assertThat(cases).hasSize(5);
        for (JsonNode c : cases) {
            INDArray x = ReferenceValues.array(c.get("x"));
            INDArray v = ReferenceValues.array(c.get("V"));
            SignRnn.Builder b = new SignRnn.Builder()
                    .nIn(x.size(1))
                    .hiddenSize(c.get("hidden").asLong())
                    .nOut(v.size(0));
            if (c.get("state").asText().equals("tanh")) {
                b.stateActivation(Activation.TANH);
            }
            Layer layer = instantiate(b.build());
            layer.getParam("U").assign(ReferenceValues.array(c.get("U")));
            layer.getParam("W").assign(ReferenceValues.array(c.get("W")));
            layer.getParam("V").assign(v);
            layer.setInput(x, LayerWorkspaceMgr.noWorkspaces());
            if (!c.get("mask").isNull()) {
                layer.setMaskArray(ReferenceValues.array(c.get("mask")));
            }
            INDArray y = layer.activate(true, LayerWorkspaceMgr.noWorkspaces());
            assertAllClose(y, ReferenceValues.array(c.get("y")), 1e-10, 1e-10);
            Pair<Gradient, INDArray> g =
                    layer.backpropGradient(ReferenceValues.array(c.get("dy")), LayerWorkspaceMgr.noWorkspaces());
            assertAllClose(g.getSecond(), ReferenceValues.array(c.get("dx")), 1e-10, 1e-10);
            assertAllClose(g.getFirst().getGradientFor("U"), ReferenceValues.array(c.get("dU")), 1e-10, 1e-10);
            assertAllClose(g.getFirst().getGradientFor("W"), ReferenceValues.array(c.get("dW")), 1e-10, 1e-10);
            assertAllClose(g.getFirst().getGradientFor("V"), ReferenceValues.array(c.get("dV")), 1e-10, 1e-10);
        }
    }

    private static MultiLayerNetwork network(int nIn, int h, int nOut, IActivation state, RNNFormat format) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .list()
                .layer(new SignRnn.Builder()
                        .hiddenSize(h)
                        .nOut(nOut)
                        .stateActivation(state)
                        .dataFormat(format)
                        .activation(Activation.TANH)
                        .build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nOut(2)
                        .activation(Activation.IDENTITY)
                        .dataFormat(format)
                        .build())
                .setInputType(InputType.recurrent(nIn, 5, format))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * BPTT checked numerically. sign itself has zero derivative almost everywhere, so its straight-through gradient
     * cannot be compared with finite differences; the check runs the same layer with a tanh state (and ReLU/tanh
     * outputs), and the STE path is checked against PyTorch above.
     */
    @Test
    void gradientCheckOfBackpropagationThroughTime() {
        for (int mb : new int[] {1, 3}) {
            for (RNNFormat format : RNNFormat.values()) {
                MultiLayerNetwork net = network(3, 4, 3, Activation.TANH.getActivationFunction(), format);
                INDArray x = format == RNNFormat.NCW
                        ? Nd4j.randn(DataType.DOUBLE, mb, 3, 5)
                        : Nd4j.randn(DataType.DOUBLE, mb, 5, 3);
                INDArray y = format == RNNFormat.NCW
                        ? Nd4j.randn(DataType.DOUBLE, mb, 2, 5)
                        : Nd4j.randn(DataType.DOUBLE, mb, 5, 2);
                INDArray mask = Nd4j.ones(DataType.DOUBLE, mb, 5);
                mask.putScalar(0, 4, 0);
                mask.putScalar(0, 3, 0);
                for (INDArray m : new INDArray[] {null, mask}) {
                    assertGradientsOk(
                            String.format("mb %d, %s, mask %s", mb, format, m != null),
                            GradientChecks.config(net, x, y).inputMask(m).labelMask(m));
                }
            }
        }
    }

    @Test
    void signIsPlusOneAtZeroAndPassesGradientsInsideOne() {
        INDArray z = Nd4j.createFromArray(-2.0, -0.5, 0.0, 0.5, 2.0);
        assertThat(new SignSte().getActivation(z.dup(), true).toDoubleVector()).containsExactly(-1, -1, 1, 1, 1);
        INDArray g = new SignSte()
                .backprop(z.dup(), Nd4j.createFromArray(1.0, 2.0, 3.0, 4.0, 5.0))
                .getFirst();
        assertThat(g.toDoubleVector()).containsExactly(0, 2, 3, 4, 0);
        // the states of a sign-RNN are ±1 exactly
        SignRnn conf = new SignRnn.Builder()
                .nIn(2)
                .hiddenSize(3)
                .nOut(3)
                .activation(Activation.IDENTITY)
                .build();
        Layer layer = instantiate(conf);
        layer.getParam("V").assign(Nd4j.eye(3));
        layer.setInput(Nd4j.randn(DataType.DOUBLE, 2, 2, 4), LayerWorkspaceMgr.noWorkspaces());
        INDArray states = layer.activate(false, LayerWorkspaceMgr.noWorkspaces());
        assertThat(org.nd4j.linalg.ops.transforms.Transforms.abs(states, true)
                        .minNumber()
                        .doubleValue())
                .isEqualTo(1.0);
        assertThat(org.nd4j.linalg.ops.transforms.Transforms.abs(states, true)
                        .maxNumber()
                        .doubleValue())
                .isEqualTo(1.0);
    }

    @Test
    void roundTripsAndParameterCount() {
        MultiLayerNetwork net = network(3, 4, 3, Activation.TANH.getActivationFunction(), RNNFormat.NCW);
        SignRnn sign = new SignRnn.Builder().nIn(3).hiddenSize(4).nOut(3).build();
        SignRnn back = (SignRnn) NeuralNetConfiguration.fromJson(
                        new NeuralNetConfiguration.Builder().layer(sign).build().toJson())
                .getLayer();
        assertThat(back).isEqualTo(sign);
        assertThat(back.getStateActivation()).isInstanceOf(SignSte.class);
        // W(h,h) + U(h,x) + V(out,h) = 16 + 12 + 12; the output layer adds 3·2 + 2
        assertThat(net.getLayer(0).numParams()).isEqualTo(4 * 4 + 4 * 3 + 3 * 4);
        assertThat(net.numParams()).isEqualTo(4 * 4 + 4 * 3 + 3 * 4 + 3 * 2 + 2);
        MultiLayerNetwork restored = assertRoundTrips(net, Nd4j.randn(DataType.DOUBLE, 2, 3, 5));
        assertBitIdentical(restored.getLayer(0).getParam("W"), net.getLayer(0).getParam("W"));
        // the sign-state variant too (the default state activation)
        MultiLayerNetwork signNet = network(3, 4, 3, new SignSte(), RNNFormat.NWC);
        assertRoundTrips(signNet, Nd4j.randn(DataType.DOUBLE, 2, 5, 3));
    }

    @Test
    void badConfigurationIsNamed() {
        assertThatThrownBy(
                        () -> new SignRnn.Builder().name("rnn").nIn(3).nOut(2).build())
                .hasMessageContaining("'rnn'")
                .hasMessageContaining("hiddenSize");
        assertThatThrownBy(() -> new SignRnn.Builder().nIn(3).hiddenSize(2).build())
                .hasMessageContaining("nOut");
    }
}
