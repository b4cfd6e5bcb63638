package org.sheetlab.models.blocks;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.nd4j.linalg.activations.Activation;

/**
 * Sheet, "Convolutional Networks" → "DepthwiseConv: 1 filter/channel (MobileNet)" and "ReLU6 (MobileNet)
 * relu6(z) = min(max(0, z), 6)": MobileNet's depthwise-separable block, a K×K depthwise convolution (DL4J's
 * {@link DepthwiseConvolution2D} with depth multiplier 1: one K×K filter per input channel, no mixing across channels)
 * → [BN] → ReLU6 → a 1×1 pointwise convolution ({@link PointwiseConvolution}, the channel mixing) → [BN] → ReLU6.
 *
 * <p>Shapes: [B, C_in, H, W] → depthwise (stride S, same padding P = (K − 1)/2) [B, C_in, ⌈H/S⌉, ⌈W/S⌉] → pointwise
 * [B, C_out, ⌈H/S⌉, ⌈W/S⌉]. Parameters: depthwise K²·C_in + C_in (3×3 on 32 channels: 9·32 + 32 = 320), pointwise
 * C_in·C_out + C_out, i.e. K²·C_in + C_in·C_out + C_in + C_out against K²·C_in·C_out + C_out for a standard K×K
 * convolution (32 → 64, K = 3: 320 + 2,112 = 2,432 against 18,496); batch norm adds 4·C per normalised layer.
 * ReLU6 is DL4J's {@code Activation.RELU6}.
 *
 * <pre>{@code
 * String h = DepthwiseSeparableBlock.builder().setOutChannels(64).optStride(2).addTo(g, "x", "ds1");
 * }</pre>
 *
 * Vertices (block {@code d}): {@code d_dw} (the depthwise convolution with its ReLU6; with batch norm
 * {@code d_dw_conv} → {@code d_dw_bn} → {@code d_dw}), then {@code d} (the pointwise convolution with its ReLU6; with
 * batch norm {@code d_conv} → {@code d_bn} → {@code d}): the block's output.
 */
public final class DepthwiseSeparableBlock {
    private static final String OWNER = "DepthwiseSeparableBlock";

    private DepthwiseSeparableBlock() {}

    public static Builder builder() {
        return new Builder();
    }

    /** {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder extends BlockOptions<Builder> {
        private int channelsOut;
        private int kernel = 3;

        /** Batch norm on, RELU6 after both convolutions, stride 1 (of the depthwise convolution), K = 3 by default. */
        Builder() {
            super(true, Activation.RELU6);
        }

        /** C_out, the pointwise convolution's output channels. Required. */
        public Builder setOutChannels(int channelsOut) {
            this.channelsOut = channelsOut;
            return this;
        }

        /** The depthwise kernel size K (3 by default); odd, for same padding P = (K − 1)/2. */
        public Builder optKernel(int kernel) {
            this.kernel = kernel;
            return this;
        }

        /**
         * Adds the block to {@code g}, reading vertex {@code input} ([B, C_in, H, W]); returns {@code name}, the
         * block's output vertex ([B, C_out, ⌈H/S⌉, ⌈W/S⌉]).
         */
        public String addTo(ComputationGraphConfiguration.GraphBuilder g, String input, String name) {
            require(channelsOut >= 1, OWNER, "outChannels", channelsOut, ">= 1");
            checkOptions(OWNER);
            checkKernel(OWNER, kernel);
            int p = ConvBlocks.samePadding(kernel);
            DepthwiseConvolution2D.Builder depthwise = new DepthwiseConvolution2D.Builder(
                            new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {p, p})
                    .depthMultiplier(1);
            String dw = ConvBlocks.convUnit(g, input, name + "_dw", name + "_dw", depthwise, batchNorm, activation);
            return PointwiseConvolution.builder()
                    .setOutChannels(channelsOut)
                    .optBatchNorm(batchNorm)
                    .optActivation(activation)
                    .optFastConvolution(fastConvolution)
                    .addTo(g, dw, name);
        }
    }
}
