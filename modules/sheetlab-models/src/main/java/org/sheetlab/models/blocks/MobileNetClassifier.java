package org.sheetlab.models.blocks;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;

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
    private MobileNetClassifier() {}

    public static Builder builder() {
        return new Builder();
    }

    /** {@code setX} for required values, {@code optX} for optional ones (every value has a default). */
    public static final class Builder extends ConvClassifierBuilder<Builder> {
        private int stemWidth = 16;
        private int[] widths = {32, 64, 128};

        Builder() {}

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

        @Override
        protected String owner() {
            return "MobileNetClassifier";
        }

        @Override
        protected int stemWidth() {
            return stemWidth;
        }

        @Override
        protected Activation stemActivation() {
            return Activation.RELU6;
        }

        @Override
        protected void checkModel() {
            require(stemWidth >= 1, owner(), "stemWidth", stemWidth, ">= 1");
            checkWidths("widths", widths);
        }

        @Override
        protected String addBlocks(ComputationGraphConfiguration.GraphBuilder g, String stem) {
            String h = stem;
            for (int i = 0; i < widths.length; i++) {
                h = DepthwiseSeparableBlock.builder()
                        .setOutChannels(widths[i])
                        .optStride(i == 0 ? 1 : 2)
                        .optBatchNorm(batchNorm)
                        .optFastConvolution(fastConvolution)
                        .addTo(g, h, "ds" + (i + 1));
            }
            return h;
        }
    }
}
