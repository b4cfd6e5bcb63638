package org.sheetlab.models.vision;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.core.settings.InvalidSettingException;
import org.sheetlab.layers.conv.FastConvolution2D;
import org.sheetlab.models.AbstractNetworkBuilder;
import org.sheetlab.models.ComputationGraphBuilder;

/**
 * VGG19 (Simonyan &amp; Zisserman 2014) as a ComputationGraph with the Keras layer names, the backbone of the sheet's
 * "Transfer Learning ★ FINAL Q2d: VGG19 Strategy" and of its Neural Style Transfer.
 *
 * <p>Five blocks of 3×3 convolutions (same padding P = (K − 1)/2 = 1, stride 1, ReLU) each closed by a 2×2 max
 * pooling of stride 2 (floor, Keras' "valid"), then the optional top Flatten → fc1 → fc2 → predictions:
 *
 * <pre>
 * input          [B, 3, 224, 224]   (NCHW; DL4J's convolutional(224, 224, 3))
 * block1_conv1..2   64 channels → block1_pool [B,  64, 112, 112]
 * block2_conv1..2  128          → block2_pool [B, 128,  56,  56]
 * block3_conv1..4  256          → block3_pool [B, 256,  28,  28]
 * block4_conv1..4  512          → block4_pool [B, 512,  14,  14]
 * block5_conv1..4  512          → block5_pool [B, 512,   7,   7]
 * flatten [B, 25088] → fc1 [B, 4096] (relu) → fc2 [B, 4096] (relu) → predictions [B, 1000] (softmax)
 * </pre>
 *
 * Parameters (sheet, Parameter &amp; Activation Counting): K²·C_in·C_out + C_out per convolution and
 * n_in·n_out + n_out per dense layer; 20,024,384 in the convolutions and 143,667,240 in all at 224×224×3 with the
 * top, Keras' {@code VGG19().count_params()}.
 *
 * <p>{@code optWidth(m)} multiplies every convolution's channel count and the two fc sizes by m (rounded, at least 1):
 * m = 1 is the real VGG19, m = 0.125 gives 8/16/32/64/64 channels and fc 512, small enough to train on a CPU.
 * {@code flatten} is a {@link PreprocessorVertex} that flattens DL4J's [B, C, H, W] in (c, h, w) order, where Keras
 * flattens its [B, H, W, C] in (h, w, c) order: weights imported from Keras need fc1's rows permuted
 * ({@code Vgg19Weights} does it).
 *
 * <pre>{@code
 * Vgg19.Builder b = Vgg19.builder().optInputSize(64, 64, 3).optWidth(0.125).optClasses(5).optSeed(7);
 * ComputationGraph vgg = b.init();
 * List<String> block3 = Vgg19.block(3);   // block3_conv1 … block3_conv4, block3_pool
 * }</pre>
 *
 * Defaults: 224×224×3, width 1, 1000 classes, with the top, He initialisation (WeightInit.RELU; Xavier for the
 * softmax), MCXENT loss, Adam(1e-3), FLOAT, seed 42, {@link FastConvolution2D} convolutions.
 */
public final class Vgg19 {
    /** The network input. */
    public static final String INPUT = "input";

    /** The flatten vertex of the top. */
    public static final String FLATTEN = "flatten";

    public static final String FC1 = "fc1";
    public static final String FC2 = "fc2";

    /** The softmax output layer of the top. */
    public static final String PREDICTIONS = "predictions";

    /** The number of blocks. */
    public static final int BLOCKS = 5;

    /** The smallest input height and width: five 2×2 poolings of stride 2 halve it five times (32 → 1). */
    public static final int MIN_INPUT_SIZE = 32;

    private static final int[] CONVOLUTIONS = {2, 2, 4, 4, 4};
    private static final int[] CHANNELS = {64, 128, 256, 512, 512};
    private static final int FC = 4096;

    private Vgg19() {}

    public static Builder builder() {
        return new Builder();
    }

