package org.sheetlab.layers.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.GradientChecks.assertGradientsOk;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.RoundTrips.assertRoundTrips;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;
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
 * Scaled dot-product attention against PyTorch autograd and nn.MultiheadAttention (attention.py → attention.json),
 * gradient checks in DOUBLE with and without masks, the soft-dictionary view (Final Q4), round trips, bad input, and
 * the gradient-doubling check that DL4J's own SelfAttentionLayer fails.
 */
@ExtendWith(DoublePrecision.class)
class ScaledDotProductAttentionTest {
    private static final LayerWorkspaceMgr NONE = LayerWorkspaceMgr.noWorkspaces();

    private static ScaledDotProductAttentionLayer layer(long nIn, long nOut, int heads, int d) {
        ScaledDotProductAttention conf = new ScaledDotProductAttention.Builder()
                .nIn(nIn)
                .nOut(nOut)
                .heads(heads)
                .headSize(d)
                .build();
        NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER)
                .layer(conf)
                .build();
        long n = conf.initializer().numParams(nnc);
        var l = (ScaledDotProductAttentionLayer)
                conf.instantiate(nnc, List.of(), 0, Nd4j.create(DataType.DOUBLE, 1, n), true, DataType.DOUBLE);
        l.setBackpropGradientsViewArray(Nd4j.create(DataType.DOUBLE, 1, n));
        return l;
    }

    @Test
    void matchesPyTorchIncludingMasksAndMultipleHeads() {
        List<JsonNode> cases = ReferenceValues.load("/reference/attention.json").cases();
        assertThat(cases).hasSize(5);
        for (JsonNode c : cases) {
            INDArray x = ReferenceValues.array(c.get("x"));
            INDArray wq = ReferenceValues.array(c.get("Wq"));
            INDArray wo = ReferenceValues.array(c.get("Wo"));
            var l = layer(
                    x.size(1),
                    wo.size(1),
                    c.get("heads").asInt(),
                    c.get("headSize").asInt());
            l.setParam(AttentionParamInitializer.QUERY, wq);
            l.setParam(AttentionParamInitializer.KEY, ReferenceValues.array(c.get("Wk")));
            l.setParam(AttentionParamInitializer.VALUE, ReferenceValues.array(c.get("Wv")));
            l.setParam(AttentionParamInitializer.OUTPUT, wo);
            INDArray mask = c.has("mask") ? ReferenceValues.array(c.get("mask")) : null;
            l.setMaskArray(mask);
            assertAllClose(l.attentionWeights(x), ReferenceValues.array(c.get("attention")), 1e-12, 1e-13);
            l.setInput(x, NONE);
            l.setMaskArray(mask);
            assertAllClose(l.activate(true, NONE), ReferenceValues.array(c.get("y")), 1e-10, 1e-12);
            Pair<Gradient, INDArray> g = l.backpropGradient(ReferenceValues.array(c.get("dy")), NONE);
            assertAllClose(g.getSecond(), ReferenceValues.array(c.get("dx")), 1e-10, 1e-12);
            for (String key : new String[] {"Wq", "Wk", "Wv", "Wo"}) {
                assertAllClose(g.getFirst().getGradientFor(key), ReferenceValues.array(c.get("d" + key)), 1e-10, 1e-12);
            }
        }
    }

    private static MultiLayerNetwork network(org.deeplearning4j.nn.conf.layers.Layer attention) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(4)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(attention)
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

    private static INDArray[] data(int b, int t) {
        Nd4j.getRandom().setSeed(8);
        INDArray x = Nd4j.randn(DataType.DOUBLE, b, 4, t);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, b, 3, t);
        for (int i = 0; i < b; i++) {
            for (int s = 0; s < t; s++) {
                y.putScalar(new int[] {i, (i + 2 * s) % 3, s}, 1.0);
            }
        }
        return new INDArray[] {x, y};
    }

    @Test
    void gradientChecksPassInDoubleWithAndWithoutMasks() {
        for (boolean masked : new boolean[] {false, true}) {
            MultiLayerNetwork net = network(new ScaledDotProductAttention.Builder()
                    .nOut(6)
                    .heads(2)
                    .headSize(3)
                    .build());
            INDArray[] d = data(3, 5);
            var cfg = GradientChecks.config(net, d[0], d[1]).minAbsoluteError(1e-8);
            if (masked) {
                INDArray mask = Nd4j.ones(DataType.DOUBLE, 3, 5);
                mask.putScalar(1, 4, 0.0);
                mask.putScalar(2, 3, 0.0);
                mask.putScalar(2, 4, 0.0);
                cfg.inputMask(mask).labelMask(mask);
            }
            // per-step outputs sum 15 cross-entropies: central differences carry ~1e-9 of rounding, so the absolute
            // floor is 1e-8 (the analytic gradients equal PyTorch's to 1e-10 above)
            assertGradientsOk("attention, masked " + masked, cfg);
        }
    }

    @Test
    void aSharpQueryLooksUpTheMatchingValue() {
        // Final Q4, attention as a soft dictionary: keys and queries are the one-hot step codes scaled by 20, values
        // the codes themselves; every step finds its own key (weight ≈ 1) and returns its own value
        int t = 4;
        var l = layer(t, t, 1, t);
        INDArray eye = Nd4j.eye(t).castTo(DataType.DOUBLE);
        l.setParam(AttentionParamInitializer.QUERY, eye.mul(20));
        l.setParam(AttentionParamInitializer.KEY, eye.mul(20));
        l.setParam(AttentionParamInitializer.VALUE, eye);
        l.setParam(AttentionParamInitializer.OUTPUT, eye);
        INDArray x = eye.reshape(1, t, t); // x[0, :, s] = e_s
        INDArray a = l.attentionWeights(x);
        for (int i = 0; i < t; i++) {
            assertThat(a.getDouble(0, 0, i, i)).isGreaterThan(1 - 1e-12);
        }
        l.setInput(x, NONE);
        assertAllClose(l.activate(false, NONE), x, 1e-12, 1e-12);
    }

    @Test
    void jsonAndModelSerializerRoundTripsAndBadInput() {
        MultiLayerNetwork net = network(new ScaledDotProductAttention.Builder()
                .nOut(6)
                .heads(3)
                .headSize(2)
                .build());
        INDArray[] d = data(2, 4);
        net.fit(d[0], d[1]);
        MultiLayerNetwork restored = assertRoundTrips(net, d[0]);
        assertThat(restored.getLayerWiseConfigurations().toJson()).contains(ScaledDotProductAttention.class.getName());
        assertThat(net.getLayer(0).numParams()).isEqualTo(3L * 4 * 6 + 6 * 6);
        assertThatThrownBy(() -> net.output(Nd4j.randn(DataType.DOUBLE, 2, 5, 4)))
                .isInstanceOf(DL4JInvalidInputException.class)
                .hasMessageContaining("nIn = 4");
    }

    /**
     * Σ|analytic gradient| / Σ|central-difference estimate| over the first layer's parameters: 1 for a correct backward
     * pass.
     */
    private static double analyticOverNumeric(MultiLayerNetwork net, INDArray x, INDArray y) {
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        // DL4J's backward pass gives the gradient of the minibatch's summed loss, its score is the mean: the updater
        // divides by the minibatch size (as GradientCheckUtil does before comparing)
        INDArray analytic = net.gradient().gradient().div(x.size(0));
        INDArray params = net.params();
        long n = net.getLayer(0).numParams();
        double eps = 1e-6;
        double sa = 0;
        double sn = 0;
        for (long i = 0; i < n; i++) {
            double p = params.getDouble(i);
            params.putScalar(i, p + eps);
            net.computeGradientAndScore(); // the score as GradientCheckUtil measures it
            double plus = net.score();
            params.putScalar(i, p - eps);
            net.computeGradientAndScore();
            double minus = net.score();
            params.putScalar(i, p);
            double numeric = (plus - minus) / (2 * eps);
            sa += Math.abs(analytic.getDouble(i));
            sn += Math.abs(numeric);
        }
        return sa / sn;
    }

    @Test
    void gradientsAreNotDoubledButDl4jsSelfAttentionLayersAre() {
        INDArray[] d = data(2, 4);
        MultiLayerNetwork ours = network(new ScaledDotProductAttention.Builder()
                .nOut(4)
                .heads(2)
                .headSize(2)
                .build());
        assertThat(analyticOverNumeric(ours, d[0], d[1])).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
        MultiLayerNetwork dl4j = network(new SelfAttentionLayer.Builder()
                .nOut(4)
                .nHeads(2)
                .projectInput(true)
                .build());
        double ratio = analyticOverNumeric(dl4j, d[0], d[1]);
        assertThat(ratio)
                .as("DL4J M2.1 SelfAttentionLayer, analytic / numeric")
                .isCloseTo(2.0, org.assertj.core.api.Assertions.within(1e-3));
    }
}
