package org.sheetlab.models.cnn;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
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
 *
 * <p>Options for a stronger training recipe in the same "2 Conv+pooling" shape (the pooling experiment's defaults use
 * them to reach Fashion-MNIST's 91.6%): {@link Builder#optWidths} (channels of the two convolutions and units of the
 * dense layer; default 16, 32, 64), {@link Builder#optBatchNorm} (batch normalization after each convolution, before
 * its ReLU, so pooling still sees non-negative inputs: conv → bn → relu → pool, layers {@code bn1}/{@code relu1} and
 * {@code bn2}/{@code relu2}; running statistics are used at inference, and {@code output(x, true)} would use batch
 * statistics instead) and {@link Builder#optDropout} (the drop probability on the inputs of the dense and output
 * layers, DL4J's inverted dropout with retain probability 1 − p).
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
        private int conv1 = 16;
        private int conv2 = 32;
        private int dense = 64;
        private boolean batchNorm;
        private double dropout;

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

        /** Channels of the two convolutions and units of the dense layer (default 16, 32, 64: the sheet's network). */
        public Builder optWidths(int conv1, int conv2, int dense) {
            this.conv1 = conv1;
            this.conv2 = conv2;
            this.dense = dense;
            return this;
        }

        /** Batch normalization after each convolution, before its ReLU (default off). */
        public Builder optBatchNorm(boolean batchNorm) {
            this.batchNorm = batchNorm;
            return this;
        }

        /** Drop probability in [0, 1) on the inputs of the dense and output layers (default 0: no dropout). */
        public Builder optDropout(double dropProbability) {
            this.dropout = dropProbability;
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
            if (conv1 < 1 || conv2 < 1 || dense < 1) {
                throw new IllegalArgumentException("PoolingCnn: widths must be >= 1, got " + conv1 + ", " + conv2 + ", "
                        + dense + "; e.g. optWidths(16, 32, 64)");
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException(
                        "PoolingCnn: the drop probability must be in [0, 1), got " + dropout + "; 0 turns dropout off");
            }
            NeuralNetConfiguration.ListBuilder list =
                    base().weightInit(WeightInit.RELU).list();
            block(list, 1, conv1);
            block(list, 2, conv2);
            DenseLayer.Builder d =
                    new DenseLayer.Builder().name(LAYER_NAMES[4]).nOut(dense).activation(Activation.RELU);
            OutputLayer.Builder out = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .name(LAYER_NAMES[5])
                    .nOut(10)
                    .activation(Activation.SOFTMAX);
            if (dropout > 0) {
                d.dropOut(1 - dropout); // DL4J's dropOut takes the retain probability
                out.dropOut(1 - dropout);
            }
            return list.layer(d.build())
                    .layer(out.build())
                    .setInputType(inputType())
                    .build();
        }

        /** conv i (5×5, {@code channels}) → [bn i → relu i] → pool i. */
        private void block(NeuralNetConfiguration.ListBuilder list, int i, int channels) {
            list.layer(convolution()
                    .name(LAYER_NAMES[2 * i - 2])
                    .nOut(channels)
                    .activation(batchNorm ? Activation.IDENTITY : Activation.RELU)
                    .build());
            if (batchNorm) {
                list.layer(new BatchNormalization.Builder().name("bn" + i).build());
                list.layer(new ActivationLayer.Builder()
                        .name("relu" + i)
                        .activation(Activation.RELU)
                        .build());
            }
            list.layer(named(pooling.layer(2), LAYER_NAMES[2 * i - 1]));
        }
    }

    private static Layer named(Layer l, String n) {
        l.setLayerName(n);
        return l;
    }
}
