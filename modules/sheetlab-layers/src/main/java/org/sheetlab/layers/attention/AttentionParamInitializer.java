package org.sheetlab.layers.attention;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link ScaledDotProductAttention}'s projections, flattened in this order: "Wq", "Wk", "Wv" [n_in, heads·d] and "Wo"
 * [heads·d, n_out]; no biases. Initialized with the layer's weight init (fan-in the rows, fan-out the columns).
 */
public final class AttentionParamInitializer implements ParamInitializer {
    public static final String QUERY = "Wq";
    public static final String KEY = "Wk";
    public static final String VALUE = "Wv";
    public static final String OUTPUT = "Wo";
    private static final AttentionParamInitializer INSTANCE = new AttentionParamInitializer();

    public static AttentionParamInitializer getInstance() {
        return INSTANCE;
    }

    private static Map<String, long[]> shapes(ScaledDotProductAttention c) {
        long hd = (long) c.getHeads() * c.getHeadSize();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(QUERY, new long[] {c.getNIn(), hd});
        m.put(KEY, new long[] {c.getNIn(), hd});
        m.put(VALUE, new long[] {c.getNIn(), hd});
        m.put(OUTPUT, new long[] {hd, c.getNOut()});
        return m;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return shapes((ScaledDotProductAttention) layer).values().stream()
                .mapToLong(s -> s[0] * s[1])
                .sum();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return new ArrayList<>(shapes((ScaledDotProductAttention) layer).keySet());
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return paramKeys(layer);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return paramKeys(layer).contains(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    private static Map<String, INDArray> views(ScaledDotProductAttention c, INDArray flat) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        INDArray row = flat.reshape(flat.length());
        long offset = 0;
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
        ScaledDotProductAttention c = (ScaledDotProductAttention) conf.getLayer();
        Map<String, INDArray> v = views(c, paramsView);
        if (initializeParams) {
            for (Map.Entry<String, INDArray> e : v.entrySet()) {
                long[] s = e.getValue().shape();
                c.getWeightInitFn().init(s[0], s[1], s, 'c', e.getValue());
            }
        }
        return v;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views((ScaledDotProductAttention) conf.getLayer(), gradientView);
    }
}
