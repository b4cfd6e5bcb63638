package org.sheetlab.layers.pooling;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Configuration shared by the global forms of the sheet's pooling layers: one window per channel covering the whole
 * feature map [B, C, H, W] or sequence [B, C, T]; output [B, C]. No parameters; masks are not supported (a masked
 * sequence fails with a message).
 */
public abstract class GlobalWindowPooling extends PoolingLayerConfig {
    private static final long serialVersionUID = 1L;

    protected GlobalWindowPooling() {}

    protected GlobalWindowPooling(org.deeplearning4j.nn.conf.layers.Layer.Builder<?> b) {
        super(b);
    }

    @Override
    protected Layer runtimeLayer(NeuralNetConfiguration conf, DataType networkDataType) {
        return new GlobalWindowPoolingLayer(conf, networkDataType);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (inputType instanceof InputType.InputTypeConvolutional cnn) {
            return InputType.feedForward(cnn.getChannels());
        }
        if (inputType instanceof InputType.InputTypeRecurrent rnn) {
            return InputType.feedForward(rnn.getSize());
        }
        throw new IllegalArgumentException(getClass().getSimpleName() + " (layer " + layerIndex + "): expects "
                + "convolutional [B, C, H, W] or recurrent [B, C, T] input, got " + inputType);
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        return new LayerMemoryReport.Builder(getLayerName(), getClass(), inputType, out)
                .standardMemory(0, 0)
                .workingMemory(0, 2 * inputType.arrayElementsPerExample(), 0, inputType.arrayElementsPerExample())
                .cacheMemory(0, 0)
                .build();
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
