package org.sheetlab.models.sheet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.core.training.BatchArithmetic;
import org.sheetlab.testing.DoublePrecision;

/** Sheet sections Activation Functions, Gradient Descent &amp; Backprop and Regularization (dropout, L1) on DL4J. */
@ExtendWith(DoublePrecision.class)
class ActivationsAndGradientDescentTest {
    private static final double[] Z = {-7, -2.5, -0.3, 0, 0.4, 1.7, 5.9, 8};

    private static INDArray act(Activation a, double[] z) {
        return a.getActivationFunction().getActivation(Nd4j.createFromArray(z), false);
    }

    @Test
    void dl4jActivationsAreTheSheetsFormulas() {
        INDArray sig = act(Activation.SIGMOID, Z);
        INDArray relu = act(Activation.RELU, Z);
        INDArray relu6 = act(Activation.RELU6, Z);
        for (int i = 0; i < Z.length; i++) {
            double s = 1 / (1 + Math.exp(-Z[i]));
            assertThat(sig.getDouble(i)).isCloseTo(s, within(1e-12));
            assertThat(relu.getDouble(i)).isEqualTo(Math.max(0, Z[i]));
            assertThat(relu6.getDouble(i)).isEqualTo(Math.min(Math.max(0, Z[i]), 6));
        }
        // σ' = σ(1 − σ): DL4J's backprop of the sigmoid with ε = 1
        INDArray dSig = Activation.SIGMOID
                .getActivationFunction()
                .backprop(Nd4j.createFromArray(Z), Nd4j.ones(DataType.DOUBLE, Z.length))
                .getFirst();
        assertAllClose(dSig, sig.mul(sig.rsub(1.0)), 1e-12, 1e-15);
        // softmax(z)_k = e^{z_k} / Σ_j e^{z_j}
        INDArray sm = Activation.SOFTMAX
                .getActivationFunction()
                .getActivation(Nd4j.createFromArray(new double[][] {Z}), false);
        double sum = 0;
        for (double z : Z) {
            sum += Math.exp(z);
        }
        for (int i = 0; i < Z.length; i++) {
            assertThat(sm.getDouble(0, i)).isCloseTo(Math.exp(Z[i]) / sum, within(1e-12));
        }
    }