    /** The number of convolutions of block {@code i} (1..5): 2, 2, 4, 4, 4. */
    public static int convolutionCount(int block) {
        return CONVOLUTIONS[checkBlock(block) - 1];
    }

    /** The real VGG19's channel count of block {@code i} (1..5): 64, 128, 256, 512, 512. */
    public static int fullChannels(int block) {
        return CHANNELS[checkBlock(block) - 1];
    }

    /** The names of block {@code i}'s convolutions: block{i}_conv1 … block{i}_conv{2 or 4}. */
    public static List<String> convolutions(int block) {
        List<String> names = new ArrayList<>();
        for (int j = 1; j <= convolutionCount(block); j++) {
            names.add("block" + block + "_conv" + j);
        }
        return Collections.unmodifiableList(names);
    }

    /** The name of block {@code i}'s pooling layer: block{i}_pool. */
    public static String pool(int block) {
        return "block" + checkBlock(block) + "_pool";
    }

    /** The layers of block {@code i} (1..5) in order: its convolutions, then its pooling layer. */
    public static List<String> block(int block) {
        List<String> names = new ArrayList<>(convolutions(block));
        names.add(pool(block));
        return Collections.unmodifiableList(names);
    }

    /** The top's vertices in order: flatten, fc1, fc2, predictions. */
    public static List<String> top() {
        return List.of(FLATTEN, FC1, FC2, PREDICTIONS);
    }

    /** Every vertex name but the input, in order: the five blocks, then (with the top) {@link #top()}. */
    public static List<String> layers(boolean includeTop) {
        List<String> names = new ArrayList<>();
        for (int b = 1; b <= BLOCKS; b++) {
            names.addAll(block(b));
        }
        if (includeTop) {
            names.addAll(top());
        }
        return Collections.unmodifiableList(names);
    }

    /** The block (1..5) of a block layer name such as "block4_conv2"; 0 for the input and the top. */
    public static int blockOf(String layer) {
        for (int b = 1; b <= BLOCKS; b++) {
            if (block(b).contains(layer)) {
                return b;
            }
        }
        return 0;
    }

    private static int checkBlock(int block) {
        if (block < 1 || block > BLOCKS) {
            throw new InvalidSettingException("Vgg19", "block", block, "between 1 and " + BLOCKS);
        }
        return block;
    }

    /** {@code optX} for every value: all have defaults (the real VGG19 on 224×224×3 ImageNet images). */
    public static final class Builder extends AbstractNetworkBuilder<Builder> implements ComputationGraphBuilder {
        private int height = 224;
        private int width = 224;
        private int channels = 3;
        private double widthMultiplier = 1;
        private int classes = 1000;
        private boolean includeTop = true;
        private boolean fastConvolution = true;

        /** Adam(1e-3), FLOAT by default. */
        Builder() {
            super(new Adam(1e-3), DataType.FLOAT);
        }

        /** The input images' height, width and channels (224, 224, 3 by default; height and width at least 32). */
        public Builder optInputSize(int height, int width, int channels) {
            this.height = height;
            this.width = width;
            this.channels = channels;
            return this;
        }

        /**
         * The width multiplier m (1 by default, the real VGG19): every convolution has round(m·C) channels and fc1,
         * fc2 round(m·4096) units, each at least 1.
         */
        public Builder optWidth(double multiplier) {
            this.widthMultiplier = multiplier;
            return this;
        }

        /** The number of classes of the predictions layer (1000 by default, ImageNet's). */
        public Builder optClasses(int classes) {
            this.classes = classes;
            return this;
        }

        /**
         * Whether the graph has the top flatten → fc1 → fc2 → predictions (default) or ends at block5_pool (Keras'
         * {@code include_top=False}: a feature extractor whose output is block5_pool, no loss, not trainable by fit).
         */
        public Builder optIncludeTop(boolean includeTop) {
            this.includeTop = includeTop;
            return this;
        }

        /** Whether the convolutions are {@link FastConvolution2D} (default) or DL4J's ConvolutionLayer (same weights). */
        public Builder optFastConvolution(boolean fast) {
            this.fastConvolution = fast;
            return this;
        }

