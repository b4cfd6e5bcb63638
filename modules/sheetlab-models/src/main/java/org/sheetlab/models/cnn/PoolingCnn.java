package org.sheetlab.models.cnn;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.layers.conv.FastConvolution2D;
import org.sheetlab.models.AbstractNetworkBuilder;
import org.sheetlab.models.MultiLayerNetworkBuilder;

/**
 * Sheet, "Pooling Gradients" (Final Q1): a small CNN for 28×28 grey images whose two pooling layers are of one
 * {@link PoolingKind}: conv 5×5×16 (relu) → pool 2×2 → conv 5×5×32 (relu) → pool 2×2 → dense 64 (relu) → dense 10
 * (softmax). Shapes: [B, 784] (flat, {@code InputType.convolutionalFlat(28, 28, 1)}) → [B,16,24,24] → [B,16,12,12] →
 * [B,32,8,8] → [B,32,4,4] → [B,64] → [B,10]; 46,730 parameters whatever the pooling (pooling has none):
 * conv1 5·5·1·16 + 16 = 416, conv2 5·5·16·32 + 32 = 12,832, dense 512·64 + 64 = 32,832, output 64·10 + 10 = 650.
 * Pooling comes after the ReLU, the sheet's domain for p-pooling.
 *
 * <pre>{@code
 * PoolingCnn.Builder b = PoolingCnn.builder().setPooling(PoolingKind.P3).optSeed(42).optUpdater(new Adam(1e-3));
 * MultiLayerConfiguration conf = b.build();
 * InputType in = b.inputType();   // convolutionalFlat(28, 28, 1)
 * }</pre>
 *
 * Defaults: He initialisation (WeightInit.RELU), Adam(1e-3), FLOAT (DL4J's default), seed 42. The pooling kind is
 * required.
 */
public final class PoolingCnn {
    /** Layer names, in order. */
    public static final String[] LAYER_NAMES = {"conv1", "pool1", "conv2", "pool2", "dense", "output"};

    private PoolingCnn() {}

    public static Builder builder() {
        return new Builder();
    }

    /** {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder extends AbstractNetworkBuilder<Builder> implements MultiLayerNetworkBuilder {
        private PoolingKind pooling;
        private boolean fastConvolution = true;

        /** Adam(1e-3), FLOAT by default. */
        Builder() {
            super(new Adam(1e-3), DataType.FLOAT);
        }

        /** The kind of both pooling layers (2×2, stride 2). Required. */
        public Builder setPooling(PoolingKind pooling) {
            this.pooling = pooling;
            return this;
        }

        /**
         * Whether the convolutions are {@link FastConvolution2D} (default: same parameters and results as DL4J's
         * ConvolutionLayer up to float rounding, several times faster on CPU) or DL4J's own {@code ConvolutionLayer}.
         */
        public Builder optFastConvolution(boolean fast) {
            this.fastConvolution = fast;
            return this;
        }

        private ConvolutionLayer.Builder convolution() {
            return fastConvolution ? new FastConvolution2D.Builder(5, 5) : new ConvolutionLayer.Builder(5, 5);
        }

        /** convolutionalFlat(28, 28, 1): flat [B, 784] rows of pixels. */
        @Override
        public InputType inputType() {
            return InputType.convolutionalFlat(28, 28, 1);
        }

        @Override
        public MultiLayerConfiguration build() {
            if (pooling == null) {
                throw new IllegalStateException("PoolingCnn: setPooling(kind) is required");
            }
            return base().weightInit(WeightInit.RELU)
                    .list()
                    .layer(convolution()
                            .name(LAYER_NAMES[0])
                            .nOut(16)
                            .activation(Activation.RELU)
                            .build())
                    .layer(named(pooling.layer(2), LAYER_NAMES[1]))
                    .layer(convolution()
                            .name(LAYER_NAMES[2])
                            .nOut(32)
                            .activation(Activation.RELU)
                            .build())
                    .layer(named(pooling.layer(2), LAYER_NAMES[3]))
                    .layer(new DenseLayer.Builder()
                            .name(LAYER_NAMES[4])
                            .nOut(64)
                            .activation(Activation.RELU)
                            .build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .name(LAYER_NAMES[5])
                            .nOut(10)
                            .activation(Activation.SOFTMAX)
                            .build())
                    .setInputType(inputType())
                    .build();
        }
    }

    private static Layer named(Layer l, String n) {
        l.setLayerName(n);
        return l;
    }
}
