package org.sheetlab.layers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The parameter bookkeeping the custom layers share: a layer declares its parameters as name → shape (in flattening
 * order) and which of them are biases; this class derives the counts, keys and the c-order views into DL4J's
 * flattened parameter and gradient arrays, and calls {@link #initialize} on fresh parameters.
 */
public abstract class ShapedParamInitializer implements ParamInitializer {
    /** Parameter name → shape, in the order they are flattened. */
    protected abstract Map<String, long[]> shapes(Layer layer);

    /** The names among {@link #shapes} that are biases (the others are weights). */
    protected abstract Set<String> biases(Layer layer);

    /** Fills freshly created parameters (the views of {@link #shapes}, by name). */
    protected abstract void initialize(Layer layer, Map<String, INDArray> params);

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return shapes(layer).values().stream().mapToLong(s -> s[0] * s[1]).sum();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return new ArrayList<>(shapes(layer).keySet());
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        Set<String> b = biases(layer);
        return paramKeys(layer).stream().filter(k -> !b.contains(k)).toList();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        Set<String> b = biases(layer);
        return paramKeys(layer).stream().filter(b::contains).toList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return weightKeys(layer).contains(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return biases(layer).contains(key) && shapes(layer).containsKey(key);
    }

    private Map<String, INDArray> views(Layer layer, INDArray flat) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        INDArray row = flat.reshape(flat.length());
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes(layer).entrySet()) {
            long n = e.getValue()[0] * e.getValue()[1];
            out.put(
                    e.getKey(),
                    row.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', e.getValue()));
            offset += n;
        }
        return out;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Map<String, INDArray> v = views(conf.getLayer(), paramsView);
        if (initializeParams) {
            initialize(conf.getLayer(), v);
        }
        return v;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(conf.getLayer(), gradientView);
    }
}
