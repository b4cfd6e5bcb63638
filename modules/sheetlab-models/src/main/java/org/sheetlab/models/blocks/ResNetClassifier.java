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
 * Sheet, "Convolutional Networks" → "ResNet skip: y = F(x, W) + x": a small ResNet classifier made of
 * {@link ResidualBlock}s. Layout (NCHW): input [B, C, H, W] → {@code stem} 3×3 conv C → w₁ (same padding, BN, ReLU)
 * → stage s = 1…n: {@code blocksPerStage} residual blocks {@code stage<s>_block<b>} of width w_s, the first block of
 * each stage after the first with stride 2 and a 1×1 projection skip (w_{s−1} → w_s), the others with the identity
 * skip → {@code pool} global average pooling [B, w_n] → {@code output} softmax [B, classes].
 *
 * <p>Defaults (catalog {@code resnet-small}): 28×28×1 input, widths 16, 32, one block per stage, batch norm, 10
 * classes, He initialisation, Adam(1e-3), FLOAT, seed 42. Spatial sizes 28 → 28 (stage 1) → 14 (stage 2,
 * O = ⌊(28 − 3 + 2)/2⌋ + 1). Parameters: stem 9·1·16 + 16 = 160 (+ BN 4·16), stage 1 2·(9·16·16 + 16) = 4,640
 * (+ BN 2·64), stage 2 (9·16·32 + 32) + (9·32·32 + 32) + (16·32 + 32) = 14,432 (+ BN 3·128), output 32·10 + 10 = 330:
 * 19,562 + 576 = 20,138.
 *
 * <pre>{@code
 * ComputationGraph net = ResNetClassifier.builder().optInput(32, 32, 3).optWidths(16, 32, 64).optBlocksPerStage(2)
 *         .init();                                            // a ResNet-14-like CIFAR network
 * }</pre>
 */
public final class ResNetClassifier {
    private static final String OWNER = "ResNetClassifier";

    private ResNetClassifier() {}

    public static Builder builder() {
        return new Builder();
    }

    /** {@code setX} for required values, {@code optX} for optional ones (every value has a default). */
    public static final class Builder extends AbstractNetworkBuilder<Builder> implements ComputationGraphBuilder {
        private int height = 28;
        private int width = 28;
        private int channels = 1;
        private int classes = 10;
        private int[] widths = {16, 32};
        private int blocksPerStage = 1;
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

        /** Channel width of each stage, one stage per value (16, 32 by default); the stem has the first width. */
        public Builder optWidths(int... widths) {
            this.widths = widths.clone();
            return this;
        }

        /** Residual blocks per stage (1 by default). */
        public Builder optBlocksPerStage(int blocks) {
            this.blocksPerStage = blocks;
            return this;
        }

        /** Batch normalization after every convolution (on by default). */
        public Builder optBatchNorm(boolean batchNorm) {
            this.batchNorm = batchNorm;
            return this;
        }

        /** FastConvolution2D (default) or DL4J's ConvolutionLayer for every convolution. */
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
            require(widths.length >= 1, OWNER, "widths", Arrays.toString(widths), "at least one stage width");
            require(Arrays.stream(widths).allMatch(w -> w >= 1), OWNER, "widths", Arrays.toString(widths), ">= 1 each");
            require(blocksPerStage >= 1, OWNER, "blocksPerStage", blocksPerStage, ">= 1");
            ComputationGraphConfiguration.GraphBuilder g = base().weightInit(WeightInit.RELU)
                    .graphBuilder()
                    .addInputs("input")
                    .setInputTypes(inputType());
            String h = ConvBlocks.convUnit(
                    g,
                    "input",
                    "stem",
                    "stem",
                    ConvBlocks.convolution(3, 1, widths[0], fastConvolution),
                    batchNorm,
                    Activation.RELU);
            int c = widths[0];
            for (int s = 0; s < widths.length; s++) {
                for (int b = 0; b < blocksPerStage; b++) {
                    h = ResidualBlock.builder()
                            .setChannels(c, widths[s])
                            .optStride(s > 0 && b == 0 ? 2 : 1)
                            .optBatchNorm(batchNorm)
                            .optFastConvolution(fastConvolution)
                            .addTo(g, h, "stage" + (s + 1) + "_block" + (b + 1));
                    c = widths[s];
                }
            }
            return g.setOutputs(ConvBlocks.classifierHead(g, h, classes)).build();
        }
    }
}
