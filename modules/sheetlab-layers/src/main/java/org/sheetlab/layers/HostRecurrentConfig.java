package org.sheetlab.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The configuration base of the host sequence layers with parameters (GRU, scaled dot-product and additive attention):
 * DL4J's {@link BaseRecurrentLayer} settings (nIn, nOut, dataFormat, weight init, ...) and the one {@code instantiate}
 * they share, which makes the runtime layer a subclass names in {@link #runtimeLayer} and wires it with
 * {@link LayerWiring#instantiate} (nIn and nOut checked, the initializer's parameters created in the view). It adds no
 * fields, so the JSON form of a subclass is unchanged.
 */
public abstract class HostRecurrentConfig extends BaseRecurrentLayer {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialization. */
    protected HostRecurrentConfig() {}

    protected HostRecurrentConfig(BaseRecurrentLayer.Builder<?> b) {
        super(b);
    }

    /** The runtime layer of this configuration (after any check the configuration needs, with a clear message). */
    protected abstract Layer runtimeLayer(NeuralNetConfiguration conf, DataType networkDataType);

    @Override
    public final Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        Layer layer = runtimeLayer(conf, networkDataType);
        return LayerWiring.instantiate(this, layer, conf, listeners, layerIndex, layerParamsView, initializeParams);
    }
}
