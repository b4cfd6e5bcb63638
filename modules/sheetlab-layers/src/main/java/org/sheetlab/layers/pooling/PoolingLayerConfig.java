package org.sheetlab.layers.pooling;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.params.EmptyParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.core.pooling.PoolingFunction;
import org.sheetlab.layers.LayerWiring;

/**
 * What the window pooling ({@link WindowPooling2D}) and global pooling ({@link GlobalWindowPooling}) configurations
 * share: a sheet pooling function (p-pooling or log-average pooling, Final Q1), no parameters, and a runtime layer
 * wired into the network by {@link #instantiate}.
 */
public abstract class PoolingLayerConfig extends NoParamLayer {
    private static final long serialVersionUID = 1L;

    protected PoolingLayerConfig() {}

    protected PoolingLayerConfig(org.deeplearning4j.nn.conf.layers.Layer.Builder<?> b) {
        super(b);
    }

    /** The reduction each window (or each whole map) applies, with its gradient. */
    public abstract PoolingFunction function();

    /** The runtime layer for this configuration. */
    protected abstract Layer runtimeLayer(NeuralNetConfiguration conf, DataType networkDataType);

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        return LayerWiring.wire(runtimeLayer(conf, networkDataType), conf, listeners, layerIndex, null, Map.of());
    }

    @Override
    public ParamInitializer initializer() {
        return EmptyParamInitializer.getInstance();
    }
}
