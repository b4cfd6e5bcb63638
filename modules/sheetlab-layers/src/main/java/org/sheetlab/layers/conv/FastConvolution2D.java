package org.sheetlab.layers.conv;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.layers.LayerWiring;

/**
 * A 2-D convolution (sheet: Convolutions; output size O = ⌊(W − K + 2P)/S⌋ + 1 per side, (K_h·K_w·C + 1)·F
 * parameters) that is DL4J's {@link ConvolutionLayer} in every respect but speed: the same builder options, parameter
 * names and layout (weights [F, C, K_h, K_w], bias [1, F]), initialization, output type and JSON form (with this class
 * named), so a model can swap one for the other and keep its weights.
 *
 * <p>Shapes: input [B, C, H, W] (NCHW) → output [B, F, O_h, O_w]. The forward pass is z = cols · W₂ᵀ + b with cols the
 * im2col matrix [B·O_h·O_w, C·K_h·K_w] and W₂ the weights as [F, C·K_h·K_w]; backward dW₂ = δᵀ · cols, db = Σ δ,
 * dcols = δ · W₂, then col2im. The im2col and col2im steps run as host loops over a precomputed index map, with the
 * three products as single BLAS calls; libnd4j's im2col into DL4J's permuted layout took 38 ms for the sheet CNN's
 * second layer at batch 64, the host loop about 1 ms (bench/results/). Input dropout, weight noise, every activation
 * and convolution mode (Truncate, Strict, Same, explicit padding) behave as in DL4J. Dilation other than 1, NHWC data
 * and non-CPU backends (where cuDNN or the native op is the better path) fall back to DL4J's own implementation.
 *
 * <pre>{@code
 * .layer(new FastConvolution2D.Builder(5, 5).nOut(16).stride(1, 1).activation(Activation.RELU).build())
 * }</pre>
 */
public class FastConvolution2D extends ConvolutionLayer {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialization. */
    public FastConvolution2D() {}

    protected FastConvolution2D(Builder b) {
        super(b);
    }

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        Layer layer = new FastConvolutionLayer(conf, networkDataType);
        return LayerWiring.instantiate(this, layer, conf, listeners, layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public FastConvolution2D clone() {
        return (FastConvolution2D) super.clone();
    }

    /**
     * DL4J's {@code ConvolutionLayer.Builder} with every option, building a {@link FastConvolution2D}. (The fluent
     * setters are DL4J's and return its builder type; {@code build()} still makes this class.)
     */
    public static class Builder extends ConvolutionLayer.Builder {
        public Builder(int... kernelSize) {
            super(kernelSize);
        }

        public Builder(int[] kernelSize, int[] stride) {
            super(kernelSize, stride);
        }

        public Builder(int[] kernelSize, int[] stride, int[] padding) {
            super(kernelSize, stride, padding);
        }

        @Override
        public FastConvolution2D build() {
            ConvolutionUtils.validateConvolutionModePadding(convolutionMode, padding);
            ConvolutionUtils.validateCnnKernelStridePadding(kernelSize, stride, padding);
            return new FastConvolution2D(this);
        }
    }
}