        public int inputHeight() {
            return height;
        }

        public int inputWidth() {
            return width;
        }

        public int inputChannels() {
            return channels;
        }

        public double widthMultiplier() {
            return widthMultiplier;
        }

        public int classes() {
            return classes;
        }

        public boolean includeTop() {
            return includeTop;
        }

        /** Block {@code i}'s channel count at this width: max(1, round(m · {@link #fullChannels(int)})). */
        public int channels(int block) {
            return scaled(fullChannels(block));
        }

        /** fc1's and fc2's size at this width: max(1, round(m · 4096)). */
        public int fcSize() {
            return scaled(FC);
        }

        private int scaled(int full) {
            return (int) Math.max(1, Math.round(widthMultiplier * full));
        }

        /** convolutional(height, width, channels): NCHW images [B, C, H, W]. */
        @Override
        public InputType inputType() {
            return InputType.convolutional(height, width, channels);
        }

        /** The type of block5_pool's output: [B, C5, ⌊H/32⌋, ⌊W/32⌋] (the sheet's branch point). */
        public InputType.InputTypeConvolutional featureType() {
            return (InputType.InputTypeConvolutional)
                    InputType.convolutional(height >> BLOCKS, width >> BLOCKS, channels(5));
        }

        private void validate() {
            String owner = "Vgg19";
            require(
                    height >= MIN_INPUT_SIZE && width >= MIN_INPUT_SIZE,
                    owner,
                    "inputSize",
                    height + "x" + width,
                    "at least " + MIN_INPUT_SIZE + "x" + MIN_INPUT_SIZE
                            + " (five 2x2 poolings of stride 2 halve each side five times); resize the images");
            require(channels >= 1, owner, "channels", channels, ">= 1");
            require(
                    widthMultiplier > 0 && Double.isFinite(widthMultiplier),
                    owner,
                    "width",
                    widthMultiplier,
                    "> 0 (1 = the real VGG19)");
            require(classes >= 1, owner, "classes", classes, ">= 1");
        }

        @Override
        public ComputationGraphConfiguration build() {
            validate();
            ComputationGraphConfiguration.GraphBuilder g = base().weightInit(WeightInit.RELU)
                    .graphBuilder()
                    .addInputs(INPUT)
                    .setInputTypes(inputType());
            String previous = INPUT;
            for (int b = 1; b <= BLOCKS; b++) {
                for (String conv : convolutions(b)) {
                    g.addLayer(conv, convolution().nOut(channels(b)).build(), previous);
                    previous = conv;
                }
                g.addLayer(
                        pool(b),
                        new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                                .kernelSize(2, 2)
                                .stride(2, 2)
                                .convolutionMode(ConvolutionMode.Truncate)
                                .build(),
                        previous);
                previous = pool(b);
            }
            if (!includeTop) {
                return g.setOutputs(previous).build();
            }
            InputType.InputTypeConvolutional f = featureType();
            g.addVertex(
                    FLATTEN,
                    new PreprocessorVertex(
                            new CnnToFeedForwardPreProcessor(f.getHeight(), f.getWidth(), f.getChannels())),
                    previous);
            g.addLayer(FC1, dense(), FLATTEN);
            g.addLayer(FC2, dense(), FC1);
            g.addLayer(
                    PREDICTIONS,
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .nOut(classes)
                            .activation(Activation.SOFTMAX)
                            .weightInit(WeightInit.XAVIER)
                            .build(),
                    FC2);
            return g.setOutputs(PREDICTIONS).build();
        }

        private DenseLayer dense() {
            return new DenseLayer.Builder()
                    .nOut(fcSize())
                    .activation(Activation.RELU)
                    .build();
        }

        private ConvolutionLayer.Builder convolution() {
            ConvolutionLayer.Builder c =
                    fastConvolution ? new FastConvolution2D.Builder(3, 3) : new ConvolutionLayer.Builder(3, 3);
            return c.stride(1, 1).convolutionMode(ConvolutionMode.Same).activation(Activation.RELU);
        }
    }
}
