package org.sheetlab.layers.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.RoundTrips.assertRoundTrips;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
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
 * Cross-attention between two sequences with key (padding) masks: scaled dot-product ({@link CrossAttention},
 * {@link CrossAttentionVertex}) and additive ({@link AdditivePairsVertex} + {@link AttentionContextVertex}) against
 * PyTorch autograd (cross_attention.py → cross_attention.json: outputs, the gradients of both inputs and of every
 * weight), DOUBLE gradient checks of the parameters and, by central differences, of both inputs, masked keys at
 * weight 0, round trips and named errors.
 */
@ExtendWith(DoublePrecision.class)
class CrossAttentionTest {
    private static final double H = 1e-6;

    private static ComputationGraphConfiguration.GraphBuilder base() {
        return new NeuralNetConfiguration.Builder()
                .seed(4)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                // no workspaces: the input gradients are read from the graph after its backward pass
                .trainingWorkspaceMode(WorkspaceMode.NONE)
                .inferenceWorkspaceMode(WorkspaceMode.NONE)
                .graphBuilder()
                .addInputs("query", "memory");
    }

    private static InputGradientGraph init(ComputationGraphConfiguration conf) {
        InputGradientGraph g = new InputGradientGraph(conf);
        g.init();
        return g;
    }

    /** query [B, dq, Tq] and memory [B, dk, Tk] → "cross" (the dot-product block of case c). */
    private static InputGradientGraph dotGraph(JsonNode c, long dq, long tq, long dk, long tk) {
        ComputationGraphConfiguration.GraphBuilder b = base();
        String out = new CrossAttention.Builder()
                .heads(c.get("heads").asInt())
                .headSize(c.get("headSize").asInt())
                .valueSize(c.get("valueSize").asInt())
                .nOut(c.get("nOut").asInt())
                .build()
                .addTo(b, "cross", "query", "memory");
        return init(b.setOutputs(out)
                .setInputTypes(InputType.recurrent(dq, tq), InputType.recurrent(dk, tk))
                .build());
    }

    private static MaskedTimeDistributed dense(int nOut, boolean bias) {
        return new MaskedTimeDistributed(new DenseLayer.Builder()
                .nOut(nOut)
                .activation(Activation.IDENTITY)
                .hasBias(bias)
                .build());
    }

    /** The additive encoder–decoder head: decoder states "query", annotations "memory" → context. */
    private static ComputationGraphConfiguration.GraphBuilder additive(int d) {
        return base().addLayer("keys", dense(d, false), "memory")
                .addLayer("queries", dense(d, true), "query")
                .addVertex("pairs", new AdditivePairsVertex(), "queries", "keys")
                .addLayer("scores", dense(1, false), "pairs")
                .addVertex("context", new AttentionContextVertex(), "scores", "memory");
    }

    private static INDArray[] masks(JsonNode c) {
        return new INDArray[] {null, c.has("keyMask") ? ReferenceValues.array(c.get("keyMask")) : null};
    }

    private static INDArray a(JsonNode c, String key) {
        return ReferenceValues.array(c.get(key));
    }

    @Test
    void dotProductCrossAttentionMatchesPyTorch() {
        List<JsonNode> cases = ReferenceValues.load("/reference/cross_attention.json").cases().stream()
                .filter(c -> c.get("kind").asText().equals("dot"))
                .toList();
        assertThat(cases).hasSize(5);
        for (JsonNode c : cases) {
            INDArray q = a(c, "query");
            INDArray m = a(c, "memory");
            InputGradientGraph g = dotGraph(c, q.size(1), q.size(2), m.size(1), m.size(2));
            g.getLayer("cross_q").setParam("W", a(c, "Wq"));
            g.getLayer("cross_k").setParam("W", a(c, "Wk"));
            g.getLayer("cross_v").setParam("W", a(c, "Wv"));
            boolean wo = c.get("nOut").asInt() > 0;
            if (wo) {
                g.getLayer("cross").setParam("W", a(c, "Wo"));
            }
            INDArray[] in = {q, m};
            INDArray y = g.output(false, in, masks(c))[0];
            assertAllClose(y, a(c, "y"), 1e-10, 1e-12);
            Pair<Gradient, INDArray[]> grad = g.gradients(in, masks(c), a(c, "dy"));
            assertAllClose(grad.getSecond()[0], a(c, "dquery"), 1e-10, 1e-12);
            assertAllClose(grad.getSecond()[1], a(c, "dmemory"), 1e-10, 1e-12);
            Gradient pg = grad.getFirst();
            assertAllClose(pg.getGradientFor("cross_q_W"), a(c, "dWq"), 1e-10, 1e-12);
            assertAllClose(pg.getGradientFor("cross_k_W"), a(c, "dWk"), 1e-10, 1e-12);
            assertAllClose(pg.getGradientFor("cross_v_W"), a(c, "dWv"), 1e-10, 1e-12);
            if (wo) {
                assertAllClose(pg.getGradientFor("cross_W"), a(c, "dWo"), 1e-10, 1e-12);
            }
        }
    }

