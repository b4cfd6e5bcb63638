package org.sheetlab.layers.vae;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.params.EmptyParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.core.settings.InvalidSettingException;
import org.sheetlab.layers.LayerWiring;

/**
 * Sheet, VAE (reparameterization, KL, prior N(0, I)) and the VAE ELBO loss: the stochastic middle of a variational
 * autoencoder as a parameter-free layer. Input [B, 2k]: the encoder's μ (columns 0 … k−1) and log σ² (columns k …
 * 2k−1), e.g. from a Dense(2k, identity). Output z [B, k]:
 * <pre>
 *   training:   z = μ + σ ⊙ ε,  σ = exp(½ log σ²),  ε ~ N(0, I) from ND4J's generator (seeded per batch by the harness)
 *   inference:  z = μ           (or a sample, with {@code sampleAtInference(true)})
 * </pre>
 * The layer adds β·KL to the network's score, KL = −½ Σⱼ (1 + log σⱼ² − μⱼ² − σⱼ²) averaged over the batch
 * ({@code org.sheetlab.core.loss.GaussianKl}), so with a Bernoulli decoder (sigmoid output, XENT loss summed over the
 * pixels) DL4J's score is the negative ELBO per example: reconstruction cross-entropy + β·KL (β = 1: the VAE; β ≠ 1:
 * the β-VAE). Backward: ∂/∂μ = δz + β·μ, ∂/∂log σ² = δz ⊙ ε ⊙ ½σ + β·½(σ² − 1), per example (DL4J's updater divides
 * every gradient by the minibatch size, as for the loss).
 *
 * <pre>{@code new Reparameterization.Builder().latentSize(2).beta(1.0).build()}</pre>
 */
public final class Reparameterization extends NoParamLayer {
    private static final long serialVersionUID = 1L;

    private int latentSize;
    private double beta = 1.0;
    private boolean sampleAtInference;

    /** For JSON. */
    public Reparameterization() {}

    private Reparameterization(Builder b) {
        super(b);
        InvalidSettingException.require(b.latentSize >= 1, "Reparameterization", "latentSize", b.latentSize, ">= 1");
        InvalidSettingException.require(
                b.beta >= 0 && Double.isFinite(b.beta), "Reparameterization", "beta", b.beta, "a finite number >= 0");
        this.latentSize = b.latentSize;
        this.beta = b.beta;
        this.sampleAtInference = b.sampleAtInference;
    }

    public int getLatentSize() {
        return latentSize;
    }

    public void setLatentSize(int latentSize) {
        this.latentSize = latentSize;
    }

    public double getBeta() {
        return beta;
    }

    public void setBeta(double beta) {
        this.beta = beta;
    }

    public boolean isSampleAtInference() {
        return sampleAtInference;
    }

    public void setSampleAtInference(boolean sampleAtInference) {
        this.sampleAtInference = sampleAtInference;
    }

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        return LayerWiring.wire(
                new ReparameterizationLayer(conf, networkDataType), conf, listeners, layerIndex, null, Map.of());
    }

    @Override
    public ParamInitializer initializer() {
        return EmptyParamInitializer.getInstance();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeFeedForward ff) || ff.getSize() != 2L * latentSize) {
            throw new IllegalArgumentException("Reparameterization"
                    + (getLayerName() != null ? " '" + getLayerName() + "'" : "")
                    + ": expects [B, 2k] = [μ | log σ²] with k = " + latentSize + ", i.e. feedForward("
                    + 2 * latentSize + "), got " + inputType + "; end the encoder with a Dense(" + 2 * latentSize
                    + ", identity)");
        }
        return InputType.feedForward(latentSize);
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return LayerWiring.memoryReport(this, inputType, 3L * latentSize, 3L * latentSize);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reparameterization r
                && super.equals(o)
                && latentSize == r.latentSize
                && Double.compare(beta, r.beta) == 0
                && sampleAtInference == r.sampleAtInference;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * super.hashCode() + latentSize) + Double.hashCode(beta);
    }

    /** Builder: {@code latentSize} k (required), {@code beta} (1), {@code sampleAtInference} (false). */
    @SuppressWarnings("unchecked")
    public static final class Builder extends org.deeplearning4j.nn.conf.layers.Layer.Builder<Builder> {
        private int latentSize;
        private double beta = 1.0;
        private boolean sampleAtInference;

        public Builder latentSize(int k) {
            this.latentSize = k;
            return this;
        }

        /** β, the weight of the KL term (1: the VAE's ELBO; other values: a β-VAE). */
        public Builder beta(double beta) {
            this.beta = beta;
            return this;
        }

        /** Draw z at inference too (default: z = μ, deterministic). */
        public Builder sampleAtInference(boolean sample) {
            this.sampleAtInference = sample;
            return this;
        }

        @Override
        public Reparameterization build() {
            return new Reparameterization(this);
        }
    }
}
