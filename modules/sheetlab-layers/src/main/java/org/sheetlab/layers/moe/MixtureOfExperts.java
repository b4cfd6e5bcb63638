package org.sheetlab.layers.moe;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.layers.LayerWiring;
import org.sheetlab.layers.ShapedParamInitializer;

/**
 * Sheet, DNNs as Data Structures (Final Q4, "Mixture-of-Experts: gating network routes input"): E dense experts
 * y_e = f(x·W_e + b_e) (y_e = f(x·W_e) with {@code expertBias(false)}) and a softmax gate p = softmax(x·W_g + b_g),
 *
 * <pre>
 *   g = p                                  (dense mixture), or
 *   g_e = p_e / Σ_{j∈top-k} p_j for the k largest p_e, 0 for the others      (topK(k))
 *   y = Σ_e g_e · y_e
 *   L_aux = λ · E · Σ_e f_e · P_e          (load balancing: f_e = the share of the minibatch whose largest gate is e,
 *                                           P_e = the mean gate probability p_e; λ = loadBalancing, 0 = off)
 * </pre>
 *
 * Input [B, n_in] → output [B, n_out]. L_aux is added to the network's score (as a regularization term) and its gradient
 * flows into the gate. The expert selection (top-k, and f) is piecewise constant, so gradients are those of the
 * selected experts. Parameters: "W" [n_in, E·n_out] and "b" [1, E·n_out] (the experts side by side), "Wg" [n_in, E],
 * "bg" [1, E]. {@link MixtureOfExpertsLayer#gates} returns g [B, E] for routing plots.
 *
 * <pre>{@code new MixtureOfExperts.Builder().nIn(784).nOut(64).experts(4).topK(2).loadBalancing(0.01).build()}</pre>
 */
public final class MixtureOfExperts extends FeedForwardLayer {
    private static final long serialVersionUID = 1L;

    private int experts = 2;
    private int topK;
    private double loadBalancing;
    private boolean expertBias = true;

    /** For JSON deserialization. */
    public MixtureOfExperts() {}

    private MixtureOfExperts(Builder b) {
        super(b);
        this.experts = b.experts;
        this.topK = b.topK;
        this.loadBalancing = b.loadBalancing;
        this.expertBias = b.expertBias;
        String who = "MixtureOfExperts" + (getLayerName() != null ? " '" + getLayerName() + "'" : "");
        if (experts < 1) {
            throw new IllegalArgumentException(who + ": experts must be >= 1, got " + experts);
        }
        if (topK < 0 || topK > experts) {
            throw new IllegalArgumentException(
                    who + ": topK must be between 1 and experts (" + experts + "), or 0 for all; got " + topK);
        }
        if (loadBalancing < 0 || Double.isNaN(loadBalancing)) {
            throw new IllegalArgumentException(who + ": loadBalancing (λ) must be >= 0, got " + loadBalancing);
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
        Layer layer = new MixtureOfExpertsLayer(conf, networkDataType);
        return LayerWiring.instantiate(this, layer, conf, listeners, layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long working = (long) experts * getNOut() * 2 + 3L * experts;
        return LayerWiring.memoryReport(this, inputType, working, working);
    }

    public int getExperts() {
        return experts;
    }

    public void setExperts(int experts) {
        this.experts = experts;
    }

    /** k, or 0 for the dense mixture over all experts. */
    public int getTopK() {
        return topK;
    }

    public void setTopK(int topK) {
        this.topK = topK;
    }

    public double getLoadBalancing() {
        return loadBalancing;
    }

    public void setLoadBalancing(double loadBalancing) {
        this.loadBalancing = loadBalancing;
    }

    /** Whether the experts have the bias b_e (default true); false: y_e = f(x·W_e), no "b" parameter. */
    public boolean isExpertBias() {
        return expertBias;
    }

    public void setExpertBias(boolean expertBias) {
        this.expertBias = expertBias;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MixtureOfExperts m
                && super.equals(o)
                && experts == m.experts
                && topK == m.topK
                && Double.compare(loadBalancing, m.loadBalancing) == 0
                && expertBias == m.expertBias;
    }

    @Override
    public int hashCode() {
        return ((31 * (31 * super.hashCode() + experts) + topK) * 31 + Double.hashCode(loadBalancing)) * 31
                + Boolean.hashCode(expertBias);
    }

    /** "W" [n_in, E·n_out], "b" [1, E·n_out] (not with {@code expertBias(false)}), "Wg" [n_in, E], "bg" [1, E]. */
    public static final class Params extends ShapedParamInitializer {
        public static final String EXPERT_WEIGHTS = "W";
        public static final String EXPERT_BIAS = "b";
        public static final String GATE_WEIGHTS = "Wg";
        public static final String GATE_BIAS = "bg";
        static final Params INSTANCE = new Params();

        @Override
        protected Map<String, long[]> shapes(org.deeplearning4j.nn.conf.layers.Layer layer) {
            MixtureOfExperts c = (MixtureOfExperts) layer;
            long eo = (long) c.getExperts() * c.getNOut();
            Map<String, long[]> m = new LinkedHashMap<>();
            m.put(EXPERT_WEIGHTS, new long[] {c.getNIn(), eo});
            if (c.isExpertBias()) {
                m.put(EXPERT_BIAS, new long[] {1, eo});
            }
            m.put(GATE_WEIGHTS, new long[] {c.getNIn(), c.getExperts()});
            m.put(GATE_BIAS, new long[] {1, c.getExperts()});
            return m;
        }

        @Override
        protected Set<String> biases(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return ((MixtureOfExperts) layer).isExpertBias() ? Set.of(EXPERT_BIAS, GATE_BIAS) : Set.of(GATE_BIAS);
        }

        @Override
        protected void initialize(org.deeplearning4j.nn.conf.layers.Layer layer, Map<String, INDArray> params) {
            MixtureOfExperts c = (MixtureOfExperts) layer;
            INDArray w = params.get(EXPERT_WEIGHTS);
            c.getWeightInitFn().init(c.getNIn(), c.getNOut(), w.shape(), 'c', w);
            INDArray wg = params.get(GATE_WEIGHTS);
            c.getWeightInitFn().init(c.getNIn(), c.getExperts(), wg.shape(), 'c', wg);
            if (c.isExpertBias()) {
                params.get(EXPERT_BIAS).assign(c.getBiasInit());
            }
            params.get(GATE_BIAS).assign(0.0);
        }
    }

    // DL4J declares Layer.Builder.build() as the generic <E extends Layer> E build(); returning this concrete class is
    // an unchecked override (as in DL4J's own builders), reported on the class. Sound: build() returns this class.
    @SuppressWarnings("unchecked")
    public static final class Builder extends FeedForwardLayer.Builder<Builder> {
        private int experts = 2;
        private int topK;
        private double loadBalancing;
        private boolean expertBias = true;

        /** E, the number of experts (default 2). */
        public Builder experts(int e) {
            this.experts = e;
            return this;
        }

        /** Route each input to its k most probable experts only (0, the default: all experts). */
        public Builder topK(int k) {
            this.topK = k;
            return this;
        }

        /** λ, the weight of the load-balancing term (default 0: off). */
        public Builder loadBalancing(double lambda) {
            this.loadBalancing = lambda;
            return this;
        }

        /** {@code false}: experts without bias, y_e = f(x·W_e) (default true: y_e = f(x·W_e + b_e)). */
        public Builder expertBias(boolean expertBias) {
            this.expertBias = expertBias;
            return this;
        }

        @Override
        public MixtureOfExperts build() {
            return new MixtureOfExperts(this);
        }
    }
}
