package org.sheetlab.models.vae;

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
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.layers.vae.Reparameterization;
import org.sheetlab.models.FeedForwardBuilder;

/**
 * Sheet, VAE and VAE ELBO loss: a dense variational autoencoder with a Bernoulli decoder, trained by DL4J's own fit on
 * (x, x): x [B, n] → Dense(h, ReLU) → Dense(2k, identity) = [μ | log σ²] → {@link Reparameterization} z [B, k] →
 * Dense(h, ReLU) → Dense(n, sigmoid) p̂ [B, n], loss binary cross-entropy summed over the n pixels. The score is
 * the negative ELBO per example, Σⱼ BCE(p̂ⱼ, xⱼ) + β·KL (β = 1: the VAE; other β: the β-VAE).
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

    /** μ [B, k] of x [B, n] (inference, no sampling). */
    public static INDArray encode(MultiLayerNetwork net, INDArray x) {
        int k = ((Reparameterization) net.getLayer(2).conf().getLayer()).getLatentSize();
        INDArray posterior = net.feedForwardToLayer(1, x, false).get(2);
        return posterior.get(NDArrayIndex.all(), NDArrayIndex.interval(0, k)).dup();
    }

    /** p̂ [B, n] for latent codes z [B, k]. */
    public static INDArray decode(MultiLayerNetwork net, INDArray z) {
        return net.activateSelectedLayers(3, 4, z.castTo(net.params().dataType()));
    }

    /** {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder extends FeedForwardBuilder<Builder> {
        private int hidden = 256;
        private int latent = 2;
        private double beta = 1.0;

        Builder() {
            super(new Adam(1e-3), DataType.FLOAT);
        }

        @Override
        protected Builder self() {
            return this;
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

        @Override
        public MultiLayerConfiguration build() {
            check();
            if (hidden < 1 || latent < 1) {
                throw new IllegalStateException(
                        "VaeNetwork: hidden and latent sizes must be >= 1, got " + hidden + ", " + latent);
            }
            return base().weightInit(WeightInit.XAVIER)
                    .list()
                    .layer(new DenseLayer.Builder()
                            .name("encoder")
                            .nOut(hidden)
                            .activation(Activation.RELU)
                            .build())
                    .layer(new DenseLayer.Builder()
                            .name("posterior")
                            .nOut(2L * latent)
                            .activation(Activation.IDENTITY)
                            .build())
                    .layer(new Reparameterization.Builder()
                            .name("z")
                            .latentSize(latent)
                            .beta(beta)
                            .build())
                    .layer(new DenseLayer.Builder()
                            .name("decoder")
                            .nOut(hidden)
                            .activation(Activation.RELU)
                            .build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.XENT)
                            .name("reconstruction")
                            .nOut(inputSize)
                            .activation(Activation.SIGMOID)
                            .build())
                    .setInputType(InputType.feedForward(inputSize))
                    .build();
        }
    }
}
