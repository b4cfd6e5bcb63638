package org.sheetlab.models.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.layers.vae.ReparameterizationLayer;

@org.junit.jupiter.api.extension.ExtendWith(org.sheetlab.testing.DoublePrecision.class)
class VaeNetworkTest {
    private static MultiLayerNetwork net() {
        MultiLayerNetwork n = new MultiLayerNetwork(VaeNetwork.builder()
                .setInputSize(12)
                .optHidden(8)
                .optLatent(3)
                .optDataType(DataType.DOUBLE)
                .build());
        n.init();
        return n;
    }

    /**
     * L_1 averaged over many draws estimates the ELBO (reconstruction + closed-form KL, also averaged), and
     * E[L_K] rises with K: the bound for K = 64 lies above the ELBO.
     */
    @Test
    void importanceWeightedBoundEstimatesTheElboAtKOneAndTightensWithK() {
        MultiLayerNetwork net = net();
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 12);
        // the ELBO by averaging the network's own score (reconstruction + β·KL, β = 1) over noise draws
        double elbo = 0;
        int draws = 400;
        for (int i = 0; i < draws; i++) {
            net.setInput(x);
            net.setLabels(x);
            net.computeGradientAndScore();
            elbo -= net.score();
        }
        elbo /= draws;
        double l1 = 0;
        double l1Sq = 0;
        for (int i = 0; i < draws; i++) {
            double v =
                    VaeNetwork.importanceWeightedBound(net, x, 1).meanNumber().doubleValue();
            l1 += v;
            l1Sq += v * v;
        }
        l1 /= draws;
        double se = Math.sqrt((l1Sq / draws - l1 * l1) / draws);
        assertThat(l1).isCloseTo(elbo, within(5 * se + 0.05));
        double l64 = 0;
        for (int i = 0; i < 20; i++) {
            l64 += VaeNetwork.importanceWeightedBound(net, x, 64).meanNumber().doubleValue() / 20;
        }
        assertThat(l64).isGreaterThan(elbo);
        assertThat(((ReparameterizationLayer) net.getLayer(2))).isNotNull();
        assertThatThrownBy(() -> VaeNetwork.importanceWeightedBound(net, x, 0)).hasMessageContaining("K must be >= 1");
    }

    @Test
    void encodeAndDecodeShapes() {
        MultiLayerNetwork net = net();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 12);
        INDArray mu = VaeNetwork.encode(net, x);
        assertThat(mu.shape()).containsExactly(5, 3);
        INDArray p = VaeNetwork.decode(net, mu);
        assertThat(p.shape()).containsExactly(5, 12);
        assertThat(p.minNumber().doubleValue()).isGreaterThan(0.0);
        assertThat(p.maxNumber().doubleValue()).isLessThan(1.0);
        // decoding μ is what inference does end to end (z = μ)
        assertThat(p.equalsWithEps(net.output(x), 1e-12)).isTrue();
    }

    /** The convolutional variant: shapes, the helpers, and a DOUBLE gradient check with the noise fixed. */
    @Test
    void convolutionalVariantPassesAGradientCheck() {
        MultiLayerNetwork net = new MultiLayerNetwork(VaeNetwork.builder()
                .setInputSize(784)
                .optConvolutional(true)
                .optChannels(2, 2)
                .optLatent(2)
                .optUpdater(new org.nd4j.linalg.learning.config.NoOp())
                // smooth activations: with ReLU, perturbations cross kinks in the many near-zero conv units
                .optHiddenActivation(org.nd4j.linalg.activations.Activation.TANH)
                .optDataType(DataType.DOUBLE)
                .build());
        net.init();
        assertThat(VaeNetwork.latentLayer(net)).isEqualTo(3);
        Nd4j.getRandom().setSeed(2);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 784).muli(0.8).addi(0.1);
        assertThat(net.output(x).shape()).containsExactly(2, 784);
        assertThat(VaeNetwork.decode(net, VaeNetwork.encode(net, x)).equalsWithEps(net.output(x), 1e-12))
                .isTrue();
        ((ReparameterizationLayer) net.getLayer(3)).fixNoise(Nd4j.randn(DataType.DOUBLE, 2, 2));
        // the score sums 784 pixel cross-entropies (~540 nats), each with a rounding error near 1e-15 relative, so the
        // score itself is only good to ~5e-13 and central differences with ε = 1e-5 to ~3e-8: the absolute floor is
        // 1e-7 here (the reparameterization layer's own check, in ReparameterizationTest, uses the default 1e-9)
        org.sheetlab.testing.GradientChecks.assertGradientsOk(
                "convolutional VAE",
                org.sheetlab.testing.GradientChecks.config(net, x, x)
                        .epsilon(1e-5)
                        .minAbsoluteError(1e-7));
        assertThatThrownBy(() -> VaeNetwork.builder()
                        .setInputSize(100)
                        .optConvolutional(true)
                        .build())
                .hasMessage("VaeNetwork (convolutional): inputSize must be 784 (28×28 images), got 100");
    }

    /**
     * The Gaussian decoder, dense and convolutional: with the noise fixed, the network's score is −log p(x|z) from
     * {@link VaeNetwork#sampledLogLikelihood} plus the KL (β = 1), i.e. the negative ELBO with the Gaussian's
     * constants; {@code decoderSigma} reads σ back, and σ < 0 is named.
     */
    @Test
    void gaussianDecoderScoreIsTheNegativeElbo() {
        for (boolean conv : new boolean[] {false, true}) {
            MultiLayerNetwork net = new MultiLayerNetwork(VaeNetwork.builder()
                    .setInputSize(conv ? 784 : 12)
                    .optConvolutional(conv)
                    .optChannels(2, 2)
                    .optHidden(8)
                    .optLatent(3)
                    .optGaussianDecoder(0.2)
                    .optDataType(DataType.DOUBLE)
                    .build());
            net.init();
            assertThat(VaeNetwork.decoderSigma(net)).hasValue(0.2);
            Nd4j.getRandom().setSeed(5);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 3, conv ? 784 : 12);
            int r = VaeNetwork.latentLayer(net);
            ((ReparameterizationLayer) net.getLayer(r)).fixNoise(Nd4j.randn(DataType.DOUBLE, 3, 3));
            net.setInput(x);
            net.setLabels(x);
            net.computeGradientAndScore();
            double kl = ((ReparameterizationLayer) net.getLayer(r)).lastKl();
            double score = net.score();
            double logPx = VaeNetwork.sampledLogLikelihood(net, x).meanNumber().doubleValue();
            assertThat(score).as("conv " + conv).isCloseTo(-logPx + kl, within(1e-9));
            // by hand from the decoder's mean: Σ_j (x_j − μ_j)²/(2σ²) + n (log σ + ½ log 2π), averaged
            var acts = net.feedForward(x, true);
            double[] mu = acts.get(acts.size() - 1).reshape(x.length()).toDoubleVector();
            double[] xs = x.reshape(x.length()).toDoubleVector();
            double nll = 0;
            for (int i = 0; i < xs.length; i++) {
                nll += (xs[i] - mu[i]) * (xs[i] - mu[i]) / (2 * 0.04) + Math.log(0.2) + 0.5 * Math.log(2 * Math.PI);
            }
            assertThat(-logPx).isCloseTo(nll / 3, within(1e-9));
        }
        assertThat(VaeNetwork.decoderSigma(net())).isEmpty();
        assertThatThrownBy(() -> VaeNetwork.builder()
                        .setInputSize(12)
                        .optGaussianDecoder(-1)
                        .build())
                .hasMessageContaining("sigma must be > 0");
    }

    /**
     * The helpers leave training alone: a VAE that calls encode, decode, the sampled log-likelihood and the
     * importance-weighted bound between fits ends with bit-identical parameters and Adam state (m and v) to its twin
     * that does not (they keep the network's Adam state: no MultiLayerNetwork.clear(), which drops it).
     */
    @Test
    void helpersBetweenFitsDoNotChangeTraining() {
        MultiLayerNetwork plain = net();
        MultiLayerNetwork probed = net();
        for (int i = 0; i < 4; i++) {
            INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 12);
            Nd4j.getRandom().setSeed(20 + i);
            plain.fit(x, x);
            Nd4j.getRandom().setSeed(20 + i);
            probed.fit(x, x);
            VaeNetwork.decode(probed, VaeNetwork.encode(probed, x));
            VaeNetwork.sampledLogLikelihood(probed, x);
            VaeNetwork.importanceWeightedBound(probed, x, 3);
        }
        assertThat(probed.getUpdater(false)).isNotNull();
        assertBitIdentical(probed.params(), plain.params());
        assertBitIdentical(
                probed.getUpdater().getStateViewArray(), plain.getUpdater().getStateViewArray());
    }
}
