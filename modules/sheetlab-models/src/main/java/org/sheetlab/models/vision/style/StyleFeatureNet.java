package org.sheetlab.models.vision.style;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.sheetlab.core.settings.InvalidSettingException;
import org.sheetlab.models.AbstractNetworkBuilder;
import org.sheetlab.models.ComputationGraphBuilder;

/**
 * A small VGG-shaped feature network for style transfer on a CPU: blocks of 3×3 convolutions (same padding, stride 1,
 * ReLU) each followed by 2×2 max pooling, named as Keras names VGG19's layers: {@code block1_conv1},
 * {@code block1_conv2}, {@code block1_pool}, {@code block2_conv1}, … The graph has no head: its output is the last
 * pooling layer, so any input size divisible by 2^blocks works and every layer can be read by name.
 *
 * <p>Shapes: input [B, C, H, W] (NCHW, C = {@code optChannels}, 3 by default) → block b's activations [B, width_b,
 * H/2^(b−1), W/2^(b−1)]. Defaults: 3 blocks of 2 convolutions with widths 16, 32, 64 (72,080 parameters), He (ReLU)
 * initialisation from the seed, no updater (the network stays fixed; the image is what is optimised).
 */
public final class StyleFeatureNet {
    private StyleFeatureNet() {}

    public static Builder builder() {
        return new Builder();
    }

    /** The Keras-style name of convolution {@code conv} (1-based) of block {@code block} (1-based). */
    public static String conv(int block, int conv) {
        return "block" + block + "_conv" + conv;
    }

    /** The Keras-style name of block {@code block}'s pooling layer. */
    public static String pool(int block) {
        return "block" + block + "_pool";
    }

    /** Builder: {@code optWidths} (one per block), {@code optConvsPerBlock}, {@code optChannels}, {@code optInputSize}. */
    public static final class Builder extends AbstractNetworkBuilder<Builder> implements ComputationGraphBuilder {
        private int[] widths = {16, 32, 64};
        private int convsPerBlock = 2;
        private int channels = 3;
        private int height = 64;
        private int width = 64;

        private Builder() {
            super(new NoOp(), DataType.FLOAT);
        }

        /** Output channels of each block's convolutions, one entry per block (16, 32, 64 by default). */
        public Builder optWidths(int... widths) {
            this.widths = widths.clone();
            return this;
        }

        /** Convolutions per block (2 by default). */
        public Builder optConvsPerBlock(int convs) {
            this.convsPerBlock = convs;
            return this;
        }

        /** Image channels (3 = RGB by default). */
        public Builder optChannels(int channels) {
            this.channels = channels;
            return this;
        }

        /** The input size the configuration is typed with (64×64 by default); convolutions accept other sizes. */
        public Builder optInputSize(int height, int width) {
            this.height = height;
            this.width = width;
            return this;
        }

        @Override
        public InputType inputType() {
            return InputType.convolutional(height, width, channels);
        }

        @Override
        public ComputationGraphConfiguration build() {
            if (widths.length < 1 || Arrays.stream(widths).anyMatch(w -> w < 1)) {
                throw new InvalidSettingException(
                        "StyleFeatureNet", "widths", Arrays.toString(widths), "one or more values >= 1");
            }
            if (convsPerBlock < 1) {
                throw new InvalidSettingException("StyleFeatureNet", "convsPerBlock", convsPerBlock, ">= 1");
            }
            if (channels < 1) {
                throw new InvalidSettingException("StyleFeatureNet", "channels", channels, ">= 1");
            }
            if (height < 1 || width < 1) {
                throw new InvalidSettingException("StyleFeatureNet", "inputSize", height + "x" + width, ">= 1x1");
            }
            ComputationGraphConfiguration.GraphBuilder g = base().weightInit(WeightInit.RELU)
                    .convolutionMode(ConvolutionMode.Same)
                    .graphBuilder()
                    .addInputs("input");
            String previous = "input";
            for (int b = 1; b <= widths.length; b++) {
                for (int k = 1; k <= convsPerBlock; k++) {
                    g.addLayer(
                            conv(b, k),
                            new ConvolutionLayer.Builder(3, 3)
                                    .stride(1, 1)
                                    .nOut(widths[b - 1])
                                    .activation(Activation.RELU)
                                    .build(),
                            previous);
                    previous = conv(b, k);
                }
                g.addLayer(
                        pool(b),
                        new SubsamplingLayer.Builder(PoolingType.MAX)
                                .kernelSize(2, 2)
                                .stride(2, 2)
                                .build(),
                        previous);
                previous = pool(b);
            }
            return g.setOutputs(previous).setInputTypes(inputType()).build();
        }
    }
}
