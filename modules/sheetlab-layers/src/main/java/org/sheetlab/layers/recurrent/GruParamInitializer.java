package org.sheetlab.layers.recurrent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.layers.ShapedParamInitializer;

/**
 * {@link GRU}'s parameters, flattened in this order: "W" [n_in, 3H], "RW" [H, 3H], "b" [1, 3H] and, with resetAfter,
 * "bhn" [1, H]. Weights use the layer's weight init (RW: {@code weightInitRecurrent} when set), fan-in n_in and H
 * respectively; biases start at the layer's bias init.
 */
public final class GruParamInitializer extends ShapedParamInitializer {
    public static final String INPUT_WEIGHTS = "W";
    public static final String RECURRENT_WEIGHTS = "RW";
    public static final String BIAS = "b";
    public static final String CANDIDATE_RECURRENT_BIAS = "bhn";
    private static final GruParamInitializer INSTANCE = new GruParamInitializer();

    public static GruParamInitializer getInstance() {
        return INSTANCE;
    }

    @Override
    protected Map<String, long[]> shapes(Layer layer) {
        GRU c = (GRU) layer;
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
    protected Set<String> biases(Layer layer) {
        return Set.of(BIAS, CANDIDATE_RECURRENT_BIAS);
    }

    @Override
    protected void initialize(Layer layer, Map<String, INDArray> v) {
        GRU c = (GRU) layer;
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
}
