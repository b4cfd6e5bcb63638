package org.sheetlab.layers.attention;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.nd4j.linalg.activations.Activation;

/**
 * Sheet, Attention Mechanism ("attention as a soft dictionary"): scaled dot-product cross-attention of a query
 * sequence over a memory sequence, added to a ComputationGraph in one call,
 *
 * <pre>
 *   Q = W_qᵀ·query_t,  K = W_kᵀ·memory_s,  V = W_vᵀ·memory_s     (time-distributed, no bias)
 *   O = [softmax(Q_hᵀK_h/√d)·V_hᵀ]_h  ({@link CrossAttentionVertex}),   Y = W_oᵀ·O   (optional)
 * </pre>
 *
 * query [B, d_q, T_q] and memory [B, d_k, T_k] (NCW, T_q ≠ T_k allowed) → [B, nOut, T_q] (or [B, heads·d_v, T_q]
 * without W_o). Layers: "{name}_q", "{name}_k", "{name}_v" ({@link MaskedTimeDistributed} dense layers holding W_q [d_q,
 * heads·d], W_k [d_k, heads·d], W_v [d_k, heads·d_v] as their "W"), the vertex "{name}_attend" and, with nOut, "{name}"
 * holding W_o [heads·d_v, nOut]. The memory's mask (its padding) is the key mask; the output carries the query's
 * mask. PyTorch: F.scaled_dot_product_attention(q, k, v, attn_mask = key_padding) on heads split from Q = query·W_q,
 * or nn.MultiheadAttention(kdim, vdim, bias = False) with q_proj_weight = W_qᵀ, k_proj_weight = W_kᵀ, v_proj_weight =
 * W_vᵀ, out_proj.weight = W_oᵀ.
 *
 * <p>Why a parameter-free vertex between standard layers rather than one vertex holding W_q, W_k, W_v, W_o: DL4J M2.1
 * hands the network's updater and regularization only to layers and to SameDiff vertices (whose gradients are doubled,
 * DL4J-NOTES), so parameters in standard dense layers are trained, regularized, saved and restored like every other
 * parameter, and the vertex keeps one explicit, tested backward pass.
 *
 * <pre>{@code
 * String out = new CrossAttention.Builder().heads(2).headSize(4).nOut(8).build()
 *         .addTo(graph, "cross", "decoder", "encoder");     // graph: a ComputationGraphConfiguration.GraphBuilder
 * }</pre>
 */
public final class CrossAttention {
    private final int heads;
    private final int headSize;
    private final int valueSize;
    private final int nOut;

    private CrossAttention(Builder b) {
        if (b.heads < 1 || b.headSize < 1) {
            throw new IllegalArgumentException("CrossAttention: heads and headSize must be >= 1, got heads = " + b.heads
                    + ", headSize = " + b.headSize + "; set .heads(h).headSize(d)");
        }
        if (b.valueSize < 0 || b.nOut < 0) {
            throw new IllegalArgumentException("CrossAttention: valueSize and nOut must be >= 1 (0: default), got "
                    + b.valueSize + " and " + b.nOut);
        }
        this.heads = b.heads;
        this.headSize = b.headSize;
        this.valueSize = b.valueSize > 0 ? b.valueSize : b.headSize;
        this.nOut = b.nOut;
    }

    private static TimeDistributed projection(int nOut) {
        return new MaskedTimeDistributed(new DenseLayer.Builder()
                .nOut(nOut)
                .activation(Activation.IDENTITY)
                .hasBias(false)
                .build());
    }

    /**
     * Adds the projections, the attention vertex and (with nOut) the output projection to {@code graph}; returns the
     * name of the vertex or layer whose output is the attention's result.
     */
    public String addTo(ComputationGraphConfiguration.GraphBuilder graph, String name, String query, String memory) {
        String attend = nOut > 0 ? name + "_attend" : name;
        graph.addLayer(name + "_q", projection(heads * headSize), query)
                .addLayer(name + "_k", projection(heads * headSize), memory)
                .addLayer(name + "_v", projection(heads * valueSize), memory)
                .addVertex(attend, new CrossAttentionVertex(heads), name + "_q", name + "_k", name + "_v");
        if (nOut > 0) {
            graph.addLayer(name, projection(nOut), attend);
        }
        return name;
    }

    /** The settings of a cross-attention block. */
    public static final class Builder {
        private int heads = 1;
        private int headSize;
        private int valueSize;
        private int nOut;

        /** The number of heads h (default 1). */
        public Builder heads(int heads) {
            this.heads = heads;
            return this;
        }

        /** d, the query/key size of each head (required). */
        public Builder headSize(int d) {
            this.headSize = d;
            return this;
        }

        /** d_v, the value size of each head (default d). */
        public Builder valueSize(int dv) {
            this.valueSize = dv;
            return this;
        }

        /** The output projection W_o's size (default 0: no W_o, the output is [B, heads·d_v, T_q]). */
        public Builder nOut(int nOut) {
            this.nOut = nOut;
            return this;
        }

        public CrossAttention build() {
            return new CrossAttention(this);
        }
    }
}
