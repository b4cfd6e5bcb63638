package org.sheetlab.layers.pooling;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.nd4j.linalg.api.buffer.DataType;
import org.sheetlab.core.counting.ConvArithmetic;
import org.sheetlab.core.settings.InvalidSettingException;

/**
 * Configuration shared by the sheet's 2-D window pooling layers: kernel [k_h, k_w], stride [s_h, s_w], padding
 * [p_h, p_w] (zeros), with DL4J's Truncate arithmetic O = ⌊(W − K + 2P)/S⌋ + 1. Input [B, C, H, W] (NCHW), output
 * [B, C, O_h, O_w]; no parameters. A window that does not fit the input fails when the network is built, naming the
 * layer and the fix.
 */
public abstract class WindowPooling2D extends PoolingLayerConfig {
    private static final long serialVersionUID = 1L;

    private int[] kernelSize = {2, 2};
    private int[] stride = {2, 2};
    private int[] padding = {0, 0};

    protected WindowPooling2D() {}

    protected WindowPooling2D(Builder<?> b) {
        super(b);
        this.kernelSize = b.kernelSize.clone();
        this.stride = b.stride.clone();
        this.padding = b.padding.clone();
        validate(kernelSize, stride, padding);
    }

    private void validate(int[] k, int[] s, int[] p) {
        String who = getClass().getSimpleName() + (getLayerName() != null ? " '" + getLayerName() + "'" : "");
        InvalidSettingException.require(k.length == 2, who, "kernelSize", k, "2 values (h, w)");
        InvalidSettingException.require(s.length == 2, who, "stride", s, "2 values (h, w)");
        InvalidSettingException.require(p.length == 2, who, "padding", p, "2 values (h, w)");
        InvalidSettingException.require(k[0] >= 1 && k[1] >= 1, who, "kernelSize", k, "2 values >= 1");
        InvalidSettingException.require(s[0] >= 1 && s[1] >= 1, who, "stride", s, "2 values >= 1");
        InvalidSettingException.require(p[0] >= 0 && p[1] >= 0, who, "padding", p, "2 values >= 0");
        for (int i = 0; i < 2; i++) {
            if (p[i] >= k[i]) {
                throw new IllegalArgumentException(who + ": padding " + p[i] + " >= kernel " + k[i]
                        + " would make windows of padding only; use padding < kernel");
            }
        }
    }

    @Override
    protected Layer runtimeLayer(NeuralNetConfiguration conf, DataType networkDataType) {
        return new WindowPoolingLayer(conf, networkDataType);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        String who = getClass().getSimpleName() + " (layer " + layerIndex
                + (getLayerName() != null ? ", '" + getLayerName() + "'" : "") + ")";
        if (!(inputType instanceof InputType.InputTypeConvolutional cnn)) {
            throw new IllegalArgumentException(who + ": expects convolutional input [B, C, H, W], got " + inputType
                    + "; put it after a ConvolutionLayer or set InputType.convolutional(h, w, c)");
        }
        long[] in = {cnn.getHeight(), cnn.getWidth()};
        long[] out = new long[2];
        for (int i = 0; i < 2; i++) {
            if (kernelSize[i] > in[i] + 2L * padding[i]) {
                throw new IllegalArgumentException(who + ": the " + kernelSize[0] + "x" + kernelSize[1]
                        + " window is larger than the padded input " + (in[0] + 2L * padding[0]) + "x"
                        + (in[1] + 2L * padding[1]) + "; use a smaller kernelSize or more padding");
            }
            out[i] = ConvArithmetic.outputSize(in[i], kernelSize[i], padding[i], stride[i]);
        }
        return InputType.convolutional(out[0], out[1], cnn.getChannels());
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        long windows = out.arrayElementsPerExample() * (long) kernelSize[0] * kernelSize[1];
        return new LayerMemoryReport.Builder(getLayerName(), getClass(), inputType, out)
                .standardMemory(0, 0)
                .workingMemory(0, 2 * windows, 0, windows)
                .cacheMemory(0, 0)
                .build();
    }

    public int[] getKernelSize() {
        return kernelSize.clone();
    }

    public void setKernelSize(int[] kernelSize) {
        this.kernelSize = kernelSize.clone();
    }

    public int[] getStride() {
        return stride.clone();
    }

    public void setStride(int[] stride) {
        this.stride = stride.clone();
    }

    public int[] getPadding() {
        return padding.clone();
    }

    public void setPadding(int[] padding) {
        this.padding = padding.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowPooling2D w
                && o.getClass() == getClass()
                && super.equals(o)
                && Arrays.equals(kernelSize, w.kernelSize)
                && Arrays.equals(stride, w.stride)
                && Arrays.equals(padding, w.padding);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * super.hashCode() + Arrays.hashCode(kernelSize)) + Arrays.hashCode(stride))
                + Arrays.hashCode(padding);
    }

    /** Builder for the window geometry; defaults: 2×2 kernel, stride 2, no padding. */
    @SuppressWarnings("unchecked")
    public abstract static class Builder<T extends Builder<T>>
            extends org.deeplearning4j.nn.conf.layers.Layer.Builder<T> {
        private int[] kernelSize = {2, 2};
        private int[] stride = {2, 2};
        private int[] padding = {0, 0};

        public T kernelSize(int h, int w) {
            this.kernelSize = new int[] {h, w};
            return (T) this;
        }

        public T stride(int h, int w) {
            this.stride = new int[] {h, w};
            return (T) this;
        }

        public T padding(int h, int w) {
            this.padding = new int[] {h, w};
            return (T) this;
        }
    }
}
