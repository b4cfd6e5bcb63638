package org.sheetlab.layers.moe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.sheetlab.testing.GradientChecks.assertGradientsOk;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.RoundTrips.assertRoundTrips;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
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

/**
 * Mixture of experts against PyTorch autograd (moe.py → moe.json: dense, top-k, load balancing), gradient checks in
 * DOUBLE with the load-balancing term in the score, routing, round trips and bad configurations.
 */
@ExtendWith(DoublePrecision.class)
class MixtureOfExpertsTest {
    private static final LayerWorkspaceMgr NONE = LayerWorkspaceMgr.noWorkspaces();

    @Test
    void matchesPyTorchDenseTopKAndLoadBalancing() {
        List<JsonNode> cases = ReferenceValues.load("/reference/moe.json").cases();
        assertThat(cases).hasSize(6);
        for (JsonNode c : cases) {
            INDArray x = ReferenceValues.array(c.get("x"));
            INDArray w = ReferenceValues.array(c.get("W"));
            int e = c.get("experts").asInt();
            MixtureOfExperts conf = new MixtureOfExperts.Builder()
                    .nIn(x.size(1))
                    .nOut(w.size(1) / e)
                    .experts(e)
                    .topK(c.get("topK").asInt())
                    .loadBalancing(c.get("loadBalancing").asDouble())
                    .expertBias(c.get("expertBias").asBoolean())
                    .activation(Activation.TANH)
                    .build();
            NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                    .dataType(DataType.DOUBLE)
                    .layer(conf)
                    .build();
            long n = conf.initializer().numParams(nnc);
            var l = (MixtureOfExpertsLayer)
                    conf.instantiate(nnc, List.of(), 0, Nd4j.create(DataType.DOUBLE, 1, n), true, DataType.DOUBLE);
            l.setBackpropGradientsViewArray(Nd4j.create(DataType.DOUBLE, 1, n));
            l.setParam(MixtureOfExperts.Params.EXPERT_WEIGHTS, w);
            boolean bias = c.get("expertBias").asBoolean();
            if (bias) {
                l.setParam(
                        MixtureOfExperts.Params.EXPERT_BIAS,
                        ReferenceValues.array(c.get("b")).reshape(1, -1));
            } else {
                assertThat(l.paramTable()).doesNotContainKey(MixtureOfExperts.Params.EXPERT_BIAS);
            }
            l.setParam(MixtureOfExperts.Params.GATE_WEIGHTS, ReferenceValues.array(c.get("Wg")));
            l.setParam(
                    MixtureOfExperts.Params.GATE_BIAS,
                    ReferenceValues.array(c.get("bg")).reshape(1, -1));
            assertAllClose(l.gates(x), ReferenceValues.array(c.get("g")), 1e-12, 1e-13);
            l.setInput(x, NONE);
            assertAllClose(l.activate(true, NONE), ReferenceValues.array(c.get("y")), 1e-10, 1e-12);
            assertThat(l.loadBalancingScore()).isCloseTo(c.get("aux").asDouble(), within(1e-12));
            assertThat(l.calcRegularizationScore(true)).isCloseTo(c.get("aux").asDouble(), within(1e-12));
            Pair<Gradient, INDArray> g = l.backpropGradient(ReferenceValues.array(c.get("dy")), NONE);
            assertAllClose(g.getSecond(), ReferenceValues.array(c.get("dx")), 1e-10, 1e-12);
            assertThat(g.getFirst().gradientForVariable().keySet())
                    .containsExactlyElementsOf(bias ? List.of("W", "b", "Wg", "bg") : List.of("W", "Wg", "bg"));
            for (String key : bias ? new String[] {"W", "b", "Wg", "bg"} : new String[] {"W", "Wg", "bg"}) {
                INDArray expected = ReferenceValues.array(c.get("d" + key));
                assertAllClose(g.getFirst().getGradientFor(key).reshape(expected.shape()), expected, 1e-10, 1e-12);
            }
        }
    }

    private static MultiLayerNetwork network(int topK, double lambda) {
        return network(topK, lambda, true);
    }

    private static MultiLayerNetwork network(int topK, double lambda, boolean expertBias) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(12)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new MixtureOfExperts.Builder()
                        .nOut(4)
                        .experts(3)
                        .topK(topK)
                        .loadBalancing(lambda)
                        .expertBias(expertBias)
                        .activation(Activation.TANH)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(5))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    @Test
    void gradientChecksPassInDoubleIncludingTheLoadBalancingTerm() {
        Nd4j.getRandom().setSeed(21);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 6, 5);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 6, 3);
        for (int i = 0; i < 6; i++) {
            y.putScalar(i, i % 3, 1.0);
        }
        for (int[] setting : new int[][] {{0, 0}, {2, 0}, {2, 1}, {0, 1}}) {
            double lambda = setting[1] * 0.2;
            MultiLayerNetwork net = network(setting[0], lambda);
            assertGradientsOk("MoE topK " + setting[0] + ", λ " + lambda, GradientChecks.config(net, x, y));
        }
        assertGradientsOk("MoE without expert bias", GradientChecks.config(network(2, 0.2, false), x, y));
    }

    @Test
    void topKRoutesEachInputToKExpertsWhoseWeightsSumToOne() {
        MultiLayerNetwork net = network(2, 0.0);
        Nd4j.getRandom().setSeed(5);
        INDArray g = ((MixtureOfExpertsLayer) net.getLayer(0)).gates(Nd4j.randn(DataType.DOUBLE, 20, 5));
        for (int i = 0; i < 20; i++) {
            INDArray row = g.getRow(i);
            assertThat(row.sumNumber().doubleValue()).isCloseTo(1.0, within(1e-12));
            assertThat(row.gt(0).castTo(DataType.INT32).sumNumber().intValue()).isEqualTo(2);
        }
    }

    @Test
    void roundTripsAndConfigurationErrors() {
        MultiLayerNetwork net = network(2, 0.1);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 5);
        MultiLayerNetwork restored = assertRoundTrips(net, x);
        assertThat(restored.getLayerWiseConfigurations().toJson()).contains(MixtureOfExperts.class.getName());
        assertThat(net.getLayer(0).numParams()).isEqualTo(5L * 12 + 12 + 5 * 3 + 3);
        MultiLayerNetwork noBias = network(2, 0.1, false);
        assertThat(noBias.getLayer(0).numParams()).isEqualTo(5L * 12 + 5 * 3 + 3);
        MultiLayerNetwork restoredNoBias = assertRoundTrips(noBias, x);
        assertThat(((MixtureOfExperts) restoredNoBias
                                .getLayerWiseConfigurations()
                                .getConf(0)
                                .getLayer())
                        .isExpertBias())
                .isFalse();
        assertThat(((MixtureOfExperts)
                                restored.getLayerWiseConfigurations().getConf(0).getLayer())
                        .isExpertBias())
                .isTrue();
        assertThatThrownBy(() -> new MixtureOfExperts.Builder()
                        .nIn(3)
                        .nOut(2)
                        .experts(2)
                        .topK(3)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topK");
        assertThatThrownBy(() -> new MixtureOfExperts.Builder()
                        .nIn(3)
                        .nOut(2)
                        .loadBalancing(-1)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loadBalancing");
    }
}
