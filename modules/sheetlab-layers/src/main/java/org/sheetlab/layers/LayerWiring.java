package org.sheetlab.layers;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The wiring every layer configuration's {@code instantiate} does: listeners, index, parameters, configuration. */
public final class LayerWiring {
    private LayerWiring() {}

    /**
     * Connects a freshly constructed runtime layer; {@code params} is the initializer's parameter map (empty for
     * parameter-free layers) and {@code paramsView} the flattened view it lives in (null when there are none).
     */
    public static <L extends Layer> L wire(
            L layer,
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int index,
            INDArray paramsView,
            Map<String, INDArray> params) {
        layer.setListeners(listeners);
        layer.setIndex(index);
        if (paramsView != null) {
            layer.setParamsViewArray(paramsView);
        }
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    /**
     * The whole {@code instantiate} of a configuration with parameters: nIn and nOut checked (an error naming the layer
     * when either is unset), the initializer's parameters created in (or read from) {@code paramsView}, and the runtime
     * layer wired. The message names the configuration class ("GRU").
     */
    public static <L extends Layer> L instantiate(
            FeedForwardLayer config,
            L layer,
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int index,
            INDArray paramsView,
            boolean initializeParams) {
        LayerValidation.assertNInNOutSet(
                config.getClass().getSimpleName(), config.getLayerName(), index, config.getNIn(), config.getNOut());
        Map<String, INDArray> params = config.initializer().init(conf, paramsView, initializeParams);
        return wire(layer, conf, listeners, index, paramsView, params);
    }

    /** The number of steps T of a recurrent input type (1 when it is unknown or not a sequence). */
    public static long steps(InputType inputType) {
        return inputType instanceof InputType.InputTypeRecurrent r && r.getTimeSeriesLength() > 0
                ? r.getTimeSeriesLength()
                : 1;
    }

    /**
     * The memory report of a host layer: its parameters and as many gradients, the working memory per example of
     * inference and of training (the heap arrays of one pass), no cache.
     */
    public static LayerMemoryReport memoryReport(
            org.deeplearning4j.nn.conf.layers.Layer config,
            InputType in,
            long inferencePerExample,
            long trainPerExample) {
        long params = config.initializer().numParams(config);
        return new LayerMemoryReport.Builder(config.getLayerName(), config.getClass(), in, config.getOutputType(-1, in))
                .standardMemory(params, params)
                .workingMemory(0, inferencePerExample, 0, trainPerExample)
                .cacheMemory(0, 0)
                .build();
    }

    /** How messages name a layer: {@code "GRU 'encoder'"}, or {@code "GRU (layer 2)"} when it has no name. */
    public static String describe(String kind, String name, int index) {
        return kind + " " + (name != null ? "'" + name + "'" : "(layer " + index + ")");
    }
}
