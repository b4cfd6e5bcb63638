package org.sheetlab.layers.conv;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.layers.LayerWiring;

/**
 * A 2-D transposed convolution ("deconvolution"; sheet: Convolutions, and the DCGAN-style generator of the GAN section)
 * that is DL4J's {@link Deconvolution2D} in every respect but speed: the same builder options, parameter names and
 * layout (weights [C_in, C_out, K_h, K_w], bias [1, C_out]), initialization, output type (Same mode: O = S·I;
 * otherwise O = S·(I − 1) + K − 2P) and JSON form (with this class named), so a model can swap one for the other and
 * keep its weights. Parameters: C_in·C_out·K_h·K_w + C_out.
 *
 * <p>Shapes: input [B, C_in, H, W] (NCHW) → output [B, C_out, O_h, O_w]. The forward pass is the backward-data pass of
 * the convolution it transposes: cols = X · W₂ with X the input as [B·H·W, C_in] and W₂ the weights as [C_in,
 * C_out·K_h·K_w], then col2im scatters cols into the output (plus the bias). Backward: dcols = im2col(δ), dW₂ = Xᵀ ·
 * dcols, dX = dcols · W₂ᵀ, db = Σ δ. The index maps and layout changes are {@link FastConvolution2D}'s host loops, the
 * products single BLAS calls, each half of the batch on its own thread. libnd4j's deconv2d ops took 42 ms forward
 * and 127 ms for a training step of the DCGAN generator's 32 → 16 layer at batch 128 here, this layer 5 and 23 ms
 * (bench/results/). NHWC data, dilation other than 1 and non-CPU backends fall back to DL4J's implementation.
 *
 * <pre>{@code
 * .layer(new FastDeconvolution2D.Builder(4, 4).stride(2, 2).convolutionMode(ConvolutionMode.Same).nOut(16).build())
 * }</pre>
 */
public class FastDeconvolution2D extends Deconvolution2D {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialization. */
    public FastDeconvolution2D() {}

    protected FastDeconvolution2D(Builder b) {
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
        Layer layer = new FastDeconvolutionLayer(conf, networkDataType);
        return LayerWiring.instantiate(this, layer, conf, listeners, layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public FastDeconvolution2D clone() {
        return (FastDeconvolution2D) super.clone();
    }

    /**
     * DL4J's {@code Deconvolution2D.Builder} with every option, building a {@link FastDeconvolution2D}. (The fluent
     * setters are DL4J's and return its builder type; {@code build()} still makes this class.)
     */
    public static class Builder extends Deconvolution2D.Builder {
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
        public FastDeconvolution2D build() {
            org.deeplearning4j.util.ConvolutionUtils.validateConvolutionModePadding(convolutionMode, padding);
            org.deeplearning4j.util.ConvolutionUtils.validateCnnKernelStridePadding(kernelSize, stride, padding);
            return new FastDeconvolution2D(this);
        }
    }
}
