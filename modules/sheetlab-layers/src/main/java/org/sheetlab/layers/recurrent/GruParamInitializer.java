package org.sheetlab.layers.recurrent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link GRU}'s parameters, flattened in this order: "W" [n_in, 3H], "RW" [H, 3H], "b" [1, 3H] and, with resetAfter,
 * "bhn" [1, H]. Weights use the layer's weight init (RW: {@code weightInitRecurrent} when set), fan-in n_in and H
 * respectively; biases start at the layer's bias init.
 */
public final class GruParamInitializer implements ParamInitializer {
    public static final String INPUT_WEIGHTS = "W";
    public static final String RECURRENT_WEIGHTS = "RW";
    public static final String BIAS = "b";
    public static final String CANDIDATE_RECURRENT_BIAS = "bhn";
    private static final GruParamInitializer INSTANCE = new GruParamInitializer();

    public static GruParamInitializer getInstance() {
        return INSTANCE;
    }

    private static Map<String, long[]> shapes(GRU c) {
        long h = c.getNOut();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(INPUT_WEIGHTS, new long[] {c.getNIn(), 3 * h});
        m.put(RECURRENT_WEIGHTS, new long[] {h, 3 * h});
        m.put(BIAS, new long[] {1, 3 * h});
        if (c.isResetAfter()) {
            m.put(CANDIDATE_RECURRENT_BIAS, new long[] {1, h});
        }
        return m;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return shapes((GRU) layer).values().stream().mapToLong(s -> s[0] * s[1]).sum();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return new ArrayList<>(shapes((GRU) layer).keySet());
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(INPUT_WEIGHTS, RECURRENT_WEIGHTS);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return ((GRU) layer).isResetAfter() ? List.of(BIAS, CANDIDATE_RECURRENT_BIAS) : List.of(BIAS);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return INPUT_WEIGHTS.equals(key) || RECURRENT_WEIGHTS.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BIAS.equals(key) || CANDIDATE_RECURRENT_BIAS.equals(key);
    }

    private static Map<String, INDArray> views(GRU c, INDArray flat) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        long offset = 0;
        INDArray row = flat.reshape(flat.length());
        for (Map.Entry<String, long[]> e : shapes(c).entrySet()) {
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
        GRU c = (GRU) conf.getLayer();
        Map<String, INDArray> v = views(c, paramsView);
        if (initializeParams) {
            long h = c.getNOut();
            IWeightInit wi = c.getWeightInitFn();
            IWeightInit rwi = c.getWeightInitFnRecurrent() != null ? c.getWeightInitFnRecurrent() : wi;
            wi.init(c.getNIn(), 3 * h, v.get(INPUT_WEIGHTS).shape(), 'c', v.get(INPUT_WEIGHTS));
            rwi.init(h, 3 * h, v.get(RECURRENT_WEIGHTS).shape(), 'c', v.get(RECURRENT_WEIGHTS));
            v.get(BIAS).assign(c.getBiasInit());
            if (c.isResetAfter()) {
                v.get(CANDIDATE_RECURRENT_BIAS).assign(c.getBiasInit());
            }
        }
        return v;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views((GRU) conf.getLayer(), gradientView);
    }
}
