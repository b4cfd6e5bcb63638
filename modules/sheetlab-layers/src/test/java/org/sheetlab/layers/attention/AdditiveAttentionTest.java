package org.sheetlab.layers.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.GradientChecks.assertGradientsOk;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.RoundTrips.assertRoundTrips;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.GradientChecks;
import org.sheetlab.testing.ReferenceValues;

/** Additive attention against PyTorch autograd (additive_attention.py), gradient checks, round trips, bad config. */
@ExtendWith(DoublePrecision.class)
class AdditiveAttentionTest {
    private static final LayerWorkspaceMgr NONE = LayerWorkspaceMgr.noWorkspaces();

    @Test
    void matchesPyTorchAutogradWithAndWithoutMasks() {
        List<JsonNode> cases =
                ReferenceValues.load("/reference/additive_attention.json").cases();
        assertThat(cases).hasSize(4);
        for (JsonNode c : cases) {
            INDArray x = ReferenceValues.array(c.get("x"));
            INDArray wa = ReferenceValues.array(c.get("Wa"));
            AdditiveAttention conf = new AdditiveAttention.Builder()
                    .nIn(x.size(1))
                    .nOut(x.size(1))
                    .attentionSize((int) wa.size(1))
                    .build();
            NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                    .dataType(DataType.DOUBLE)
                    .layer(conf)
                    .build();
            long n = conf.initializer().numParams(nnc);
            var l = (AdditiveAttentionLayer)
                    conf.instantiate(nnc, List.of(), 0, Nd4j.create(DataType.DOUBLE, 1, n), true, DataType.DOUBLE);
            l.setBackpropGradientsViewArray(Nd4j.create(DataType.DOUBLE, 1, n));
            l.setParam(AdditiveAttention.Params.ANNOTATION, wa);
            l.setParam(AdditiveAttention.Params.QUERY, ReferenceValues.array(c.get("Wh")));
            l.setParam(AdditiveAttention.Params.SCORE, ReferenceValues.array(c.get("v")));
            INDArray mask = c.has("mask") ? ReferenceValues.array(c.get("mask")) : null;
            l.setMaskArray(mask);
            assertAllClose(l.attentionWeights(x), ReferenceValues.array(c.get("alpha")), 1e-12, 1e-13);
            l.setInput(x, NONE);
            l.setMaskArray(mask);
            assertAllClose(l.activate(true, NONE), ReferenceValues.array(c.get("z")), 1e-10, 1e-12);
            Pair<Gradient, INDArray> g = l.backpropGradient(ReferenceValues.array(c.get("dy")), NONE);
            assertAllClose(g.getSecond(), ReferenceValues.array(c.get("dx")), 1e-10, 1e-12);
            for (String key : new String[] {"Wa", "Wh", "v"}) {
                assertAllClose(g.getFirst().getGradientFor(key), ReferenceValues.array(c.get("d" + key)), 1e-10, 1e-12);
            }
        }
    }

    private static MultiLayerNetwork network() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(6)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new AdditiveAttention.Builder().nOut(4).attentionSize(3).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.recurrent(4))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    @Test
    void gradientChecksPassInDoubleWithAndWithoutMasks() {
        for (boolean masked : new boolean[] {false, true}) {
            MultiLayerNetwork net = network();
            Nd4j.getRandom().setSeed(2);
            INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 4, 5);
            INDArray y = Nd4j.zeros(DataType.DOUBLE, 3, 3, 5);
            for (int i = 0; i < 3; i++) {
                for (int s = 0; s < 5; s++) {
                    y.putScalar(new int[] {i, (i + s) % 3, s}, 1.0);
                }
            }
            var cfg = GradientChecks.config(net, x, y).minAbsoluteError(1e-8);
            if (masked) {
                INDArray mask = Nd4j.ones(DataType.DOUBLE, 3, 5);
                mask.putScalar(1, 4, 0.0);
                mask.putScalar(2, 3, 0.0);
                mask.putScalar(2, 4, 0.0);
                cfg.inputMask(mask).labelMask(mask);
            }
            // per-step outputs sum 15 cross-entropies: the absolute floor is 1e-8 (the analytic gradients equal
            // PyTorch's to 1e-10 above)
            assertGradientsOk("additive attention, masked " + masked, cfg);
        }
    }

    @Test
    void roundTripsAndConfigurationErrors() {
        MultiLayerNetwork net = network();
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 4, 3);
        MultiLayerNetwork restored = assertRoundTrips(net, x);
        assertThat(restored.getLayerWiseConfigurations().toJson()).contains(AdditiveAttention.class.getName());
        assertThat(net.getLayer(0).numParams()).isEqualTo(2L * 4 * 3 + 3);
        assertThatThrownBy(() -> new AdditiveAttention.Builder().nIn(4).nOut(4).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attentionSize");
        MultiLayerConfiguration bad = new NeuralNetConfiguration.Builder()
                .list()
                .layer(new AdditiveAttention.Builder()
                        .nIn(4)
                        .nOut(5)
                        .attentionSize(2)
                        .build())
                .build();
        assertThatThrownBy(() -> new MultiLayerNetwork(bad).init())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nOut must equal nIn");
    }
}
