package org.sheetlab.models.vae;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.core.loss.GaussianNegativeLogLikelihood;
import org.sheetlab.layers.conv.FastConvolution2D;
import org.sheetlab.layers.conv.FastDeconvolution2D;
import org.sheetlab.layers.vae.Reparameterization;
import org.sheetlab.models.FeedForwardBuilder;

/**
 * Sheet, VAE and VAE ELBO loss: a dense variational autoencoder with a Bernoulli decoder, trained by DL4J's own fit on
 * (x, x): x [B, n] → Dense(h, ReLU) → Dense(2k, identity) = [μ | log σ²] → {@link Reparameterization} z [B, k] →
 * Dense(h, ReLU) → Dense(n, sigmoid) p̂ [B, n], loss binary cross-entropy summed over the n pixels. The score is
 * the negative ELBO per example, Σⱼ BCE(p̂ⱼ, xⱼ) + β·KL (β = 1: the VAE; other β: the β-VAE). With
 * {@code optGaussianDecoder(σ)} the decoder is N(x; p̂, σ²I) instead (sigmoid mean, fixed σ), its loss the full
 * negative log-density ({@link GaussianNegativeLogLikelihood}), so the score is again the negative ELBO in nats.
 *
 * <p><b>Score: the batch mean; gradient: of the batch sum.</b> For a batch of B examples, {@code net.score()} (and the
 * harness's {@code trainLoss}) is the mean over the batch,
 * <pre>
 *   score = (1/B) Σ_b [ recon_b + β·KL_b ]     (nats per example; KL enters through the Reparameterization layer)
 * </pre>
 * but the gradient DL4J's backpropagation computes ({@code net.computeGradientAndScore()}, {@code net.gradient()})
 * is that of the batch <em>sum</em> Σ_b [recon_b + β·KL_b], B times the gradient of the score. DL4J's updater divides
 * it by B before the step (its minibatch division), so training follows the gradient of the mean. Whoever compares
 * a gradient with a difference of scores, or feeds the gradient to their own optimiser, divides it by B (or
 * multiplies the score by B).
 *
 * <p>Why not DL4J's VariationalAutoencoder layer: it trains only through layer-wise pretraining (not {@code fit} on
 * a supervised pair, so not through the harness's checkpoints and resume), has no β, and hides the KL term inside;
 * this model is ordinary layers plus one explicit, tested layer (gradients checked against PyTorch).
 *
 * <p>Layers: 0 "encoder", 1 "posterior" ([μ | log σ²]), 2 "z", 3 "decoder", 4 "reconstruction". {@link #encode}
 * returns μ, {@link #decode} maps latent codes to pixel probabilities (prior samples, manifolds).
 *
 * <p>Defaults: h = 256, k = 2, β = 1, Xavier initialisation, Adam(1e-3), FLOAT, seed 42.
 */
public final class VaeNetwork {
    private VaeNetwork() {}

    public static Builder builder() {
        return new Builder();
    }

    /** The index of the network's {@link Reparameterization} layer. */
    public static int latentLayer(MultiLayerNetwork net) {
        for (int i = 0; i < net.getnLayers(); i++) {
            if (net.getLayer(i).conf().getLayer() instanceof Reparameterization) {
                return i;
            }
        }
        throw new IllegalArgumentException("not a VAE: the network has no Reparameterization layer");
    }

    /** μ [B, k] of x [B, n] (inference, no sampling). */
    public static INDArray encode(MultiLayerNetwork net, INDArray x) {
        int r = latentLayer(net);
        int k = ((Reparameterization) net.getLayer(r).conf().getLayer()).getLatentSize();
        INDArray posterior = net.feedForwardToLayer(r - 1, x, false).get(r);
        return posterior.get(NDArrayIndex.all(), NDArrayIndex.interval(0, k)).dup();
    }

