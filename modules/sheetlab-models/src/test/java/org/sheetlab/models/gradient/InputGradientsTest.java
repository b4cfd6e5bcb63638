package org.sheetlab.models.gradient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import java.util.List;
import java.util.function.ToDoubleFunction;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.testing.DoublePrecision;

/**
 * {@link InputGradients} against central differences in DOUBLE: dL/dx[j] ≈ (L(x + h e_j) − L(x − h e_j)) / 2h with h =
 * 1e-6, where L is B × the network's own score (DL4J's score is the batch mean; the input gradient is that of the
 * batch sum) or Σ g ⊙ output for an external gradient g, evaluated by DL4J's {@code score}/{@code output} in inference
 * mode, independently of the class under test. Tolerance: |analytic − numeric| ≤ 1e-7 + 1e-6·|numeric|: the central
 * difference's rounding error is about ε·|L|/h ≈ 1e-9 here and its truncation error h²·|L'''| about 1e-12, so an
 * error in the backward pass (a missing term, a wrong transpose, a lost branch) is orders of magnitude above it.
 */
@ExtendWith(DoublePrecision.class)
class InputGradientsTest {
    private static final double H = 1e-6;
    private static final double RTOL = 1e-6;
    private static final double ATOL = 1e-7;

    @Test
    void denseMultiLayerNetworkLossAndExternalGradient() {
        MultiLayerNetwork net = FinalQ5Network.builder()
                .setInputSize(5)
                .optHidden(4, 3)
                .optOutputs(3)
                .optHiddenActivation(Activation.TANH)
                .optDataType(DataType.DOUBLE)
                .optSeed(1)
                .init();
        INDArray x = random(7, 4, 5);
        INDArray y = oneHot(4, 3, 7);
        InputGradients.Result r = InputGradients.of(net, x, y);
        assertThat(r.score()).isEqualTo(net.score(new DataSet(x, y), false));
        assertAllClose(r.gradient(), numeric(xs -> 4 * net.score(new DataSet(xs[0], y), false), x), RTOL, ATOL);
        // the softmax output layer read as an activation: d(Σ g ⊙ p)/dx
        INDArray g = random(8, 4, 3);
        assertAllClose(
                InputGradients.ofOutput(net, x, g),
                numeric(xs -> net.output(xs[0], false).mul(g).sumNumber().doubleValue(), x),
                RTOL,
                ATOL);
    }

    @Test
    void convolutionalMultiLayerNetworkAndGraph() {
        MultiLayerNetwork net = new MultiLayerNetwork(base().list()
                .layer(conv())
                .layer(pool())
                .layer(softmax(3))
                .setInputType(InputType.convolutionalFlat(6, 6, 1))
                .build());
        net.init();
        INDArray x = random(11, 2, 36);
        INDArray y = oneHot(2, 3, 12);
        InputGradients.Result r = InputGradients.of(net, x, y);
        assertThat(r.gradient().shape()).containsExactly(2, 36);
        assertAllClose(r.gradient(), numeric(xs -> 2 * net.score(new DataSet(xs[0], y), false), x), RTOL, ATOL);

        ComputationGraph graph = new ComputationGraph(base().graphBuilder()
                .addInputs("image")
                .addLayer("conv", conv(), "image")
                .addLayer("pool", pool(), "conv")
                .addLayer("out", softmax(3), "pool")
                .setOutputs("out")
                .setInputTypes(InputType.convolutionalFlat(6, 6, 1))
                .build());
        graph.init();
        INDArray[] xs0 = {x};
        InputGradients.Result g = InputGradients.of(graph, xs0, new INDArray[] {y});
        assertThat(g.score()).isEqualTo(graph.score(new MultiDataSet(xs0, new INDArray[] {y}), false));
        assertAllClose(
                g.gradient(),
                numeric(xs -> 2 * graph.score(new MultiDataSet(xs, new INDArray[] {y}), false), x),
                RTOL,
                ATOL);
    }

    /** A feature map as the output (style transfer): an external dL/d(conv activations) [B, C, H, W], 4-d input. */
    @Test
    void graphWithAFeatureMapOutputTakesAnExternalGradient() {
        ComputationGraph graph = new ComputationGraph(base().graphBuilder()
                .addInputs("image")
                .addLayer("conv", conv(), "image")
                .setOutputs("conv")
                .setInputTypes(InputType.convolutional(6, 6, 1))
                .build());
        graph.init();
        INDArray x = random(21, 2, 1, 6, 6);
        INDArray g = random(22, 2, 2, 4, 4);
        List<INDArray> d = InputGradients.ofOutput(graph, new INDArray[] {x}, g);
        assertThat(d.get(0).shape()).containsExactly(2, 1, 6, 6);
        assertAllClose(
                d.get(0),
                numeric(xs -> graph.output(false, xs)[0].mul(g).sumNumber().doubleValue(), x),
                RTOL,
                ATOL);
    }

