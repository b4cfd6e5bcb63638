package org.sheetlab.layers.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.RoundTrips.assertRoundTrips;

import com.fasterxml.jackson.databind.JsonNode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
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
 * Bahdanau attention between two sequences built from standard layers (W_a, W_h, v as time-distributed dense layers)
 * and the two parameter-free vertices: the PyTorch autograd reference of additive_attention.py (queries = annotations
 * = x there), a DOUBLE gradient check of a whole encoder–decoder head with T_q ≠ T_a and biases, round trips, errors.
 */
@ExtendWith(DoublePrecision.class)
class EncoderDecoderAttentionTest {
    private static TimeDistributed dense(int nOut, boolean bias) {
        return new TimeDistributed(new DenseLayer.Builder()
                .nOut(nOut)
                .activation(Activation.IDENTITY)
                .hasBias(bias)
                .build());
    }

    /** annotations "a" and decoder states "h" → context [B, n_a, T_q] (and nothing else). */
    private static ComputationGraphConfiguration.GraphBuilder head(int d, boolean bias) {
        return new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                // no workspaces: the reference test backpropagates external errors after a separate forward pass
                .trainingWorkspaceMode(org.deeplearning4j.nn.conf.WorkspaceMode.NONE)
                .inferenceWorkspaceMode(org.deeplearning4j.nn.conf.WorkspaceMode.NONE)
                .graphBuilder()
                .addInputs("h", "a")
                .addLayer("keys", dense(d, false), "a")
                .addLayer("queries", dense(d, bias), "h")
                .addVertex("pairs", new AdditivePairsVertex(), "queries", "keys")
                .addLayer("scores", dense(1, false), "pairs")
                .addVertex("context", new AttentionContextVertex(), "scores", "a");
    }

    @Test
    void matchesThePyTorchAdditiveAttentionReference() {
        for (JsonNode c :
                ReferenceValues.load("/reference/additive_attention.json").cases()) {
            if (c.has("mask")) {
                continue; // the vertices take fixed-length sequences
            }
            INDArray x = ReferenceValues.array(c.get("x"));
            INDArray wa = ReferenceValues.array(c.get("Wa"));
            int n = (int) x.size(1);
            int t = (int) x.size(2);
            ComputationGraph g = new ComputationGraph(head((int) wa.size(1), false)
                    .setOutputs("context")
                    .setInputTypes(InputType.recurrent(n, t), InputType.recurrent(n, t))
                    .build());
            g.init();
            g.getLayer("keys").setParam("W", wa);
            g.getLayer("queries").setParam("W", ReferenceValues.array(c.get("Wh")));
            g.getLayer("scores").setParam("W", ReferenceValues.array(c.get("v")));
            INDArray z = g.output(false, x, x)[0];
            assertAllClose(z, ReferenceValues.array(c.get("z")), 1e-10, 1e-12);
            var context = (AttentionContextVertex.Impl) g.getVertex("context");
            assertAllClose(context.lastAttention(), ReferenceValues.array(c.get("alpha")), 1e-12, 1e-13);
            g.feedForward(new INDArray[] {x, x}, true, false); // keep the inputs for the backward pass
            Gradient grad = g.backpropGradient(ReferenceValues.array(c.get("dy")));
            assertAllClose(grad.getGradientFor("keys_W"), ReferenceValues.array(c.get("dWa")), 1e-10, 1e-12);
            assertAllClose(grad.getGradientFor("queries_W"), ReferenceValues.array(c.get("dWh")), 1e-10, 1e-12);
            assertAllClose(grad.getGradientFor("scores_W"), ReferenceValues.array(c.get("dv")), 1e-10, 1e-12);
        }
    }

    private static ComputationGraph encoderDecoderHead() {
        ComputationGraph g = new ComputationGraph(head(3, true)
                .addVertex("merged", new MergeVertex(), "h", "context")
                .addLayer(
                        "out",
                        new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nOut(4)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "merged")
                .setOutputs("out")
                .setInputTypes(InputType.recurrent(2, 3), InputType.recurrent(5, 4))
                .build());
        g.init();
        return g;
    }

    private static INDArray[] data() {
        Nd4j.getRandom().setSeed(8);
        INDArray h = Nd4j.randn(DataType.DOUBLE, 2, 2, 3);
        INDArray a = Nd4j.randn(DataType.DOUBLE, 2, 5, 4);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 2, 4, 3);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 3; t++) {
                y.putScalar(new long[] {b, (b + 2 * t) % 4, t}, 1.0);
            }
        }
        return new INDArray[] {h, a, y};
    }

    @Test
    void encoderDecoderHeadPassesAGradientCheckWithDifferentLengthsAndBiases() {
        ComputationGraph g = encoderDecoderHead();
        INDArray[] d = data();
        GradientChecks.assertGradientsOk(
                "encoder-decoder additive attention",
                GradientChecks.config(g, new INDArray[] {d[0], d[1]}, new INDArray[] {d[2]}));
        INDArray alpha = ((AttentionContextVertex.Impl) g.getVertex("context")).lastAttention();
        assertThat(alpha.shape()).containsExactly(2, 3, 4);
        assertAllClose(alpha.sum(2), Nd4j.ones(DataType.DOUBLE, 2, 3), 1e-12, 1e-14);
    }

    @Test
    void jsonAndModelSerializerRoundTrips() {
        INDArray[] d = data();
        ComputationGraph g = encoderDecoderHead();
        assertRoundTrips(g, d[0], d[1]);
        assertThat(ComputationGraphConfiguration.fromJson(g.getConfiguration().toJson())
                        .getVertices()
                        .get("pairs"))
                .isInstanceOf(AdditivePairsVertex.class);
    }

    @Test
    void mismatchedSizesAndMasksAreNamed() {
        assertThatThrownBy(() -> new NeuralNetConfiguration.Builder()
                        .graphBuilder()
                        .addInputs("h", "a")
                        .addVertex("pairs", new AdditivePairsVertex(), "h", "a")
                        .setOutputs("pairs")
                        .setInputTypes(InputType.recurrent(2, 3), InputType.recurrent(5, 4))
                        .build())
                .hasMessageContaining("same size d");
        assertThatThrownBy(() -> new NeuralNetConfiguration.Builder()
                        .graphBuilder()
                        .addInputs("e", "a")
                        .addVertex("context", new AttentionContextVertex(), "e", "a")
                        .setOutputs("context")
                        .setInputTypes(InputType.recurrent(2, 12), InputType.recurrent(5, 4))
                        .build())
                .hasMessageContaining("nOut(1)");
        // key masks are supported now (CrossAttentionTest); a key mask whose length is not T_a is named
        ComputationGraph g = encoderDecoderHead();
        INDArray[] d = data();
        var context = (AttentionContextVertex.Impl) g.getVertex("context");
        context.setInputs(new INDArray[] {Nd4j.zeros(DataType.DOUBLE, 2, 1, 12), d[1]});
        context.feedForwardMaskArrays(
                new INDArray[] {null, Nd4j.ones(DataType.DOUBLE, 2, 3)}, org.deeplearning4j.nn.api.MaskState.Active, 2);
        assertThatThrownBy(() ->
                        context.doForward(false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces()))
                .hasMessageContaining("mask of the annotations has shape [2, 3]")
                .hasMessageContaining("[B, T] = [2, 4]");
    }
}
