package org.sheetlab.layers.pooling;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.sheetlab.layers.ParameterFreeLayer;

/**
 * What the runtime pooling layers share: no parameters, nothing to pretrain, DL4J's subsampling type.
 *
 * @param <C> the configuration
 */
public abstract class PoolingRuntimeLayer<C extends PoolingLayerConfig> extends ParameterFreeLayer<C> {
    private static final long serialVersionUID = 1L;

    protected PoolingRuntimeLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType, Type.SUBSAMPLING);
    }
}
