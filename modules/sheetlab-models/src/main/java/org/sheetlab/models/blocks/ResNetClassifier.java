package org.sheetlab.models.blocks;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;

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
    private ResNetClassifier() {}

    public static Builder builder() {
        return new Builder();
    }

    /** {@code setX} for required values, {@code optX} for optional ones (every value has a default). */
    public static final class Builder extends ConvClassifierBuilder<Builder> {
        private int[] widths = {16, 32};
        private int blocksPerStage = 1;

        Builder() {}

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

        @Override
        protected String owner() {
            return "ResNetClassifier";
        }

        @Override
        protected int stemWidth() {
            return widths[0];
        }

        @Override
        protected Activation stemActivation() {
            return Activation.RELU;
        }

        @Override
        protected void checkModel() {
            checkWidths("widths", widths);
            require(blocksPerStage >= 1, owner(), "blocksPerStage", blocksPerStage, ">= 1");
        }

        @Override
        protected String addBlocks(ComputationGraphConfiguration.GraphBuilder g, String stem) {
            String h = stem;
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
            return h;
        }
    }
}