    /**
     * The sequence-to-sequence graph without attention: a bidirectional GRU, LastTimeStepVertex and
     * DuplicateToTimeSeriesVertex (which read the graph's inputs), a MergeVertex and an RnnOutputLayer; one-hot
     * inputs [B, V, T] get gradients [B, V, T].
     */
    @Test
    void recurrentGraphWithTwoSequenceInputs() {
        ComputationGraph graph = org.sheetlab.models.attention.Seq2SeqNetwork.builder()
                .setVocabularySize(4)
                .setSteps(3)
                .optHidden(3)
                .optAttention(false)
                .optDataType(DataType.DOUBLE)
                .init();
        INDArray source = random(71, 2, 4, 3);
        INDArray previous = random(72, 2, 4, 3);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 2, 4, 3);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 3; t++) {
                y.putScalar(new long[] {b, (b + t) % 4, t}, 1.0);
            }
        }
        INDArray[] labels = {y};
        InputGradients.Result r = InputGradients.of(graph, new INDArray[] {source, previous}, labels);
        assertThat(r.gradients().get(0).shape()).containsExactly(2, 4, 3);
        ToDoubleFunction<INDArray[]> loss = xs -> 2 * graph.score(new MultiDataSet(xs, labels), false);
        assertAllClose(r.gradients().get(0), numeric(loss, 0, source, previous), RTOL, ATOL);
        assertAllClose(r.gradients().get(1), numeric(loss, 1, source, previous), RTOL, ATOL);
    }

    /** The GAN's stacked network G∘D, whose D layers are FrozenLayerWithBackprop: dL/dz of −log D(G(z)). */
    @Test
    void throughFrozenWithBackpropLayersToTheLatentCode() {
        org.sheetlab.models.gan.Gan gan = org.sheetlab.models.gan.Gan.builder()
                .optLatent(3)
                .optHidden(4)
                .optSize(5)
                .optDataType(DataType.DOUBLE)
                .build();
        MultiLayerNetwork stacked = gan.stacked();
        INDArray z = random(81, 3, 3);
        INDArray ones = Nd4j.ones(DataType.DOUBLE, 3, 1);
        InputGradients.Result r = InputGradients.of(stacked, z, ones);
        assertAllClose(r.gradient(), numeric(xs -> 3 * stacked.score(new DataSet(xs[0], ones), false), z), RTOL, ATOL);
    }

    /** Two inputs, one of them read by two branches (its gradients add up), an elementwise sum and a merge. */
    @Test
    void twoInputGraph() {
        ComputationGraph graph = twoInputGraph(base());
        INDArray a = random(31, 3, 4);
        INDArray b = random(32, 3, 3);
        INDArray y = random(33, 3, 2);
        INDArray[] in = {a, b};
        INDArray[] labels = {y};
        InputGradients.Result r = InputGradients.of(graph, in, labels);
        assertThat(r.gradients()).hasSize(2);
        ToDoubleFunction<INDArray[]> loss = xs -> 3 * graph.score(new MultiDataSet(xs, labels), false);
        assertAllClose(r.gradients().get(0), numeric(loss, 0, a, b), RTOL, ATOL);
        assertAllClose(r.gradients().get(1), numeric(loss, 1, a, b), RTOL, ATOL);
        INDArray g = random(34, 3, 2);
        List<INDArray> d = InputGradients.ofOutput(graph, in, g);
        ToDoubleFunction<INDArray[]> linear =
                xs -> graph.output(false, xs)[0].mul(g).sumNumber().doubleValue();
        assertAllClose(d.get(0), numeric(linear, 0, a, b), RTOL, ATOL);
        assertAllClose(d.get(1), numeric(linear, 1, a, b), RTOL, ATOL);
        // the generic entry point dispatches on the model
        assertThat(InputGradients.of((org.deeplearning4j.nn.api.Model) graph, in, labels)
                        .gradients()
                        .get(1))
                .isEqualTo(r.gradients().get(1));
    }

    /**
     * {@link InputGradients#ofActivations}: a loss on two intermediate vertices, one ("d1") upstream of the other
     * ("merged", via the elementwise sum), L = Σ w1 ⊙ d1 + Σ w2 ⊙ merged: the gradients seeded at both add up, and
     * the output layer past them is neither needed nor used.
     */
    @Test
    void lossOnIntermediateActivations() {
        ComputationGraph graph = twoInputGraph(base());
        INDArray a = random(41, 3, 4);
        INDArray b = random(42, 3, 3);
        INDArray w1 = random(43, 3, 3);
        INDArray w2 = random(44, 3, 5);
        INDArray[] in = {a, b};
        List<String> seen = new java.util.ArrayList<>();
        List<INDArray> d = InputGradients.ofActivations(graph, in, List.of("d1", "merged"), acts -> {
            seen.addAll(acts.keySet());
            assertThat(acts.get("merged").shape()).containsExactly(3, 5);
            return java.util.Map.of("d1", w1, "merged", w2);
        });
        assertThat(seen).containsExactly("d1", "merged");
        ToDoubleFunction<INDArray[]> loss = xs -> {
            java.util.Map<String, INDArray> f = graph.feedForward(xs, false, false);
            return f.get("d1").mul(w1).sumNumber().doubleValue()
                    + f.get("merged").mul(w2).sumNumber().doubleValue();
        };
        assertAllClose(d.get(0), numeric(loss, 0, a, b), RTOL, ATOL);
        assertAllClose(d.get(1), numeric(loss, 1, a, b), RTOL, ATOL);
        assertThatThrownBy(() -> InputGradients.ofActivations(graph, in, List.of("d9"), acts -> java.util.Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no vertex 'd9'")
                .hasMessageContaining("merged");
        assertThatThrownBy(() ->
                        InputGradients.ofActivations(graph, in, List.of("d1"), acts -> java.util.Map.of("d1", w2)))
                .hasMessageContaining("dL/dA of 'd1' must have its activation's shape [3, 3]");
        assertThatThrownBy(() ->
                        InputGradients.ofActivations(graph, in, List.of("d1"), acts -> java.util.Map.of("d2", w1)))
                .hasMessageContaining("not one of the vertices asked for");
    }

    /**
     * Dropout, batch normalization (log-std and variance forms) and a frozen layer, after two Adam steps: the gradient
     * is that of the inference-mode loss, and the call leaves parameters (running statistics included), the updater
     * state, the dropout configuration, the output and the caller's arrays bit for bit as they were.
     */
    @Test
    void inferenceModeAndNothingChanges() {
        MultiLayerNetwork net = new MultiLayerNetwork(base().list()
                .layer(new DenseLayer.Builder()
                        .nOut(4)
                        .activation(Activation.TANH)
                        .dropOut(0.5)
                        .build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new FrozenLayer(new DenseLayer.Builder()
                        .nOut(3)
                        .activation(Activation.TANH)
                        .build()))
                .layer(new BatchNormalization.Builder().useLogStd(false).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .dropOut(0.8)
                        .build())
                .setInputType(InputType.feedForward(5))
                .build());
        net.init();
        INDArray x = random(41, 6, 5);
        INDArray y = oneHot(6, 3, 42);
        net.fit(x, y);
        net.fit(x, y);
        INDArray params = net.params().dup();
        INDArray updater = net.getUpdater().getStateViewArray().dup();
        INDArray output = net.output(x, false);
        INDArray xBefore = x.dup();
        INDArray yBefore = y.dup();
        var dropout = net.getLayer(0).conf().getLayer().getIDropout();

        InputGradients.Result r = InputGradients.of(net, x, y);
        INDArray external = InputGradients.ofOutput(net, x, random(43, 6, 3));

        assertBitIdentical(net.params(), params);
        assertBitIdentical(net.getUpdater().getStateViewArray(), updater);
        assertBitIdentical(net.output(x, false), output);
        assertBitIdentical(x, xBefore);
        assertBitIdentical(y, yBefore);
        assertThat(net.getLayer(0).conf().getLayer().getIDropout()).isSameAs(dropout);
        assertThat(external.shape()).containsExactly(6, 5);
        assertAllClose(r.gradient(), numeric(xs -> 6 * net.score(new DataSet(xs[0], y), false), x), RTOL, ATOL);
    }

    @Test
    void graphParametersAndUpdaterStateAreBitIdenticalAfterTheCall() {
        ComputationGraph graph = twoInputGraph(base());
        INDArray[] in = {random(51, 3, 4), random(52, 3, 3)};
        INDArray[] labels = {random(53, 3, 2)};
        graph.fit(in, labels);
        INDArray params = graph.params().dup();
        INDArray updater = graph.getUpdater().getStateViewArray().dup();
        InputGradients.of(graph, in, labels);
        InputGradients.ofOutput(graph, in, random(54, 3, 2));
        assertBitIdentical(graph.params(), params);
        assertBitIdentical(graph.getUpdater().getStateViewArray(), updater);
    }

    @Test
    void badCallsSayWhatIsWrong() {
        ComputationGraph graph = twoInputGraph(base());
        INDArray a = random(61, 3, 4);
        assertThatThrownBy(() -> InputGradients.of(graph, new INDArray[] {a}, new INDArray[] {random(62, 3, 2)}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 [a, b]")
                .hasMessageContaining("1 features arrays");
        assertThatThrownBy(() -> InputGradients.ofOutput(graph, new INDArray[] {a, random(63, 3, 3)}, random(64, 3, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[3, 2]")
                .hasMessageContaining("[3, 5]");
        MultiLayerNetwork features = new MultiLayerNetwork(base().list()
                .layer(new DenseLayer.Builder()
                        .nOut(2)
                        .activation(Activation.TANH)
                        .build())
                .setInputType(InputType.feedForward(4))
                .build());
        features.init();
        assertThatThrownBy(() -> InputGradients.of(features, a, random(65, 3, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an output layer")
                .hasMessageContaining("ofOutput");
        assertThatThrownBy(() -> InputGradients.of(features, a, null)).hasMessageContaining("labels");
    }

    private static ComputationGraph twoInputGraph(NeuralNetConfiguration.Builder base) {
        ComputationGraphConfiguration conf = base.graphBuilder()
                .addInputs("a", "b")
                .addLayer(
                        "d1",
                        new DenseLayer.Builder()
                                .nOut(3)
                                .activation(Activation.TANH)
                                .build(),
                        "a")
                .addLayer(
                        "d2",
                        new DenseLayer.Builder()
                                .nOut(3)
                                .activation(Activation.TANH)
                                .build(),
                        "b")
                .addLayer(
                        "d3",
                        new DenseLayer.Builder()
                                .nOut(2)
                                .activation(Activation.SIGMOID)
                                .build(),
                        "a")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "d1", "d2")
                .addVertex("merged", new MergeVertex(), "sum", "d3")
                .addLayer(
                        "out",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                                .nOut(2)
                                .activation(Activation.IDENTITY)
                                .build(),
                        "merged")
                .setOutputs("out")
                .setInputTypes(InputType.feedForward(4), InputType.feedForward(3))
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder()
                .seed(7)
                .dataType(DataType.DOUBLE)
                .updater(new Adam(1e-2))
                .weightInit(WeightInit.XAVIER);
    }

    private static ConvolutionLayer conv() {
        return new ConvolutionLayer.Builder(3, 3)
                .nOut(2)
                .activation(Activation.TANH)
                .build();
    }

    private static SubsamplingLayer pool() {
        return new SubsamplingLayer.Builder(PoolingType.AVG)
                .kernelSize(2, 2)
                .stride(2, 2)
                .build();
    }

    private static OutputLayer softmax(int n) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(n)
                .activation(Activation.SOFTMAX)
                .build();
    }

    private static INDArray random(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape);
    }

    private static INDArray oneHot(int rows, int classes, long seed) {
        java.util.Random random = new java.util.Random(seed);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, rows, classes);
        for (int i = 0; i < rows; i++) {
            y.putScalar(i, random.nextInt(classes), 1.0);
        }
        return y;
    }

    /** Central differences of {@code loss} with respect to the only input. */
    private static INDArray numeric(ToDoubleFunction<INDArray[]> loss, INDArray x) {
        return numeric(loss, 0, x);
    }

    /** Central differences of {@code loss} with respect to input {@code k}; the arrays given are not modified. */
    private static INDArray numeric(ToDoubleFunction<INDArray[]> loss, int k, INDArray... inputs) {
        INDArray[] xs = new INDArray[inputs.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = inputs[i].dup('c');
        }
        INDArray x = xs[k];
        INDArray g = Nd4j.zeros(DataType.DOUBLE, x.shape());
        INDArray flat = x.reshape(x.length());
        INDArray gFlat = g.reshape(g.length());
        for (long j = 0; j < x.length(); j++) {
            double v = flat.getDouble(j);
            flat.putScalar(j, v + H);
            double up = loss.applyAsDouble(xs);
            flat.putScalar(j, v - H);
            double down = loss.applyAsDouble(xs);
            flat.putScalar(j, v);
            gFlat.putScalar(j, (up - down) / (2 * H));
        }
        return g;
    }
}
