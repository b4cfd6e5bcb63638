package org.sheetlab.layers.attention;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sheetlab.layers.LayerWiring;

/**
 * Sheet, Attention Mechanism, additive (Bahdanau) scores over one sequence (self-attention):
 *
 * <pre>
 *   e_ti = vᵀ tanh(W_a a_i + W_h h_t)      α_t = softmax_i(e_t)      ẑ_t = Σ_i α_ti a_i
 * </pre>
 *
 * with the annotations a_i and the queries h_t both the layer's input steps x_i, x_t. Input [B, n_in, T] (NCW) →
 * contexts [B, n_in, T] (nOut must equal nIn). Parameters "Wa", "Wh" [n_in, k] (row-vector form: a_i·W_a) and "v"
 * [k, 1], k = {@code attentionSize}. Masks [B, T]: padded steps are never attended to and their contexts are 0.
 * {@link AdditiveAttentionLayer#attentionWeights} returns α [B, T, T] for plotting. The encoder–decoder form with two
 * inputs (a ComputationGraph vertex) is not provided yet.
 *
 * <pre>{@code new AdditiveAttention.Builder().nIn(16).nOut(16).attentionSize(8).build()}</pre>
 */
public final class AdditiveAttention extends BaseRecurrentLayer {
    private static final long serialVersionUID = 1L;

    private int attentionSize;

    /** For JSON deserialization. */
    public AdditiveAttention() {}

    private AdditiveAttention(Builder b) {
        super(b);
        this.attentionSize = b.attentionSize;
        if (attentionSize < 1) {
            throw new IllegalArgumentException(
                    "AdditiveAttention: attentionSize (k, the size of W_a a_i) must be >= 1; set .attentionSize(k)");
        }
    }

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        LayerValidation.assertNInNOutSet("AdditiveAttention", getLayerName(), layerIndex, getNIn(), getNOut());
        if (getNIn() != getNOut()) {
            throw new IllegalArgumentException("AdditiveAttention"
                    + (getLayerName() != null ? " '" + getLayerName() + "'" : "")
                    + ": the contexts are weighted sums of the inputs, so nOut must equal nIn (" + getNIn() + "), got "
                    + getNOut());
        }
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        return LayerWiring.wire(
                new AdditiveAttentionLayer(conf, networkDataType),
                conf,
                listeners,
                layerIndex,
                layerParamsView,
                params);
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        long params = initializer().numParams(this);
        long steps = inputType instanceof InputType.InputTypeRecurrent r && r.getTimeSeriesLength() > 0
                ? r.getTimeSeriesLength()
                : 1;
        long working = steps * steps * (attentionSize + 2L);
        return new LayerMemoryReport.Builder(getLayerName(), AdditiveAttention.class, inputType, out)
                .standardMemory(params, params)
                .workingMemory(0, working, 0, working)
                .cacheMemory(0, 0)
                .build();
    }

    public int getAttentionSize() {
        return attentionSize;
    }

    public void setAttentionSize(int attentionSize) {
        this.attentionSize = attentionSize;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdditiveAttention a && super.equals(o) && attentionSize == a.attentionSize;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + attentionSize;
    }

    /** "Wa", "Wh" [n_in, k], "v" [k, 1], flattened in that order; the layer's weight init for all three. */
    public static final class Params implements ParamInitializer {
        public static final String ANNOTATION = "Wa";
        public static final String QUERY = "Wh";
        public static final String SCORE = "v";
        static final Params INSTANCE = new Params();

        private static Map<String, long[]> shapes(AdditiveAttention c) {
            Map<String, long[]> m = new LinkedHashMap<>();
            m.put(ANNOTATION, new long[] {c.getNIn(), c.getAttentionSize()});
            m.put(QUERY, new long[] {c.getNIn(), c.getAttentionSize()});
            m.put(SCORE, new long[] {c.getAttentionSize(), 1});
            return m;
        }

        @Override
        public long numParams(NeuralNetConfiguration conf) {
            return numParams(conf.getLayer());
        }

        @Override
        public long numParams(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return shapes((AdditiveAttention) layer).values().stream()
                    .mapToLong(s -> s[0] * s[1])
                    .sum();
        }

        @Override
        public List<String> paramKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return List.of(ANNOTATION, QUERY, SCORE);
        }

        @Override
        public List<String> weightKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return paramKeys(layer);
        }

        @Override
        public List<String> biasKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return List.of();
        }

        @Override
        public boolean isWeightParam(org.deeplearning4j.nn.conf.layers.Layer layer, String key) {
            return paramKeys(layer).contains(key);
        }

        @Override
        public boolean isBiasParam(org.deeplearning4j.nn.conf.layers.Layer layer, String key) {
            return false;
        }

        private static Map<String, INDArray> views(AdditiveAttention c, INDArray flat) {
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
            AdditiveAttention c = (AdditiveAttention) conf.getLayer();
            Map<String, INDArray> v = views(c, paramsView);
            if (initializeParams) {
                for (INDArray p : v.values()) {
                    c.getWeightInitFn().init(p.size(0), p.size(1), p.shape(), 'c', p);
                }
            }
            return v;
        }

        @Override
        public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
            return views((AdditiveAttention) conf.getLayer(), gradientView);
        }
    }

    // DL4J declares Layer.Builder.build() as the generic <E extends Layer> E build(); returning this concrete class is
    // an unchecked override (as in DL4J's own builders), reported on the class. Sound: build() returns this class.
    @SuppressWarnings("unchecked")
    public static final class Builder extends BaseRecurrentLayer.Builder<Builder> {
        private int attentionSize;

        /** k, the size of the hidden layer of the score network (W_a a_i + W_h h_t). Required. */
        public Builder attentionSize(int k) {
            this.attentionSize = k;
            return this;
        }

        @Override
        public AdditiveAttention build() {
            return new AdditiveAttention(this);
        }
    }
}
