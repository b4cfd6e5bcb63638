package org.sheetlab.layers.attention;

import java.util.Collection;
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

/**
 * Sheet, Attention Mechanism: multi-head scaled dot-product self-attention over a sequence,
 *
 * <pre>
 *   Q = X·W_q,  K = X·W_k,  V = X·W_v          (per head: d = headSize columns each)
 *   A = softmax(Q·Kᵀ / √d)   row-wise, masked keys get weight 0
 *   Y = [A₁V₁ | … | A_hV_h]·W_o
 * </pre>
 *
 * Input [B, n_in, T] (NCW) → output [B, n_out, T]; with {@code dataFormat(RNNFormat.NWC)} [B, T, n_in] → [B, T, n_out]. Masks [B, T] (1 = real step): padded steps are never attended to
 * and their outputs are 0. Parameters: "Wq", "Wk", "Wv" [n_in, heads·d], "Wo" [heads·d, n_out], no biases
 * (PyTorch's nn.MultiheadAttention with bias=False: in_proj_weight = [W_q | W_k | W_v]ᵀ, out_proj.weight = W_oᵀ).
 * {@link ScaledDotProductAttentionLayer#attentionWeights} returns A [B, heads, T, T] for plotting. Explicit forward and
 * backward passes, not DL4J's SameDiff attention (which backpropagates twice the gradient in M2.1).
 *
 * <pre>{@code new ScaledDotProductAttention.Builder().nIn(16).nOut(16).heads(2).headSize(8).build()}</pre>
 */
public final class ScaledDotProductAttention extends BaseRecurrentLayer {
    private static final long serialVersionUID = 1L;

    private int heads = 1;
    private int headSize;

    /** For JSON deserialization. */
    public ScaledDotProductAttention() {}

    private ScaledDotProductAttention(Builder b) {
        super(b);
        this.heads = b.heads;
        this.headSize = b.headSize > 0 ? b.headSize : (int) Math.max(1, getNOut() / Math.max(1, b.heads));
        if (heads < 1) {
            throw new IllegalArgumentException("ScaledDotProductAttention: heads must be >= 1, got " + heads);
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
        Layer layer = new ScaledDotProductAttentionLayer(conf, networkDataType);
        return LayerWiring.instantiate(this, layer, conf, listeners, layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return AttentionParamInitializer.getInstance();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long steps = LayerWiring.steps(inputType);
        long working = steps * (4L * heads * headSize + getNOut()) + (long) heads * steps * steps;
        return LayerWiring.memoryReport(this, inputType, working, working);
    }

    public int getHeads() {
        return heads;
    }

    public void setHeads(int heads) {
        this.heads = heads;
    }

    public int getHeadSize() {
        return headSize;
    }

    public void setHeadSize(int headSize) {
        this.headSize = headSize;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScaledDotProductAttention a
                && super.equals(o)
                && heads == a.heads
                && headSize == a.headSize;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * super.hashCode() + heads) + headSize;
    }

    // DL4J declares Layer.Builder.build() as the generic <E extends Layer> E build(); returning this concrete class is
    // an unchecked override (as in DL4J's own builders), reported on the class. Sound: build() returns this class.
    @SuppressWarnings("unchecked")
    public static final class Builder extends BaseRecurrentLayer.Builder<Builder> {
        private int heads = 1;
        private int headSize;

        /** The number of heads h (default 1). */
        public Builder heads(int heads) {
            this.heads = heads;
            return this;
        }

        /** d, the query/key/value size of each head (default nOut / heads). */
        public Builder headSize(int d) {
            this.headSize = d;
            return this;
        }

        @Override
        public ScaledDotProductAttention build() {
            return new ScaledDotProductAttention(this);
        }
    }
}
