package org.sheetlab.models.moe;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.layers.moe.MixtureOfExperts;
import org.sheetlab.models.FeedForwardBuilder;

/**
 * Sheet, DNNs as Data Structures (Final Q4): "Mixture-of-Experts: gating network routes input". A classifier whose
 * hidden layer is a {@link MixtureOfExperts} of E ReLU experts of width h, and its dense baseline with the same number
 * of parameters.
 * <ul>
 *   <li>{@link Kind#MOE}: input [B, n_in] → MixtureOfExperts(E × h, gate over E, optional top-k, load balancing λ)
 *       [B, h] → softmax [B, K]. Parameters E·(n_in·h + h) + (n_in·E + E) + (h·K + K).</li>
 *   <li>{@link Kind#DENSE}: input → Dense(H, ReLU) → softmax, with H = round((P_moe − K) / (n_in + 1 + K)) so that
 *       its (n_in + 1)·H + (H + 1)·K parameters equal the MoE's to within one hidden unit
 *       ({@link Builder#denseWidth()}).</li>
 * </ul>
 *
 * <pre>{@code
 * MultiLayerConfiguration moe = MoeClassifier.builder().setInputSize(784).optExperts(4).optExpertSize(64)
 *         .optTopK(2).optLoadBalancing(0.01).build();
 * MultiLayerConfiguration dense = MoeClassifier.builder().setInputSize(784).optExperts(4).optExpertSize(64)
 *         .setKind(MoeClassifier.Kind.DENSE).build();   // Dense(258): 205,120 vs 204,750 parameters
 * }</pre>
 *
 * Defaults: MOE, 4 experts of width 64, all experts mixed (top-k off), λ = 0.01, 10 classes, He initialisation,
 * Adam(1e-3), FLOAT, seed 42. The MoE layer is named "moe" (for {@code MixtureOfExpertsLayer#gates}).
 */
public final class MoeClassifier {
    /** The hidden layer: the mixture, or a dense layer of equal parameter count. */
    public enum Kind {
        MOE,
        DENSE
    }

    private MoeClassifier() {}

    public static Builder builder() {
        return new Builder();
    }

    /** {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder extends FeedForwardBuilder<Builder> {
        private Kind kind = Kind.MOE;
        private int experts = 4;
        private int expertSize = 64;
        private int topK;
        private double loadBalancing = 0.01;
        private int classes = 10;

        Builder() {
            super(new Adam(1e-3), DataType.FLOAT);
        }

        public Builder setKind(Kind kind) {
            this.kind = kind;
            return this;
        }

        /** E, the number of experts (4 by default). */
        public Builder optExperts(int experts) {
            this.experts = experts;
            return this;
        }

        /** h, each expert's width and the mixture's output size (64 by default). */
        public Builder optExpertSize(int expertSize) {
            this.expertSize = expertSize;
            return this;
        }

        /** Route each input to its k most probable experts (0, the default: mix all). */
        public Builder optTopK(int topK) {
            this.topK = topK;
            return this;
        }

        /** λ of the load-balancing term (0.01 by default; 0 turns it off). */
        public Builder optLoadBalancing(double lambda) {
            this.loadBalancing = lambda;
            return this;
        }

        public Builder optClasses(int classes) {
            this.classes = classes;
            return this;
        }

        /** The MoE network's parameter count. */
        public long moeParameters() {
            long n = inputSize;
            return experts * (n * expertSize + expertSize) + (n * experts + experts) + (expertSize + 1L) * classes;
        }

        /** H of the dense baseline: the width whose parameter count is nearest the MoE's. */
        public int denseWidth() {
            return (int) Math.round((moeParameters() - classes) / (double) (inputSize + 1 + classes));
        }

        @Override
        protected void check() {
            super.check();
            String owner = "MoeClassifier";
            require(kind != null, owner, "kind", kind, "MOE or DENSE");
            require(experts >= 1, owner, "experts", experts, ">= 1");
            require(expertSize >= 1, owner, "expertSize", expertSize, ">= 1");
            require(classes >= 2, owner, "classes", classes, ">= 2");
            require(
                    topK >= 0 && topK <= experts,
                    owner,
                    "topK",
                    topK,
                    "between 0 (mix all experts) and {experts} (" + experts + ")");
            require(
                    loadBalancing >= 0 && Double.isFinite(loadBalancing),
                    owner,
                    "loadBalancing",
                    loadBalancing,
                    ">= 0 (0: off)");
        }

        @Override
        public MultiLayerConfiguration build() {
            check();
            Layer hidden = kind == Kind.MOE
                    ? new MixtureOfExperts.Builder()
                            .name("moe")
                            .nOut(expertSize)
                            .experts(experts)
                            .topK(topK)
                            .loadBalancing(loadBalancing)
                            .activation(Activation.RELU)
                            .build()
                    : new DenseLayer.Builder()
                            .name("dense")
                            .nOut(denseWidth())
                            .activation(Activation.RELU)
                            .build();
            return base().weightInit(WeightInit.RELU)
                    .list()
                    .layer(hidden)
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .name("output")
                            .nOut(classes)
                            .activation(Activation.SOFTMAX)
                            .build())
                    .setInputType(InputType.feedForward(inputSize))
                    .build();
        }
    }
}
