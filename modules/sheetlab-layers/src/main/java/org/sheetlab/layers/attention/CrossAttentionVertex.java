package org.sheetlab.layers.attention;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.layers.HostArrays;

/**
 * Sheet, Attention Mechanism ("attention as a soft dictionary"): multi-head scaled dot-product cross-attention, a
 * query sequence looking up keys and values that come from another sequence, as a parameter-free ComputationGraph
 * vertex:
 *
 * <pre>
 *   per head h:  A_h = softmax(Q_hᵀ·K_h / √d)   [T_q, T_k], masked keys weight 0
 *                O_h = A_h·V_hᵀ                   [T_q, d_v]
 *   output [O_1 | … | O_heads]                    [B, heads·d_v, T_q]
 * </pre>
 *
 * Inputs (NCW): the projected queries Q [B, heads·d, T_q], keys K [B, heads·d, T_k] and values V [B, heads·d_v, T_k]
 * (head hh at rows hh·d … hh·d + d − 1). T_q and T_k may differ. The key mask is the mask [B, T_k] of the keys input
 * (or of the values input when the keys have none), i.e. the memory sequence's padding, as DL4J passes it through the
 * projection layers; a query whose keys are all masked gets a zero output. The output's mask is the queries' mask.
 * Backward: δA = δO·V, δV = Aᵀ·δO, δS = A ⊙ (δA − rowsum(A ⊙ δA)), δQ = δS·K/√d, δK = δSᵀ·Q/√d
 * ({@link AttentionMath}, shared with {@link ScaledDotProductAttention}).
 *
 * <p>The learned projections W_q, W_k, W_v (and W_o) are standard DL4J layers before and after the vertex, added in
 * one call by {@link CrossAttention#add}: they get DL4J's updaters, regularization, JSON and serialization like any
 * layer, as in the additive vertices.
 */
public final class CrossAttentionVertex extends org.deeplearning4j.nn.conf.graph.GraphVertex {
    private static final long serialVersionUID = 1L;
    private static final String NAME = "CrossAttentionVertex";

    private int heads = 1;

    /** One head; for JSON deserialization. */
    public CrossAttentionVertex() {}

    /** {@code heads} heads: the query/key and value sizes must be multiples of it. */
    public CrossAttentionVertex(int heads) {
        if (heads < 1) {
            throw new IllegalArgumentException(NAME + ": heads must be >= 1, got " + heads);
        }
        this.heads = heads;
    }

    public int getHeads() {
        return heads;
    }

    public void setHeads(int heads) {
        this.heads = heads;
    }

    @Override
    public CrossAttentionVertex clone() {
        return new CrossAttentionVertex(heads);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CrossAttentionVertex c && c.heads == heads;
    }

    @Override
    public int hashCode() {
        return 31 * CrossAttentionVertex.class.hashCode() + heads;
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 3;
    }

    @Override
    public int maxVertexInputs() {
        return 3;
    }

    @Override
    public String toString() {
        return NAME + "(heads=" + heads + ")";
    }

    @Override
    public GraphVertex instantiate(
            ComputationGraph graph, String name, int idx, INDArray paramsView, boolean initializeParams, DataType dt) {
        return new Impl(graph, name, idx, dt, heads);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... in) {
        InputType.InputTypeRecurrent[] qkv = AttentionVertices.sequences(NAME, "(queries, keys, values)", 3, in);
        InputType.InputTypeRecurrent q = qkv[0];
        InputType.InputTypeRecurrent k = qkv[1];
        InputType.InputTypeRecurrent v = qkv[2];
        checkSizes(q.getSize(), k.getSize(), v.getSize(), heads, InvalidInputTypeException::new);
        if (k.getTimeSeriesLength() > 0
                && v.getTimeSeriesLength() > 0
                && k.getTimeSeriesLength() != v.getTimeSeriesLength()) {
            throw new InvalidInputTypeException(NAME + ": keys and values must have the same length T_k (both from "
                    + "the memory sequence), got " + k.getTimeSeriesLength() + " and " + v.getTimeSeriesLength());
        }
        return InputType.recurrent(v.getSize(), q.getTimeSeriesLength());
    }

    private static void checkSizes(
            long q, long k, long v, int heads, java.util.function.Function<String, RuntimeException> error) {
        if (q != k) {
            throw error.apply(NAME + ": queries and keys must have the same size heads·d, got " + q + " and " + k
                    + "; give the query and key projections the same nOut");
        }
        if (q % heads != 0 || v % heads != 0) {
            throw error.apply(NAME + ": the query/key size (" + q + ") and the value size (" + v
                    + ") must be multiples of heads (" + heads + ")");
        }
    }