    @Test
    void additiveAttentionWithAKeyMaskMatchesPyTorch() {
        List<JsonNode> cases = ReferenceValues.load("/reference/cross_attention.json").cases().stream()
                .filter(c -> c.get("kind").asText().equals("additive"))
                .toList();
        assertThat(cases).hasSize(3);
        for (JsonNode c : cases) {
            INDArray q = a(c, "query");
            INDArray m = a(c, "memory");
            InputGradientGraph g = init(additive(c.get("attentionSize").asInt())
                    .setOutputs("context")
                    .setInputTypes(InputType.recurrent(q.size(1), q.size(2)), InputType.recurrent(m.size(1), m.size(2)))
                    .build());
            g.getLayer("keys").setParam("W", a(c, "Wa"));
            g.getLayer("queries").setParam("W", a(c, "Wh"));
            g.getLayer("queries").setParam("b", a(c, "bh").reshape(1, -1));
            g.getLayer("scores").setParam("W", a(c, "v"));
            INDArray[] in = {q, m};
            assertAllClose(g.output(false, in, masks(c))[0], a(c, "y"), 1e-10, 1e-12);
            INDArray alpha = ((AttentionContextVertex.Impl) g.getVertex("context")).lastAttention();
            assertAllClose(alpha, a(c, "alpha"), 1e-12, 1e-13);
            Pair<Gradient, INDArray[]> grad = g.gradients(in, masks(c), a(c, "dy"));
            assertAllClose(grad.getSecond()[0], a(c, "dquery"), 1e-10, 1e-12);
            assertAllClose(grad.getSecond()[1], a(c, "dmemory"), 1e-10, 1e-12);
            Gradient pg = grad.getFirst();
            assertAllClose(pg.getGradientFor("keys_W"), a(c, "dWa"), 1e-10, 1e-12);
            assertAllClose(pg.getGradientFor("queries_W"), a(c, "dWh"), 1e-10, 1e-12);
            assertAllClose(pg.getGradientFor("queries_b").reshape(-1), a(c, "dbh"), 1e-10, 1e-12);
            assertAllClose(pg.getGradientFor("scores_W"), a(c, "dv"), 1e-10, 1e-12);
        }
    }

