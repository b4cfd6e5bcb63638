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
 * What the classifiers of this package share: input [B, C, H, W] ({@code optInput}, 28×28×1 by default) → {@code stem}
 * 3×3 same-padded convolution (batch norm, the model's activation) → the model's blocks → {@code pool} global average
 * pooling [B, C_last] → {@code output} softmax [B, classes] (10 by default); He initialisation, Adam(1e-3), FLOAT,
 * seed 42, batch norm and FastConvolution2D by default.
 *
 * @param <B> the concrete builder, so that the {@code optX} methods chain
 */
public abstract class ConvClassifierBuilder<B extends ConvClassifierBuilder<B>> extends AbstractNetworkBuilder<B>
        implements ComputationGraphBuilder {
    protected int height = 28;
    protected int width = 28;
    protected int channels = 1;
    protected int classes = 10;
    protected boolean batchNorm = true;
    protected boolean fastConvolution = true;

    /** Adam(1e-3), FLOAT by default. */
    protected ConvClassifierBuilder() {
        super(new Adam(1e-3), DataType.FLOAT);
    }

    /** Input height, width and channels (28, 28, 1 by default). */
    public B optInput(int height, int width, int channels) {
        this.height = height;
        this.width = width;
        this.channels = channels;
        return self();
    }

    /** Number of classes (10 by default). */
    public B optClasses(int classes) {
        this.classes = classes;
        return self();
    }

    /** Batch normalization after every convolution (on by default). */
    public B optBatchNorm(boolean batchNorm) {
        this.batchNorm = batchNorm;
        return self();
    }

    /** FastConvolution2D (default) or DL4J's ConvolutionLayer for every standard convolution. */
    public B optFastConvolution(boolean fast) {
        this.fastConvolution = fast;
        return self();
    }

    /** convolutional(H, W, C): [B, C, H, W] images. */
    @Override
    public InputType inputType() {
        return InputType.convolutional(height, width, channels);
    }

    /** The class name, for messages. */
    protected abstract String owner();

    /** The stem's output channels. */
    protected abstract int stemWidth();

    /** The stem's activation. */
    protected abstract Activation stemActivation();

    /** Refuses the model's own out-of-range settings (with {@code InvalidSettingException.require}). */
    protected abstract void checkModel();

    /** Adds the model's blocks after the vertex {@code stem}; returns the last block's output vertex. */
    protected abstract String addBlocks(ComputationGraphConfiguration.GraphBuilder g, String stem);

    @Override
    public final ComputationGraphConfiguration build() {
        require(height >= 1 && width >= 1, owner(), "input", height + "x" + width, "at least 1x1");
        require(channels >= 1, owner(), "channels", channels, ">= 1");
        require(classes >= 2, owner(), "classes", classes, ">= 2");
        checkModel();
        ComputationGraphConfiguration.GraphBuilder g = base().weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(inputType());
        String stem = ConvBlocks.convUnit(
                g,
                "input",
                "stem",
                "stem",
                ConvBlocks.convolution(3, 1, stemWidth(), fastConvolution),
                batchNorm,
                stemActivation());
        return g.setOutputs(ConvBlocks.classifierHead(g, addBlocks(g, stem), classes))
                .build();
    }

    /** Refuses an empty list of widths or a width below 1, as setting {@code setting}. */
    protected void checkWidths(String setting, int[] widths) {
        require(
                widths.length >= 1 && Arrays.stream(widths).allMatch(w -> w >= 1),
                owner(),
                setting,
                Arrays.toString(widths),
                "at least one value, each >= 1");
    }
}