    @Override
    public MemoryReport getMemoryReport(InputType... in) {
        return AttentionVertices.report(CrossAttentionVertex.class, in[0], getOutputType(-1, in));
    }

    /** The runtime vertex. */
    public static final class Impl extends AttentionVertices.Runtime {
        private static final long serialVersionUID = 1L;
        private final int heads;
        private transient double[] weights;
        private transient AttentionMath.Dims weightDims;

        Impl(ComputationGraph graph, String name, int idx, DataType dataType, int heads) {
            super(graph, name, idx, dataType, NAME);
            this.heads = heads;
        }

        /** The attention weights A [B, heads, T_q, T_k] of the last forward pass (DOUBLE), or null before one. */
        public INDArray lastAttention() {
            if (weights == null) {
                return null;
            }
            AttentionMath.Dims s = weightDims;
            return Nd4j.create(weights.clone(), new long[] {s.b(), s.heads(), s.tq(), s.tk()}, DataType.DOUBLE);
        }

        /** The queries' mask: the output has one step per query. */
        @Override
        INDArray outputMask() {
            return mask(0);
        }

        private AttentionMath.Dims dims() {
            INDArray q = inputs[0];
            INDArray k = inputs[1];
            INDArray v = inputs[2];
            AttentionVertices.checkRank3(who(), "queries", q);
            AttentionVertices.checkRank3(who(), "keys", k);
            AttentionVertices.checkRank3(who(), "values", v);
            if (q.size(0) != k.size(0) || k.size(0) != v.size(0) || k.size(2) != v.size(2)) {
                throw new IllegalStateException(who() + ": queries " + Arrays.toString(q.shape()) + ", keys "
                        + Arrays.toString(k.shape()) + " and values " + Arrays.toString(v.shape())
                        + " must agree in B, and keys and values in T_k");
            }
            checkSizes(q.size(1), k.size(1), v.size(1), heads, IllegalStateException::new);
            return new AttentionMath.Dims(
                    (int) q.size(0), (int) q.size(2), (int) k.size(2), heads, (int) (q.size(1) / heads), (int)
                            (v.size(1) / heads));
        }

        /** The key mask [B·T_k]: the keys' mask, else the values' (both come from the memory sequence). */
        private double[] keyMask(AttentionMath.Dims s) {
            int which = mask(1) != null ? 1 : 2;
            return keyMask(which, which == 1 ? "keys" : "values", s.b(), s.tk());
        }

        /** [B, n, T] → rows [B·T, n] on the heap. */
        private static double[] rows(INDArray a) {
            return HostArrays.read(a.permute(0, 2, 1));
        }

        /** Rows [B·T, n] → a new [B, n, T] array. */
        private static INDArray sequence(double[] rows, INDArray like, LayerWorkspaceMgr mgr, ArrayType type) {
            long b = like.size(0);
            long n = like.size(1);
            long t = like.size(2);
            INDArray bt = Nd4j.create(like.dataType(), b, t, n);
            HostArrays.write(bt, rows);
            return mgr.leverageTo(type, bt.permute(0, 2, 1).dup('c'));
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr mgr) {
            AttentionMath.Dims s = dims();
            AttentionMath.Attended at =
                    AttentionMath.attend(rows(inputs[0]), rows(inputs[1]), rows(inputs[2]), s, keyMask(s));
            weights = at.a();
            weightDims = s;
            long[] outShape = {s.b(), s.hv(), s.tq()};
            INDArray bt = Nd4j.create(inputs[2].dataType(), s.b(), s.tq(), s.hv());
            HostArrays.write(bt, at.o());
            INDArray out = Nd4j.create(inputs[2].dataType(), outShape);
            out.assign(bt.permute(0, 2, 1));
            return mgr.leverageTo(ArrayType.ACTIVATIONS, out);
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
            AttentionMath.Dims s = dims();
            double[] q = rows(inputs[0]);
            double[] k = rows(inputs[1]);
            double[] v = rows(inputs[2]);
            AttentionMath.Attended at = AttentionMath.attend(q, k, v, s, keyMask(s));
            double[][] g = AttentionMath.attendBackward(q, k, v, at.a(), rows(epsilon), s);
            return new Pair<>(null, new INDArray[] {
                sequence(g[0], inputs[0], mgr, ArrayType.ACTIVATION_GRAD),
                sequence(g[1], inputs[1], mgr, ArrayType.ACTIVATION_GRAD),
                sequence(g[2], inputs[2], mgr, ArrayType.ACTIVATION_GRAD)
            });
        }
    }
}