    private static MultiLayerNetwork net(GradientNormalization gn, double threshold) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.DOUBLE)
                .updater(new Sgd(0.1))
                .gradientNormalization(gn)
                .gradientNormalizationThreshold(threshold)
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(6)
                        .activation(Activation.TANH)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nOut(2)
                        .activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.feedForward(3))
                .build();
        MultiLayerNetwork n = new MultiLayerNetwork(conf);
        n.init();
        return n;
    }

    /** w ← w − η ∂L/∂w is exactly DL4J's Sgd step (with DL4J's gradient summed over the batch, divided by B). */
    @Test
    void sgdStepAndGradientClipping() {
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 3);
        INDArray y = Nd4j.randn(DataType.DOUBLE, 4, 2).muli(50); // large targets: large gradients
        MultiLayerNetwork plain = net(GradientNormalization.None, 1);
        INDArray w0 = plain.params().dup();
        plain.setInput(x);
        plain.setLabels(y);
        plain.computeGradientAndScore();
        INDArray g = plain.gradient().gradient().dup().divi(4);
        plain.fit(new DataSet(x, y));
        assertAllClose(plain.params(), w0.sub(g.mul(0.1)), 1e-9, 1e-12);

        // clipping: cap ‖∇‖ per layer at the threshold. Each layer's step is then exactly η·threshold·ĝ (ĝ its
        // gradient's direction), a length of η·threshold = 0.05
        double eta = 0.1;
        double threshold = 0.5;
        MultiLayerNetwork clipped = net(GradientNormalization.ClipL2PerLayer, threshold);
        INDArray c0 = clipped.params().dup();
        assertBitIdentical(c0, w0); // same seed, same start
        clipped.fit(new DataSet(x, y));
        INDArray step = c0.sub(clipped.params());
        long n0 = clipped.getLayer(0).numParams();
        INDArrayIndex[] layers = {NDArrayIndex.interval(0, n0), NDArrayIndex.interval(n0, step.length())};
        for (int l = 0; l < 2; l++) {
            INDArray gl = g.get(layers[l]);
            double norm = gl.norm2Number().doubleValue();
            assertThat(norm)
                    .as("layer %d's gradient really is above the threshold", l)
                    .isGreaterThan(2 * threshold);
            assertAllClose(step.get(layers[l]), gl.mul(eta * threshold / norm), 1e-10, 1e-14);
            assertThat(step.get(layers[l]).norm2Number().doubleValue())
                    .as("layer %d step length", l)
                    .isCloseTo(eta * threshold, within(1e-12));
        }
        // a threshold above the gradient's norm leaves the step unchanged: exactly the plain SGD step
        MultiLayerNetwork unclipped = net(GradientNormalization.ClipL2PerLayer, 1e6);
        unclipped.fit(new DataSet(x, y));
        assertAllClose(unclipped.params(), w0.sub(g.mul(eta)), 1e-12, 1e-14);
        assertAllClose(unclipped.params(), plain.params(), 0, 0);
    }

    @Test
    void smallerBatchMeansMoreUpdatesPerEpoch() {
        assertThat(BatchArithmetic.updatesPerEpoch(60_000, 128)).isEqualTo(469);
        assertThat(BatchArithmetic.updatesPerEpoch(60_000, 32)).isEqualTo(1_875);
        assertThat(BatchArithmetic.updatesPerEpoch(10, 10)).isEqualTo(1);
        long previous = Long.MAX_VALUE;
        for (long b : new long[] {1, 8, 32, 128, 512}) {
            long u = BatchArithmetic.updatesPerEpoch(50_000, b);
            assertThat(u).isLessThan(previous);
            previous = u;
        }
    }

    /** Sheet: "Dropout: random zero during train; keep during inference". DL4J: dropOut(p) keeps with probability p. */
    @Test
    void dropoutZeroesInTrainingAndKeepsAllAtInference() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(9)
                .dataType(DataType.DOUBLE)
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(2000)
                        .activation(Activation.IDENTITY)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nOut(3)
                        .activation(Activation.IDENTITY)
                        .dropOut(0.75)
                        .build())
                .layer(new OutputLayer.Builder()
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(4))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray x = Nd4j.randn(DataType.DOUBLE, 5, 4);
        // inference keeps every unit unscaled: the output is the plain forward pass softmax(((x·W0 + b0)·W1 + b1)·W2
        // + b2), computed here by hand from the weights; and it is deterministic
        INDArray h = x;
        for (int i = 0; i < 2; i++) {
            h = h.mmul(net.getLayer(i).getParam("W"))
                    .addRowVector(net.getLayer(i).getParam("b"));
        }
        INDArray logits = h.mmul(net.getLayer(2).getParam("W"))
                .addRowVector(net.getLayer(2).getParam("b"));
        INDArray e = org.nd4j.linalg.ops.transforms.Transforms.exp(
                logits.subColumnVector(logits.max(1).reshape(5, 1)), true);
        INDArray expected = e.divColumnVector(e.sum(1).reshape(5, 1));
        INDArray inference = net.output(x, false);
        assertAllClose(inference, expected, 1e-12, 1e-15);
        assertBitIdentical(net.output(x, false), inference);
        // ... while a training-mode forward pass drops units and gives another output
        assertThat(net.output(x, true).sub(expected).amaxNumber().doubleValue()).isGreaterThan(1e-3);
        // in training the layer's input is dropped: about 25% zeros, the rest scaled by 1/0.75 (inverted dropout)
        INDArray in =
                net.getLayer(0).activate(x, false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        org.deeplearning4j.nn.api.Layer l1 = net.getLayer(1);
        l1.setInput(in.dup(), org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        l1.activate(true, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        INDArray dropped = l1.input();
        double zeros = dropped.eq(0.0).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        assertThat(zeros).isCloseTo(0.25, within(0.02));
        INDArray kept = dropped.neq(0.0).castTo(DataType.DOUBLE);
        assertAllClose(dropped.mul(kept), in.mul(kept).div(0.75), 1e-9, 1e-12);
    }
}
