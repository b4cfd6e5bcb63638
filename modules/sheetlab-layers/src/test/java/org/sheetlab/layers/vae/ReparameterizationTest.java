package org.sheetlab.layers.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.RoundTrips.assertRoundTrips;

import com.fasterxml.jackson.databind.JsonNode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.GradientChecks;
import org.sheetlab.testing.ReferenceValues;

/**
 * A tiny dense VAE around the layer: its score (the negative ELBO) and every gradient equal PyTorch autograd with the
 * same weights and noise (vae.py), with the Bernoulli decoder and with the Gaussian one
 * ({@code GaussianNegativeLogLikelihood}); DOUBLE gradient checks with the noise fixed, for β = 1 and β = 0.5 and the
 * Gaussian decoder; inference is z = μ; round trips; configuration errors.
 */
@ExtendWith(DoublePrecision.class)
class ReparameterizationTest {
    private static MultiLayerNetwork vae(double beta) {
        return vae(beta, 0);
    }

    /** sigma 0: Bernoulli decoder (cross-entropy); sigma > 0: Gaussian decoder N(x; p, sigma²). */
    private static MultiLayerNetwork vae(double beta, double sigma) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(3)
                        .activation(Activation.RELU)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nOut(4)
                        .activation(Activation.IDENTITY)
                        .build())
                .layer(new Reparameterization.Builder().latentSize(2).beta(beta).build())
                .layer(new DenseLayer.Builder()
                        .nOut(3)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder()
                        .lossFunction(
                                sigma > 0
                                        ? new org.sheetlab.core.loss.GaussianNegativeLogLikelihood(sigma)
                                        : new org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT())
                        .nOut(4)
                        .activation(Activation.SIGMOID)
                        .build())
                .setInputType(InputType.feedForward(4))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static final String[][] PARAMS = {
        {"0_W", "W1"},
        {"0_b", "b1"},
        {"1_W", "W2"},
        {"1_b", "b2"},
        {"3_W", "W3"},
        {"3_b", "b3"},
        {"4_W", "W4"},
        {"4_b", "b4"}
    };

    @Test
    void scoreAndGradientsMatchPyTorch() {
        for (JsonNode c : ReferenceValues.load("/reference/vae.json").cases()) {
            MultiLayerNetwork net = vae(c.get("beta").asDouble(), c.get("sigma").asDouble());
            for (String[] p : PARAMS) {
                net.setParam(p[0], ReferenceValues.array(c.get(p[1])));
            }
            INDArray x = ReferenceValues.array(c.get("x"));
            ((ReparameterizationLayer) net.getLayer(2)).fixNoise(ReferenceValues.array(c.get("eps")));
            net.setInput(x);
            net.setLabels(x);
            net.computeGradientAndScore();
            assertThat(net.score()).isCloseTo(c.get("score").asDouble(), within(1e-10));
            assertThat(((ReparameterizationLayer) net.getLayer(2)).lastKl())
                    .isCloseTo(c.get("kl").asDouble(), within(1e-12));
            for (String[] p : PARAMS) {
                INDArray g = net.gradient().getGradientFor(p[0]);
                assertAllClose(g, ReferenceValues.array(c.get("d" + p[1])).reshape(g.shape()), 1e-9, 1e-11);
            }
        }
    }

    @Test
    void gradientChecksPassWithTheNoiseFixed() {
        double[][] cases = {{1.0, 0}, {0.5, 0}, {1.0, 0.3}};
        for (double[] c : cases) {
            MultiLayerNetwork net = vae(c[0], c[1]);
            Nd4j.getRandom().setSeed(3);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 4).muli(0.8).addi(0.1);
            ((ReparameterizationLayer) net.getLayer(2)).fixNoise(Nd4j.randn(DataType.DOUBLE, 5, 2));
            GradientChecks.assertGradientsOk("VAE beta=" + c[0] + " sigma=" + c[1], GradientChecks.config(net, x, x));
        }
    }

    @Test
    void inferenceIsTheMeanAndTrainingSamples() {
        MultiLayerNetwork net = vae(1.0);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 4);
        INDArray enc = net.feedForwardToLayer(1, x, false).get(2);
        INDArray z = net.feedForwardToLayer(2, x, false).get(3);
        assertAllClose(
                z,
                enc.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2)),
                0,
                0);
        INDArray zTrain = net.feedForwardToLayer(2, x, true).get(3);
        assertThat(zTrain.equalsWithEps(z, 1e-6)).isFalse();
        assertRoundTrips(net, x);
        MultiLayerNetwork back = assertRoundTrips(vae(1.0, 0.3), x);
        assertThat(((OutputLayer) back.getLayer(4).conf().getLayer()).getLossFn())
                .isEqualTo(new org.sheetlab.core.loss.GaussianNegativeLogLikelihood(0.3));
    }

    /**
     * The host passes a fast core runs (HostTrainingPass) against the layer's own, in FLOAT: the same ε (the same
     * Nd4j.randn draw for the same seed), z, KL score and input gradient up to the rounding of exp; a fixed noise
     * sends the core to the layer's own passes; widths other than 2k are refused.
     */
    @Test
    void hostPassesEqualTheLayersOwnPasses() {
        for (double beta : new double[] {1.0, 0.5}) {
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                    .seed(5)
                    .dataType(DataType.FLOAT)
                    .updater(new NoOp())
                    .list()
                    .layer(new DenseLayer.Builder()
                            .nOut(6)
                            .activation(Activation.IDENTITY)
                            .build())
                    .layer(new Reparameterization.Builder()
                            .latentSize(3)
                            .beta(beta)
                            .build())
                    .layer(new OutputLayer.Builder()
                            .lossFunction(new org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT())
                            .nOut(4)
                            .activation(Activation.SIGMOID)
                            .build())
                    .setInputType(InputType.feedForward(4))
                    .build());
            net.init();
            ReparameterizationLayer layer = (ReparameterizationLayer) net.getLayer(1);
            assertThat(layer.hostOutputWidth(6)).isEqualTo(3);
            assertThat(layer.hostOutputWidth(5)).isEqualTo(-1);
            assertThat(layer.hostPassReady()).isTrue();
            Nd4j.getRandom().setSeed(4);
            INDArray h = Nd4j.randn(DataType.FLOAT, 7, 6).dup('c');
            INDArray delta = Nd4j.randn(DataType.FLOAT, 7, 3).dup('c');
            org.deeplearning4j.nn.workspace.LayerWorkspaceMgr ws =
                    org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
            Nd4j.getRandom().setSeed(11);
            INDArray zOwn = layer.activate(h, true, ws).dup();
            double klOwn = layer.calcRegularizationScore(true);
            INDArray dOwn = layer.backpropGradient(delta, ws).getSecond().dup();
            layer.clear();
            Nd4j.getRandom().setSeed(11);
            INDArray zHost = Nd4j.create(DataType.FLOAT, new long[] {7, 3}, 'c');
            INDArray dHost = Nd4j.create(DataType.FLOAT, new long[] {7, 6}, 'c');
            layer.hostForward(bytes(h), 0, 7, bytes(zHost), 0);
            double klHost = layer.calcRegularizationScore(true);
            layer.hostBackward(bytes(delta), 0, 7, bytes(dHost), 0);
            assertAllClose(zHost, zOwn, 1e-6, 1e-6);
            assertThat(klHost).isCloseTo(klOwn, within(1e-6 * Math.abs(klOwn) + 1e-7));
            assertThat(layer.lastKl()).isCloseTo(klOwn / beta, within(1e-6 * Math.abs(klOwn / beta) + 1e-7));
            assertAllClose(dHost, dOwn, 1e-6, 1e-6);
            assertThatThrownBy(() -> layer.hostBackward(bytes(delta), 0, 7, bytes(dHost), 0))
                    .as("one backward pass per forward pass")
                    .isInstanceOf(IllegalStateException.class);
            layer.fixNoise(Nd4j.zeros(DataType.FLOAT, 7, 3));
            assertThat(layer.hostPassReady()).isFalse();
        }
    }

    private static java.nio.ByteBuffer bytes(INDArray a) {
        return a.data().asNio().order(java.nio.ByteOrder.nativeOrder());
    }

    @Test
    void badConfigurationsAreNamed() {
        assertThatThrownBy(() -> new Reparameterization.Builder().latentSize(0).build())
                .hasMessage("Reparameterization: latentSize must be >= 1, got 0");
        assertThatThrownBy(() -> new Reparameterization.Builder()
                        .latentSize(2)
                        .beta(Double.POSITIVE_INFINITY)
                        .build())
                .hasMessage("Reparameterization: beta must be a finite number >= 0, got Infinity");
        assertThatThrownBy(() -> new NeuralNetConfiguration.Builder()
                        .list()
                        .layer(new DenseLayer.Builder().nOut(5).build())
                        .layer(new Reparameterization.Builder().latentSize(2).build())
                        .layer(new OutputLayer.Builder().nOut(2).build())
                        .setInputType(InputType.feedForward(3))
                        .build())
                .hasMessageContaining("Dense(4, identity)");
    }
}
