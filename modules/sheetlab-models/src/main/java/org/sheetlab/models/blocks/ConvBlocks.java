package org.sheetlab.models.blocks;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.core.counting.ConvArithmetic;
import org.sheetlab.layers.conv.FastConvolution2D;

/**
 * Sheet, "Convolutional Networks": same padding P = (K − 1)/2 and the K×K convolution that uses it, shared by the
 * blocks of this package. With P = (K − 1)/2 the sheet's O = ⌊(W − K + 2P)/S⌋ + 1 becomes ⌊(W − 1)/S⌋ + 1 = ⌈W/S⌉:
 * W at stride 1, ⌈W/2⌉ at stride 2. The padding is explicit and symmetric (PyTorch's {@code padding=(K-1)//2}), not
 * DL4J's {@code ConvolutionMode.Same}, which at stride 2 pads only the bottom/right and so shifts the sampling grid.
 */
public final class ConvBlocks {
    private ConvBlocks() {}

    /**
     * P = (K − 1)/2 (core's {@link ConvArithmetic#samePadding(long)}); an even or non-positive K is refused with an
     * IllegalArgumentException naming K ("same padding: P = (K-1)/2 needs an odd kernel, got K = 4; …").
     */
    public static int samePadding(int kernel) {
        return Math.toIntExact(ConvArithmetic.samePadding(kernel));
    }

    /**
     * A K×K convolution with stride S and same padding (no activation set): {@link FastConvolution2D} when
     * {@code fast} (DL4J's ConvolutionLayer with the same parameters and results, several times faster on CPU), DL4J's
     * {@link ConvolutionLayer} otherwise. Input [B, C_in, H, W] → output [B, C_out, ⌈H/S⌉, ⌈W/S⌉]; parameters
     * K²·C_in·C_out + C_out.
     */
    public static ConvolutionLayer.Builder convolution(int kernel, int stride, int channelsOut, boolean fast) {
        int p = samePadding(kernel);
        int[] k = {kernel, kernel};
        int[] s = {stride, stride};
        int[] pad = {p, p};
        ConvolutionLayer.Builder b =
                fast ? new FastConvolution2D.Builder(k, s, pad) : new ConvolutionLayer.Builder(k, s, pad);
        b.nOut(channelsOut);
        return b;
    }

    /**
     * Adds conv → [batch norm] → activation to {@code g}, naming the last vertex {@code output} and the others
     * {@code prefix + "_conv"}, {@code prefix + "_bn"}: without batch norm the activation is the convolution's own
     * (one vertex); with it the convolution is linear, batch norm follows and an ActivationLayer applies the
     * activation (none for IDENTITY), since DL4J's BatchNormalization ignores its activation setting. Returns
     * {@code output}.
     */
    static String convUnit(
            ComputationGraphConfiguration.GraphBuilder g,
            String input,
            String prefix,
            String output,
            BaseLayer.Builder<?> conv,
            boolean batchNorm,
            Activation activation) {
        return convUnit(g, input, prefix, output, conv, batchNorm, activation.getActivationFunction());
    }

    /**
     * {@link #convUnit(ComputationGraphConfiguration.GraphBuilder, String, String, String, BaseLayer.Builder, boolean,
     * Activation)} with an activation object, for a parameterised one such as the YOLO detector's leaky ReLU with slope
     * 0.1 ({@code new ActivationLReLU(0.1)}); an {@link ActivationIdentity} adds no activation layer.
     */
    public static String convUnit(
            ComputationGraphConfiguration.GraphBuilder g,
            String input,
            String prefix,
            String output,
            BaseLayer.Builder<?> conv,
            boolean batchNorm,
            IActivation activation) {
        if (!batchNorm) {
            g.addLayer(output, conv.activation(activation).build(), input);
            return output;
        }
        String convName = prefix + "_conv";
        g.addLayer(convName, conv.activation(Activation.IDENTITY).build(), input);
        if (activation instanceof ActivationIdentity) {
            g.addLayer(output, new BatchNormalization.Builder().build(), convName);
            return output;
        }
        String bnName = prefix + "_bn";
        g.addLayer(bnName, new BatchNormalization.Builder().build(), convName);
        g.addLayer(output, new ActivationLayer.Builder().activation(activation).build(), bnName);
        return output;
    }

    /**
     * The classifiers' head: global average pooling {@code "pool"} ([B, C, H, W] → [B, C]) and a softmax output layer
     * {@code "output"} ([B, classes], C·classes + classes parameters, multi-class cross-entropy). Returns "output".
     */
    static String classifierHead(ComputationGraphConfiguration.GraphBuilder g, String input, int classes) {
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), input);
        g.addLayer(
                "output",
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(classes)
                        .activation(Activation.SOFTMAX)
                        .build(),
                "pool");
        return "output";
    }
}
