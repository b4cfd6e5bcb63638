package org.sheetlab.layers.attention;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.layers.ShapedParamInitializer;

/**
 * {@link ScaledDotProductAttention}'s projections, flattened in this order: "Wq", "Wk", "Wv" [n_in, heads·d] and "Wo"
 * [heads·d, n_out]; no biases. Initialized with the layer's weight init (fan-in the rows, fan-out the columns).
 */
public final class AttentionParamInitializer extends ShapedParamInitializer {
    public static final String QUERY = "Wq";
    public static final String KEY = "Wk";
    public static final String VALUE = "Wv";
    public static final String OUTPUT = "Wo";
    private static final AttentionParamInitializer INSTANCE = new AttentionParamInitializer();

    public static AttentionParamInitializer getInstance() {
        return INSTANCE;
    }

    @Override
    protected Map<String, long[]> shapes(Layer layer) {
        ScaledDotProductAttention c = (ScaledDotProductAttention) layer;
        long hd = (long) c.getHeads() * c.getHeadSize();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(QUERY, new long[] {c.getNIn(), hd});
        m.put(KEY, new long[] {c.getNIn(), hd});
        m.put(VALUE, new long[] {c.getNIn(), hd});
        m.put(OUTPUT, new long[] {hd, c.getNOut()});
        return m;
    }

    @Override
    protected Set<String> biases(Layer layer) {
        return Set.of();
    }

    @Override
    protected void initialize(Layer layer, Map<String, INDArray> params) {
        ScaledDotProductAttention c = (ScaledDotProductAttention) layer;
        for (INDArray p : params.values()) {
            c.getWeightInitFn().init(p.size(0), p.size(1), p.shape(), 'c', p);
        }
    }
}
