package org.sheetlab.layers.attention;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.layers.LayerWiring;
import org.sheetlab.layers.ShapedParamInitializer;

/**
 * Sheet, Attention Mechanism, additive (Bahdanau) scores over one sequence (self-attention):
 *
 * <pre>
 *   e_ti = vᵀ tanh(W_a a_i + W_h h_t)      α_t = softmax_i(e_t)      ẑ_t = Σ_i α_ti a_i
 * </pre>
 *
 * with the annotations a_i and the queries h_t both the layer's input steps x_i, x_t. Input [B, n_in, T] (NCW) →
 * contexts [B, n_in, T] (nOut must equal nIn; [B, T, n_in] in and out with {@code dataFormat(RNNFormat.NWC)}). Parameters "Wa", "Wh" [n_in, k] (row-vector form: a_i·W_a) and "v"
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
        if (getNIn() != getNOut()) {
            throw new IllegalArgumentException("AdditiveAttention"
                    + (getLayerName() != null ? " '" + getLayerName() + "'" : "")
                    + ": the contexts are weighted sums of the inputs, so nOut must equal nIn (" + getNIn() + "), got "
                    + getNOut());
        }
        Layer layer = new AdditiveAttentionLayer(conf, networkDataType);
        return LayerWiring.instantiate(this, layer, conf, listeners, layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long steps = LayerWiring.steps(inputType);
        long working = steps * steps * (attentionSize + 2L);
        return LayerWiring.memoryReport(this, inputType, working, working);
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
    public static final class Params extends ShapedParamInitializer {
        public static final String ANNOTATION = "Wa";
        public static final String QUERY = "Wh";
        public static final String SCORE = "v";
        static final Params INSTANCE = new Params();

        @Override
        protected Map<String, long[]> shapes(org.deeplearning4j.nn.conf.layers.Layer layer) {
            AdditiveAttention c = (AdditiveAttention) layer;
            Map<String, long[]> m = new LinkedHashMap<>();
            m.put(ANNOTATION, new long[] {c.getNIn(), c.getAttentionSize()});
            m.put(QUERY, new long[] {c.getNIn(), c.getAttentionSize()});
            m.put(SCORE, new long[] {c.getAttentionSize(), 1});
            return m;
        }

        @Override
        protected Set<String> biases(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return Set.of();
        }

        @Override
        protected void initialize(org.deeplearning4j.nn.conf.layers.Layer layer, Map<String, INDArray> params) {
            AdditiveAttention c = (AdditiveAttention) layer;
            for (INDArray p : params.values()) {
                c.getWeightInitFn().init(p.size(0), p.size(1), p.shape(), 'c', p);
            }
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
