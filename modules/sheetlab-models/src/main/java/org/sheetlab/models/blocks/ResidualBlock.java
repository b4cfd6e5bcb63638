package org.sheetlab.models.blocks;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * Sheet, "Convolutional Networks" → "ResNet skip: y = F(x, W) + x": the basic residual block of He et al. (2015). The
 * residual branch F is two K×K same-padded convolutions (K = 3 by default, P = (K − 1)/2), the first with stride S:
 *
 * <pre>
 *   F(x, W) = BN(conv₂(act(BN(conv₁(x)))))          (BN only with batch norm on)
 *   y       = act(F(x, W) + shortcut(x))            shortcut(x) = x, or BN(conv₁ₓ₁(x)) with stride S
 * </pre>
 *
 * The skip is the identity when C_in = C_out and S = 1, otherwise a 1×1 projection with stride S
 * ({@link PointwiseConvolution}), so that both terms have the shape [B, C_out, ⌈H/S⌉, ⌈W/S⌉]; the sum is an
 * {@link ElementWiseVertex} Add. The activation (ReLU by default) is applied after the addition, as in the original
 * ResNet: with F's weights and biases all zero the block outputs act(x), i.e. relu(x), and with
 * {@code optActivation(Activation.IDENTITY)} exactly x, the sheet's y = F(x, W) + x.
 *
 * <p>Shapes: [B, C_in, H, W] → [B, C_out, O_h, O_w], O = ⌊(W − K + 2P)/S⌋ + 1 = ⌈W/S⌉. Parameters (no batch norm):
 * K²·C_in·C_out + C_out + K²·C_out·C_out + C_out, plus C_in·C_out + C_out for a projection; batch norm adds 4·C_out
 * per normalised convolution (γ, β and the running mean and variance, as DL4J counts them). Example 16 → 32, S = 2,
 * no batch norm: 9·16·32 + 32 + 9·32·32 + 32 + 16·32 + 32 = 4,640 + 9,248 + 544 = 14,432.
 *
 * <pre>{@code
 * GraphBuilder g = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("x")
 *         .setInputTypes(InputType.convolutional(28, 28, 16));
 * String h = ResidualBlock.builder().setChannels(16, 16).addTo(g, "x", "res1");            // identity skip
 * h = ResidualBlock.builder().setChannels(16, 32).optStride(2).addTo(g, h, "res2");       // projection skip
 * }</pre>
 *
 * Vertices (block {@code r}): {@code r_1} (conv₁ with its activation; with batch norm {@code r_1_conv} → {@code r_1_bn}
 * → {@code r_1}), {@code r_2} (conv₂, linear; with batch norm {@code r_2_conv} → {@code r_2}), {@code r_proj} (when
 * projecting; {@code r_proj_conv} → {@code r_proj} with batch norm), {@code r_add} and {@code r}, the activation: the
 * block's output.
 */
public final class ResidualBlock {
    private static final String OWNER = "ResidualBlock";

    private ResidualBlock() {}

    public static Builder builder() {
        return new Builder();
    }

    /** {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder extends BlockOptions<Builder> {
        private int channelsIn;
        private int channelsOut;
        private int kernel = 3;

        /** Batch norm on, RELU (inside F and after the addition), stride 1, K = 3 by default. */
        Builder() {
            super(true, Activation.RELU);
        }

        /**
         * C_in (of the input vertex) and C_out. Required: they decide between the identity and a projection. A C_in
         * that is not the input's channel count makes the identity skip's addition fail when the graph is built
         * (DL4J: "ElementWise vertex cannot process CNN activations of different sizes", with both shapes).
         */
        public Builder setChannels(int channelsIn, int channelsOut) {
            this.channelsIn = channelsIn;
            this.channelsOut = channelsOut;
            return this;
        }

        /** The kernel size K of both convolutions (3 by default); odd, for same padding P = (K − 1)/2. */
        public Builder optKernel(int kernel) {
            this.kernel = kernel;
            return this;
        }

        /** Whether the skip is a 1×1 projection (C_in ≠ C_out or S ≠ 1) rather than the identity. */
        public boolean projects() {
            return channelsIn != channelsOut || stride != 1;
        }

        /**
         * Adds the block to {@code g}, reading vertex {@code input} ([B, C_in, H, W]); returns {@code name}, the
         * block's output vertex ([B, C_out, ⌈H/S⌉, ⌈W/S⌉]).
         */
        public String addTo(ComputationGraphConfiguration.GraphBuilder g, String input, String name) {
            require(channelsIn >= 1, OWNER, "channelsIn", channelsIn, ">= 1 (setChannels(in, out))");
            require(channelsOut >= 1, OWNER, "channelsOut", channelsOut, ">= 1 (setChannels(in, out))");
            checkOptions(OWNER);
            checkKernel(OWNER, kernel);
            String h = ConvBlocks.convUnit(
                    g,
                    input,
                    name + "_1",
                    name + "_1",
                    ConvBlocks.convolution(kernel, stride, channelsOut, fastConvolution),
                    batchNorm,
                    activation);
            String f = ConvBlocks.convUnit(
                    g,
                    h,
                    name + "_2",
                    name + "_2",
                    ConvBlocks.convolution(kernel, 1, channelsOut, fastConvolution),
                    batchNorm,
                    Activation.IDENTITY);
            String skip = projects()
                    ? PointwiseConvolution.builder()
                            .setOutChannels(channelsOut)
                            .optStride(stride)
                            .optBatchNorm(batchNorm)
                            .optFastConvolution(fastConvolution)
                            .addTo(g, input, name + "_proj")
                    : input;
            g.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), f, skip);
            g.addLayer(
                    name, new ActivationLayer.Builder().activation(activation).build(), name + "_add");
            return name;
        }
    }
}