    /** p̂ [B, n] for latent codes z [B, k]. */
    public static INDArray decode(MultiLayerNetwork net, INDArray z) {
        int r = latentLayer(net);
        INDArray in = z.castTo(net.params().dataType());
        // activateSelectedLayers reads the batch size from the network's input. (Not net.clear() afterwards: it
        // drops the solver, and with it the Adam state of a network in training.)
        net.setInput(in);
        INDArray out = net.activateSelectedLayers(r + 1, net.getnLayers() - 1, in);
        return out.rank() == 2 ? out : out.reshape(out.size(0), out.length() / out.size(0));
    }

    /** σ of the network's Gaussian decoder, or empty for the Bernoulli decoder. */
    public static java.util.OptionalDouble decoderSigma(MultiLayerNetwork net) {
        var out = net.getLayer(net.getnLayers() - 1).conf().getLayer();
        var loss = out instanceof org.deeplearning4j.nn.conf.layers.BaseOutputLayer o
                ? o.getLossFn()
                : out instanceof org.deeplearning4j.nn.conf.layers.LossLayer l ? l.getLossFn() : null;
        return loss instanceof GaussianNegativeLogLikelihood g
                ? java.util.OptionalDouble.of(g.getSigma())
                : java.util.OptionalDouble.empty();
    }

    /**
     * log p(x | z) per example [B] for one training-mode pass (z drawn by the reparameterization layer, or its fixed
     * noise): Σⱼ xⱼ log p̂ⱼ + (1 − xⱼ) log(1 − p̂ⱼ) under the Bernoulli decoder, p̂ clipped to [1e−7, 1 − 1e−7]; or
     * −Σⱼ [(xⱼ − p̂ⱼ)²/(2σ²) + log σ + ½ log 2π] under the Gaussian one. x [B, n] in [0, 1]; computed in DOUBLE.
     */
    public static INDArray sampledLogLikelihood(MultiLayerNetwork net, INDArray x) {
        var acts = net.feedForward(x, true);
        INDArray xd = x.castTo(DataType.DOUBLE);
        INDArray p = acts.get(acts.size() - 1).castTo(DataType.DOUBLE).reshape(xd.shape());
        java.util.OptionalDouble sigma = decoderSigma(net);
        if (sigma.isPresent()) {
            double s = sigma.getAsDouble();
            INDArray d = p.sub(xd);
            return d.muli(d)
                    .divi(2 * s * s)
                    .addi(Math.log(s) + 0.5 * Math.log(2 * Math.PI))
                    .sum(1)
                    .negi();
        }
        INDArray pc = org.nd4j.linalg.ops.transforms.Transforms.max(
                org.nd4j.linalg.ops.transforms.Transforms.min(p, 1 - 1e-7, true), 1e-7, false);
        return xd.mul(org.nd4j.linalg.ops.transforms.Transforms.log(pc, true))
                .addi(xd.rsub(1.0).muli(org.nd4j.linalg.ops.transforms.Transforms.log(pc.rsub(1.0), false)))
                .sum(1);
    }

