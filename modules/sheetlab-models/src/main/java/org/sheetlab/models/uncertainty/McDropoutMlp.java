package org.sheetlab.models.uncertainty;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.models.FeedForwardBuilder;

/**
 * Sheet, "Regularization" Q4b (dropout kept on at test time) with "Batch Normalization": the MLP the MC-dropout
 * experiment trains, n_in → Dense(300, relu) "dense1" → BatchNorm "bn1" → Dense(100, relu, dropout) "dense2" →
 * BatchNorm "bn2" → Dense(10, softmax, dropout) "output", categorical cross-entropy. Shapes: [B, n_in] → [B, 300] →
 * [B, 300] → [B, 100] → [B, 100] → [B, 10]. Parameters (n_in = 784): 235,500 + 4·300 (γ, β, running mean and
 * variance) + 30,100 + 4·100 + 1,010 = 268,210. Use it with {@link McDropout}, which keeps BatchNorm in inference mode.
 *
 * <pre>{@code
 * McDropoutMlp.Builder b = McDropoutMlp.builder().setInputSize(784).optRetain(0.5).optSeed(42);
 * MultiLayerConfiguration conf = b.build();
 * InputType in = b.inputType();   // feedForward(784)
 * }</pre>
 *
 * Defaults: retain probability 0.5 (DL4J's {@code dropOut(p)} keeps each activation with probability p), He
 * initialisation (WeightInit.RELU), Adam(1e-3), FLOAT (DL4J's default), seed 42. n_in is required.
 */
public final class McDropoutMlp {
    /** Layer names, in order. */
    public static final String[] LAYER_NAMES = {"dense1", "bn1", "dense2", "bn2", "output"};

    private McDropoutMlp() {}

    public static Builder builder() {
        return new Builder();
    }

    /** {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder extends FeedForwardBuilder<Builder> {
        private double retain = 0.5;

        /** Adam(1e-3), FLOAT by default. */
        Builder() {
            super(new Adam(1e-3), DataType.FLOAT);
        }

        /** Dropout retain probability p in (0, 1) on dense2 and output (0.5 by default). */
        public Builder optRetain(double retain) {
            this.retain = retain;
            return this;
        }

        @Override
        public MultiLayerConfiguration build() {
            check();
            return base().weightInit(WeightInit.RELU)
                    .list()
                    .layer(new DenseLayer.Builder()
                            .name(LAYER_NAMES[0])
                            .nOut(300)
                            .activation(Activation.RELU)
                            .build())
                    .layer(new BatchNormalization.Builder().name(LAYER_NAMES[1]).build())
                    .layer(new DenseLayer.Builder()
                            .name(LAYER_NAMES[2])
                            .nOut(100)
                            .activation(Activation.RELU)
                            .dropOut(retain)
                            .build())
                    .layer(new BatchNormalization.Builder().name(LAYER_NAMES[3]).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .name(LAYER_NAMES[4])
                            .nOut(10)
                            .activation(Activation.SOFTMAX)
                            .dropOut(retain)
                            .build())
                    .setInputType(InputType.feedForward(inputSize))
                    .build();
        }

        @Override
        protected void check() {
            super.check();
            require(retain > 0 && retain < 1, "McDropoutMlp", "retain", retain, "a probability in (0, 1)");
        }
    }
}
