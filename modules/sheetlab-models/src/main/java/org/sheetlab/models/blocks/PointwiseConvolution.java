package org.sheetlab.models.blocks;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.activations.Activation;

/**
 * Sheet, "Convolutional Networks" → "1×1 Conv: channel projection, no spatial": a 1×1 convolution mixes the C_in
 * channels of each pixel into C_out channels, the same linear map at every position, y[b, :, i, j] = W · x[b, :, i, j]
 * + b with W ∈ R^(C_out × C_in). Parameters: K²·C_in·C_out + C_out with K = 1, i.e. C_in·C_out + C_out (1×1 conv
 * 64 → 16: 64·16 + 16 = 1,040). Shapes: [B, C_in, H, W] → [B, C_out, ⌊(H − 1)/S⌋ + 1, ⌊(W − 1)/S⌋ + 1] (P = 0, the
 * sheet's O = ⌊(W − K + 2P)/S⌋ + 1 with K = 1).
 *
 * <p>By default a pure projection: no batch norm, identity activation. The residual block's skip projection and the
 * pointwise half of the depthwise-separable block are this block.
 *
 * <pre>{@code
 * GraphBuilder g = ...addInputs("x").setInputTypes(InputType.convolutional(8, 8, 64));
 * String y = PointwiseConvolution.builder().setOutChannels(16).addTo(g, "x", "proj");   // [B, 16, 8, 8]
 * }</pre>
 *
 * Vertices: without batch norm one convolution named {@code name}; with it {@code name_conv} → {@code name_bn} →
 * {@code name} (the activation), or {@code name_conv} → {@code name} (batch norm) for the identity.
 */
public final class PointwiseConvolution {
    private static final String OWNER = "PointwiseConvolution";

    private PointwiseConvolution() {}

    public static Builder builder() {
        return new Builder();
    }

    /** {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder extends BlockOptions<Builder> {
        private int channelsOut;

        /** No batch norm, IDENTITY activation, stride 1 by default. */
        Builder() {
            super(false, Activation.IDENTITY);
        }

        /** C_out, the number of output channels. Required. */
        public Builder setOutChannels(int channelsOut) {
            this.channelsOut = channelsOut;
            return this;
        }

        /**
         * Adds the block to {@code g}, reading vertex {@code input} ([B, C_in, H, W]); returns {@code name}, the
         * block's output vertex ([B, C_out, ⌈H/S⌉, ⌈W/S⌉]).
         */
        public String addTo(ComputationGraphConfiguration.GraphBuilder g, String input, String name) {
            require(channelsOut >= 1, OWNER, "outChannels", channelsOut, ">= 1");
            checkOptions(OWNER);
            return ConvBlocks.convUnit(
                    g,
                    input,
                    name,
                    name,
                    ConvBlocks.convolution(1, stride, channelsOut, fastConvolution),
                    batchNorm,
                    activation);
        }
    }
}