    /**
     * The importance-weighted bound on log p(x) (Burda et al.), per example [B], nats:
     * <pre>
     *   L_K = log (1/K) Σ_{i=1..K} p(x | z_i) p(z_i) / q(z_i | x),    z_i = μ + σ ⊙ ε_i
     * </pre>
     * with the decoder's p(x | z) ({@link #sampledLogLikelihood}: Bernoulli or Gaussian) and the prior N(0, I). L_1 is an
     * unbiased estimate of the ELBO, and E[L_K] rises towards log p(x) as K grows (so L_K ≥ ELBO on average): a
     * tighter figure than the ELBO for comparing models. ε comes from ND4J's generator: seed it for repeatable
     * values. x [B, n] in [0, 1].
     */
    public static INDArray importanceWeightedBound(MultiLayerNetwork net, INDArray x, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("the number of importance samples K must be >= 1, got " + k);
        }
        int r = latentLayer(net);
        int latent = ((Reparameterization) net.getLayer(r).conf().getLayer()).getLatentSize();
        org.sheetlab.layers.vae.ReparameterizationLayer rep =
                (org.sheetlab.layers.vae.ReparameterizationLayer) net.getLayer(r);
        INDArray posterior = net.feedForwardToLayer(r - 1, x, false).get(r).castTo(DataType.DOUBLE);
        INDArray mu = posterior.get(NDArrayIndex.all(), NDArrayIndex.interval(0, latent));
        INDArray logVar = posterior.get(NDArrayIndex.all(), NDArrayIndex.interval(latent, 2 * latent));
        long b = x.size(0);
        double[][] logW = new double[k][];
        try {
            for (int i = 0; i < k; i++) {
                INDArray eps = org.nd4j.linalg.factory.Nd4j.randn(DataType.DOUBLE, b, latent);
                rep.fixNoise(eps);
                INDArray logPx = sampledLogLikelihood(net, x);
                INDArray z = org.nd4j.linalg.ops.transforms.Transforms.exp(logVar.mul(0.5), false)
                        .muli(eps)
                        .addi(mu);
                // log p(z) − log q(z|x) = Σ_j [−½ z_j² + ½ ε_j² + ½ log σ_j²] (the 2π terms cancel)
                INDArray logRatio = z.mul(z)
                        .muli(-0.5)
                        .addi(eps.mul(eps).muli(0.5))
                        .addi(logVar.mul(0.5))
                        .sum(1);
                logW[i] = logPx.addi(logRatio).toDoubleVector();
            }
        } finally {
            rep.fixNoise(null);
        }
        double[] out = new double[(int) b];
        for (int e = 0; e < b; e++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < k; i++) {
                m = Math.max(m, logW[i][e]);
            }
            double s = 0;
            for (int i = 0; i < k; i++) {
                s += Math.exp(logW[i][e] - m);
            }
            out[e] = m + Math.log(s / k);
        }
        return org.nd4j.linalg.factory.Nd4j.createFromArray(out);
    }

    /** {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder extends FeedForwardBuilder<Builder> {
        private int hidden = 256;
        private int latent = 2;
        private double beta = 1.0;
        private boolean convolutional;
        private int[] channels = {32, 64};
        private Activation hiddenActivation = Activation.RELU;
        private double gaussianSigma;

        Builder() {
            super(new Adam(1e-3), DataType.FLOAT);
        }

        public Builder optHidden(int hidden) {
            this.hidden = hidden;
            return this;
        }

        /** k, the latent size (2 by default, which can be plotted). */
        public Builder optLatent(int k) {
            this.latent = k;
            return this;
        }

        /** β, the KL weight (1 by default). */
        public Builder optBeta(double beta) {
            this.beta = beta;
            return this;
        }

        /**
         * The convolutional variant for 28×28 images (input [B, 784]): encoder Conv(c1, 4×4, stride 2, ReLU) →
         * Conv(c2, 4×4, stride 2, ReLU) → Dense(2k); decoder Dense(c2·7·7, ReLU) → Deconv(c1, 4×4, stride 2, ReLU) →
         * Deconv(1, 4×4, stride 2) → sigmoid with cross-entropy over the 784 pixels (a parameter-free LossLayer).
         */
        public Builder optConvolutional(boolean convolutional) {
            this.convolutional = convolutional;
            return this;
        }

        /**
         * A Gaussian decoder N(x; p̂, σ²I) with fixed σ > 0 (sigmoid mean p̂) instead of the Bernoulli one; its loss
         * is {@link GaussianNegativeLogLikelihood}. 0 (the default) keeps the Bernoulli decoder.
         */
        public Builder optGaussianDecoder(double sigma) {
            this.gaussianSigma = sigma;
            return this;
        }

        private org.nd4j.linalg.lossfunctions.ILossFunction reconstructionLoss() {
            if (gaussianSigma < 0 || Double.isNaN(gaussianSigma)) {
                throw new IllegalStateException("VaeNetwork: the Gaussian decoder's sigma must be > 0 (0 for the "
                        + "Bernoulli decoder), got " + gaussianSigma);
            }
            return gaussianSigma > 0
                    ? new GaussianNegativeLogLikelihood(gaussianSigma)
                    : new org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT();
        }

        /** The hidden layers' activation (ReLU by default; a smooth one for gradient checks). */
        public Builder optHiddenActivation(Activation activation) {
            this.hiddenActivation = activation;
            return this;
        }

        /** The convolutional variant's channels c1, c2 (32 and 64 by default). */
        public Builder optChannels(int c1, int c2) {
            this.channels = new int[] {c1, c2};
            return this;
        }

        @Override
        public MultiLayerConfiguration build() {
            check();
            if (convolutional) {
                return buildConvolutional();
            }
            require(hidden >= 1, "VaeNetwork", "hidden", hidden, ">= 1");
            require(latent >= 1, "VaeNetwork", "latent", latent, ">= 1");
            return base().weightInit(WeightInit.XAVIER)
                    .list()
                    .layer(new DenseLayer.Builder()
                            .name("encoder")
                            .nOut(hidden)
                            .activation(hiddenActivation)
                            .build())
                    .layer(posterior())
                    .layer(z())
                    .layer(new DenseLayer.Builder()
                            .name("decoder")
                            .nOut(hidden)
                            .activation(hiddenActivation)
                            .build())
                    .layer(new OutputLayer.Builder()
                            .lossFunction(reconstructionLoss())
                            .name("reconstruction")
                            .nOut(inputSize)
                            .activation(Activation.SIGMOID)
                            .build())
                    .setInputType(InputType.feedForward(inputSize))
                    .build();
        }

        /** [μ | log σ²] [B, 2k]: the encoder's last layer in both variants. */
        private DenseLayer posterior() {
            return new DenseLayer.Builder()
                    .name("posterior")
                    .nOut(2L * latent)
                    .activation(Activation.IDENTITY)
                    .build();
        }

        private Reparameterization z() {
            return new Reparameterization.Builder()
                    .name("z")
                    .latentSize(latent)
                    .beta(beta)
                    .build();
        }

        /**
         * A 4×4 (de)convolution with stride 2 and Same padding: it halves (a deconvolution doubles) the height and
         * width, 28 → 14 → 7 and back.
         */
        private static org.deeplearning4j.nn.conf.layers.Layer stride2(
                org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BaseConvBuilder<?> kernel4x4,
                String name,
                long nOut,
                Activation activation) {
            return kernel4x4
                    .name(name)
                    .stride(2, 2)
                    .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same)
                    .nOut(nOut)
                    .activation(activation)
                    .build();
        }

        private MultiLayerConfiguration buildConvolutional() {
            String owner = "VaeNetwork (convolutional)";
            require(inputSize == 784, owner, "inputSize", inputSize, "784 (28×28 images)");
            require(latent >= 1, owner, "latent", latent, ">= 1");
            require(channels[0] >= 1 && channels[1] >= 1, owner, "channels", channels, "two numbers >= 1");
            return base().weightInit(WeightInit.XAVIER)
                    .list()
                    .layer(stride2(new FastConvolution2D.Builder(4, 4), "conv1", channels[0], hiddenActivation))
                    .layer(stride2(new FastConvolution2D.Builder(4, 4), "conv2", channels[1], hiddenActivation))
                    .layer(posterior())
                    .layer(z())
                    .layer(new DenseLayer.Builder()
                            .name("decoder")
                            .nOut(channels[1] * 7L * 7L)
                            .activation(hiddenActivation)
                            .build())
                    .layer(stride2(new FastDeconvolution2D.Builder(4, 4), "deconv1", channels[0], hiddenActivation))
                    .layer(stride2(new FastDeconvolution2D.Builder(4, 4), "deconv2", 1, Activation.IDENTITY))
                    .layer(new org.deeplearning4j.nn.conf.layers.LossLayer.Builder()
                            .lossFunction(reconstructionLoss())
                            .name("reconstruction")
                            .activation(Activation.SIGMOID)
                            .build())
                    .inputPreProcessor(
                            5,
                            new org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor(7, 7, channels[1]))
                    .setInputType(InputType.convolutionalFlat(28, 28, 1))
                    .build();
        }
    }
}
