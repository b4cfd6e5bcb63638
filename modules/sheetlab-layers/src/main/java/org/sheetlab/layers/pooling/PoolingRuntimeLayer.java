package org.sheetlab.layers.pooling;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What the runtime pooling layers share: no parameters, nothing to pretrain, DL4J's subsampling type.
 *
 * @param <C> the configuration
 */
public abstract class PoolingRuntimeLayer<C extends PoolingLayerConfig> extends AbstractLayer<C> {
    private static final long serialVersionUID = 1L;

    protected PoolingRuntimeLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
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
        return Type.SUBSAMPLING;
    }
}
