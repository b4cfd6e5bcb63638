package org.sheetlab.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The runtime base of the host layers without parameters (the pooling layers, the VAE's reparameterization): DL4J's
 * layer type, nothing to pretrain, no weight noise to clear.
 *
 * @param <C> the configuration
 */
public abstract class ParameterFreeLayer<C extends org.deeplearning4j.nn.conf.layers.Layer> extends AbstractLayer<C> {
    private static final long serialVersionUID = 1L;

    private final Type type;

    protected ParameterFreeLayer(NeuralNetConfiguration conf, DataType dataType, Type type) {
        super(conf, dataType);
        this.type = type;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
        // no parameters
    }

    @Override
    public Type type() {
        return type;
    }
}
