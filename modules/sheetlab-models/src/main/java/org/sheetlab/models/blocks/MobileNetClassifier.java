package org.sheetlab.models.blocks;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.models.AbstractNetworkBuilder;
import org.sheetlab.models.ComputationGraphBuilder;

/**
 * Sheet, "Convolutional Networks" → "DepthwiseConv: 1 filter/channel (MobileNet)", "ReLU6", "1×1 Conv": a small
 * MobileNet-style classifier made of {@link DepthwiseSeparableBlock}s. Layout (NCHW): input [B, C, H, W] →
 * {@code stem} 3×3 conv C → w₀ (same padding, BN, ReLU6) → {@code ds1}…{@code dsN}, depthwise-separable blocks of
 * widths w₁…w_N, the first with stride 1 and the others with stride 2 → {@code pool} global average pooling [B, w_N]
 * → {@code output} softmax [B, classes].
 *
 * <p>Defaults (catalog {@code mobilenet-small}): 28×28×1 input, stem 16, block widths 32, 64, 128, batch norm, 10
 * classes, He initialisation, Adam(1e-3), FLOAT, seed 42. Spatial sizes 28 → 28 → 14 → 7. Parameters: stem
 * 9·1·16 + 16 = 160; ds1 (9·16 + 16) + (16·32 + 32) = 160 + 544; ds2 (9·32 + 32) + (32·64 + 64) = 320 + 2,112; ds3
 * (9·64 + 64) + (64·128 + 128) = 640 + 8,320; output 128·10 + 10 = 1,290: 13,546, plus batch norm 4·(16 + 16 + 32 +
 * 32 + 64 + 64 + 128) = 1,408: 14,954.
 *
 * <pre>{@code
 * ComputationGraph net = MobileNetClassifier.builder().optInput(32, 32, 3).optWidths(32, 64).init();
 * }</pre>
 */
public final class MobileNetClassifier {
    private static final String OWNER = "MobileNetClassifier";

    private MobileNetClassifier() {}

    public static Builder builder() {
        return new Builder();
    }

    /** {@code setX} for required values, {@code optX} for optional ones (every value has a default). */
    public static final class Builder extends AbstractNetworkBuilder<Builder> implements ComputationGraphBuilder {
        private int height = 28;
        private int width = 28;
        private int channels = 1;
        private int classes = 10;
        private int stemWidth = 16;
        private int[] widths = {32, 64, 128};
        private boolean batchNorm = true;
        private boolean fastConvolution = true;

        /** Adam(1e-3), FLOAT by default. */
        Builder() {
            super(new Adam(1e-3), DataType.FLOAT);
        }

        /** Input height, width and channels (28, 28, 1 by default). */
        public Builder optInput(int height, int width, int channels) {
            this.height = height;
            this.width = width;
            this.channels = channels;
            return this;
        }

        /** Number of classes (10 by default). */
        public Builder optClasses(int classes) {
            this.classes = classes;
            return this;
        }

        /** The stem convolution's output channels (16 by default). */
        public Builder optStemWidth(int stemWidth) {
            this.stemWidth = stemWidth;
            return this;
        }

        /** Output channels of each depthwise-separable block, one block per value (32, 64, 128 by default). */
        public Builder optWidths(int... widths) {
            this.widths = widths.clone();
            return this;
        }

        /** Batch normalization after every convolution (on by default). */
        public Builder optBatchNorm(boolean batchNorm) {
            this.batchNorm = batchNorm;
            return this;
        }

        /** FastConvolution2D (default) or DL4J's ConvolutionLayer for the stem and pointwise convolutions. */
        public Builder optFastConvolution(boolean fast) {
            this.fastConvolution = fast;
            return this;
        }

        /** convolutional(H, W, C): [B, C, H, W] images. */
        @Override
        public InputType inputType() {
            return InputType.convolutional(height, width, channels);
        }

        @Override
        public ComputationGraphConfiguration build() {
            require(height >= 1 && width >= 1, OWNER, "input", height + "x" + width, "at least 1x1");
            require(channels >= 1, OWNER, "channels", channels, ">= 1");
            require(classes >= 2, OWNER, "classes", classes, ">= 2");
            require(stemWidth >= 1, OWNER, "stemWidth", stemWidth, ">= 1");
            require(widths.length >= 1, OWNER, "widths", Arrays.toString(widths), "at least one block width");
            require(Arrays.stream(widths).allMatch(w -> w >= 1), OWNER, "widths", Arrays.toString(widths), ">= 1 each");
            ComputationGraphConfiguration.GraphBuilder g = base().weightInit(WeightInit.RELU)
                    .graphBuilder()
                    .addInputs("input")
                    .setInputTypes(inputType());
            String h = ConvBlocks.convUnit(
                    g,
                    "input",
                    "stem",
                    "stem",
                    ConvBlocks.convolution(3, 1, stemWidth, fastConvolution),
                    batchNorm,
                    Activation.RELU6);
            for (int i = 0; i < widths.length; i++) {
                h = DepthwiseSeparableBlock.builder()
                        .setOutChannels(widths[i])
                        .optStride(i == 0 ? 1 : 2)
                        .optBatchNorm(batchNorm)
                        .optFastConvolution(fastConvolution)
                        .addTo(g, h, "ds" + (i + 1));
            }
            return g.setOutputs(ConvBlocks.classifierHead(g, h, classes)).build();
        }
    }
}