    /** Query [2, 3, 3] (query mask: the last step of example 1 padded), memory [2, 4, 5] (keys 3, 4 of example 0). */
    private static INDArray[] data() {
        Nd4j.getRandom().setSeed(31);
        INDArray q = Nd4j.randn(DataType.DOUBLE, 2, 3, 3);
        INDArray m = Nd4j.randn(DataType.DOUBLE, 2, 4, 5);
        INDArray qm = Nd4j.ones(DataType.DOUBLE, 2, 3);
        qm.putScalar(1, 2, 0.0);
        INDArray km = Nd4j.ones(DataType.DOUBLE, 2, 5);
        km.putScalar(0, 3, 0.0);
        km.putScalar(0, 4, 0.0);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 2, 2, 3);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 3; t++) {
                y.putScalar(new long[] {b, (b + t) % 2, t}, 1.0);
            }
        }
        return new INDArray[] {q, m, qm, km, y};
    }

    /** A classifier over the attention output of each query step: dot-product or additive. */
    private static InputGradientGraph classifier(boolean dot) {
        return classifier(dot, true);
    }

    /** The same without the output layer (for input gradients of L = Σ output ⊙ R): outputs [B, 2, T_q]. */
    private static InputGradientGraph classifier(boolean dot, boolean outputLayer) {
        ComputationGraphConfiguration.GraphBuilder b;
        String out;
        if (dot) {
            b = base();
            out = new CrossAttention.Builder()
                    .heads(2)
                    .headSize(2)
                    .valueSize(3)
                    .nOut(4)
                    .build()
                    .addTo(b, "cross", "query", "memory");
        } else {
            b = additive(3);
            out = "context";
        }
        if (!outputLayer) {
            return init(b.addLayer("head", dense(2, true), out)
                    .setOutputs("head")
                    .setInputTypes(InputType.recurrent(3, 3), InputType.recurrent(4, 5))
                    .build());
        }
        return init(b.addLayer(
                        "out",
                        new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nOut(2)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        out)
                .setOutputs("out")
                .setInputTypes(InputType.recurrent(3, 3), InputType.recurrent(4, 5))
                .build());
    }

    @Test
    void gradientChecksPassForParametersAndBothInputsWithMasks() {
        for (boolean dot : new boolean[] {true, false}) {
            InputGradientGraph g = classifier(dot);
            INDArray[] d = data();
            INDArray[] in = {d[0], d[1]};
            INDArray[] fm = {d[2], d[3]};
            GradientChecks.assertGradientsOk(
                    (dot ? "dot-product" : "additive") + " cross-attention with masks",
                    GradientChecks.config(g, in, new INDArray[] {d[4]})
                            .inputMask(fm)
                            .labelMask(new INDArray[] {d[2]}));
            // the input gradients, by central differences of L = Σ output ⊙ R (the same graph up to its last layer)
            InputGradientGraph head = classifier(dot, false);
            Nd4j.getRandom().setSeed(32);
            INDArray r = Nd4j.randn(DataType.DOUBLE, 2, 2, 3);
            INDArray[] analytic = head.gradients(in, fm, r).getSecond();
            for (int which = 0; which < 2; which++) {
                INDArray x = in[which];
                INDArray numeric = Nd4j.create(DataType.DOUBLE, x.shape());
                for (long i = 0; i < x.length(); i++) {
                    double v = x.getDouble(i);
                    x.putScalar(i, v + H);
                    double plus = head.objective(in, fm, r);
                    x.putScalar(i, v - H);
                    double minus = head.objective(in, fm, r);
                    x.putScalar(i, v);
                    numeric.putScalar(i, (plus - minus) / (2 * H));
                }
                assertThat(analytic[which]).as("input %d gradient", which).isNotNull();
                assertAllClose(analytic[which], numeric, 1e-6, 1e-9);
            }
        }
    }

    @Test
    void maskedKeysGetZeroWeightAndDoNotChangeTheOutput() {
        for (boolean dot : new boolean[] {true, false}) {
            InputGradientGraph g = classifier(dot);
            INDArray[] d = data();
            INDArray[] fm = {null, d[3]};
            INDArray before = g.output(false, new INDArray[] {d[0], d[1]}, fm)[0];
            INDArray weights = dot
                    ? ((CrossAttentionVertex.Impl) g.getVertex("cross_attend")).lastAttention()
                    : ((AttentionContextVertex.Impl) g.getVertex("context")).lastAttention();
            INDArray changed = d[1].dup();
            changed.get(
                            org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 5))
                    .assign(1e3);
            INDArray after = g.output(false, new INDArray[] {d[0], changed}, fm)[0];
            assertThat(after.equalsWithEps(before, 0.0))
                    .as("padded memory steps change nothing")
                    .isTrue();
            // weights [B, (heads,) T_q, T_k]: example 0's keys 3 and 4 are exactly 0, every row sums to 1
            INDArray w = dot ? weights : weights.reshape(2, 1, 3, 5);
            for (int h = 0; h < w.size(1); h++) {
                for (int t = 0; t < 3; t++) {
                    assertThat(w.getDouble(0, h, t, 3)).isZero();
                    assertThat(w.getDouble(0, h, t, 4)).isZero();
                    assertThat(w.getDouble(1, h, t, 4)).isPositive();
                }
            }
            assertAllClose(w.sum(3), Nd4j.ones(DataType.DOUBLE, 2, w.size(1), 3), 1e-12, 1e-14);
            // without the mask the padded steps do get weight
            g.output(false, new INDArray[] {d[0], d[1]}, null);
            INDArray unmasked = dot
                    ? ((CrossAttentionVertex.Impl) g.getVertex("cross_attend")).lastAttention()
                    : ((AttentionContextVertex.Impl) g.getVertex("context")).lastAttention();
            assertThat(unmasked.reshape(w.shape()).getDouble(0, 0, 0, 4)).isPositive();
        }
    }

    /** The memory [2, 4, 5] through one time-distributed dense layer, with example 1's last two steps padded. */
    private static INDArray projected(org.deeplearning4j.nn.conf.layers.Layer wrapper, INDArray[] d, INDArray w) {
        ComputationGraph g = new ComputationGraph(base().addLayer("p", wrapper, "memory")
                .allowDisconnected(true)
                .setOutputs("p")
                .setInputTypes(InputType.recurrent(3, 3), InputType.recurrent(4, 5))
                .build());
        g.init();
        g.getLayer("p").setParam("W", w);
        INDArray km = Nd4j.ones(DataType.DOUBLE, 2, 5);
        km.putScalar(1, 3, 0.0);
        km.putScalar(1, 4, 0.0);
        return g.output(false, new INDArray[] {d[0], d[1]}, new INDArray[] {null, km})[0];
    }

    @Test
    void maskedTimeDistributedKeepsTheUnpaddedStepsWhereDl4jsWrapperZeroesThem() {
        INDArray[] d = data();
        Nd4j.getRandom().setSeed(33);
        INDArray w = Nd4j.randn(DataType.DOUBLE, 4, 2);
        // x_t · W for every step, [B, 2, T]
        INDArray expected = d[1].permute(0, 2, 1)
                .dup('c')
                .reshape(10, 4)
                .mmul(w)
                .reshape(2, 5, 2)
                .permute(0, 2, 1);
        DenseLayer dense = new DenseLayer.Builder()
                .nOut(2)
                .activation(Activation.IDENTITY)
                .hasBias(false)
                .build();
        INDArray fixed = projected(new MaskedTimeDistributed(dense.clone()), d, w);
        INDArray dl4j = projected(new TimeDistributed(dense.clone()), d, w);
        for (int t = 0; t < 5; t++) {
            assertAllClose(fixed.get(point(0), all(), point(t)), expected.get(point(0), all(), point(t)), 1e-12, 1e-14);
        }
        for (int t = 0; t < 3; t++) { // the unpadded steps of example 1
            assertAllClose(fixed.get(point(1), all(), point(t)), expected.get(point(1), all(), point(t)), 1e-12, 1e-14);
        }
        // DL4J M2.1 flattens the mask time-major: it zeroes example 1's step 2 (unpadded) and keeps step 3 (padded)
        assertThat(dl4j.get(point(1), all(), point(2)).amaxNumber().doubleValue())
                .isZero();
        assertThat(dl4j.get(point(1), all(), point(3)).amaxNumber().doubleValue())
                .isPositive();
    }

    @Test
    void jsonAndModelSerializerRoundTrips() {
        INDArray[] d = data();
        for (boolean dot : new boolean[] {true, false}) {
            ComputationGraph g = classifier(dot);
            assertRoundTrips(g, d[0], d[1]);
        }
        ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(
                classifier(true).getConfiguration().toJson());
        assertThat(conf.getVertices().get("cross_attend")).isEqualTo(new CrossAttentionVertex(2));
        assertThat(conf.getVertices().get("cross_attend")).isNotEqualTo(new CrossAttentionVertex(1));
    }

    @Test
    void mismatchedSizesAndMasksAreNamed() {
        assertThatThrownBy(() -> base().addVertex("x", new CrossAttentionVertex(), "query", "memory", "memory")
                        .setOutputs("x")
                        .setInputTypes(InputType.recurrent(3, 2), InputType.recurrent(4, 5))
                        .build())
                .hasMessageContaining("same size heads·d")
                .hasMessageContaining("3 and 4");
        assertThatThrownBy(() -> base().addVertex("x", new CrossAttentionVertex(2), "query", "memory", "memory")
                        .setOutputs("x")
                        .setInputTypes(InputType.recurrent(3, 2), InputType.recurrent(3, 5))
                        .build())
                .hasMessageContaining("multiples of heads (2)");
        assertThatThrownBy(() -> new CrossAttention.Builder().heads(2).build()).hasMessageContaining("headSize");
        assertThatThrownBy(() -> new CrossAttentionVertex(0)).hasMessageContaining("heads must be >= 1");
        INDArray[] d = data();
        for (boolean dot : new boolean[] {true, false}) {
            InputGradientGraph g = classifier(dot);
            assertThatThrownBy(() -> g.output(
                            false, new INDArray[] {d[0], d[1]}, new INDArray[] {null, Nd4j.ones(DataType.DOUBLE, 2, 4)
                            }))
                    .hasMessageContaining("sequence mask has shape [2, 4]")
                    .hasMessageContaining("[B, T] = [2, 5]");
        }
        InputGradientGraph g = classifier(true);
        assertThatThrownBy(() -> g.output(Nd4j.randn(DataType.DOUBLE, 2, 3, 3), Nd4j.randn(DataType.DOUBLE, 3, 4, 5)))
                .hasMessageContaining("must agree in B");
    }
}
