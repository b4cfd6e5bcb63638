package org.sheetlab.layers.attention;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.layers.HostArrays;

/**
 * Sheet, Attention Mechanism (Bahdanau, additive): the inner part of e_ti = vᵀ tanh(W_a a_i + W_h h_t) for an
 * encoder–decoder, as a parameter-free ComputationGraph vertex. Inputs: the projected decoder states q = W_h h
 * [B, d, T_q] and the projected annotations k = W_a a [B, d, T_a] (each from a {@code TimeDistributed} dense layer,
 * which holds W_h, W_a and their biases). Output: u = tanh(q_t + k_i) for every pair, [B, d, T_q·T_a] with pair (t, i)
 * at step t·T_a + i, ready for a {@code TimeDistributed} dense layer with one output and no bias (v) that gives the
 * scores e [B, 1, T_q·T_a] for {@link AttentionContextVertex}. Backward: δpre = δu ⊙ (1 − u²), δq_t = Σ_i δpre_ti,
 * δk_i = Σ_t δpre_ti. Every parameter of the attention thus lives in standard DL4J layers (their updaters, JSON and
 * serialization), and both vertices have explicit backward passes (no SameDiff: see DL4J-NOTES on its doubled
 * gradients). Masks: the scores of padded annotations are computed here and given weight 0 by
 * {@link AttentionContextVertex}, which reads the key mask [B, T_a] from its annotations input. With padded
 * sequences wrap the dense layers in {@link MaskedTimeDistributed} (DL4J's {@code TimeDistributed} masks the wrong
 * steps).
 *
 * <pre>{@code
 * graph.addLayer("keys", new TimeDistributed(new DenseLayer.Builder().nOut(d).activation(IDENTITY).hasBias(false)
 *         .build()), "encoder")
 *      .addLayer("queries", new TimeDistributed(new DenseLayer.Builder().nOut(d).activation(IDENTITY).build()),
 *         "decoder")
 *      .addVertex("pairs", new AdditivePairsVertex(), "queries", "keys")
 *      .addLayer("scores", new TimeDistributed(new DenseLayer.Builder().nOut(1).activation(IDENTITY)
 *         .hasBias(false).build()), "pairs")
 *      .addVertex("context", new AttentionContextVertex(), "scores", "encoder");   // [B, n_a, T_q]
 * }</pre>
 */
public final class AdditivePairsVertex extends AttentionVertices.TwoInputs {
    private static final long serialVersionUID = 1L;

    @Override
    public GraphVertex instantiate(
            ComputationGraph graph, String name, int idx, INDArray paramsView, boolean initializeParams, DataType dt) {
        return new Impl(graph, name, idx, dt);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... in) {
        InputType.InputTypeRecurrent[] qk =
                AttentionVertices.sequences("AdditivePairsVertex", "(queries, keys)", 2, in);
        InputType.InputTypeRecurrent q = qk[0];
        InputType.InputTypeRecurrent k = qk[1];
        if (q.getSize() != k.getSize()) {
            throw new org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException("AdditivePairsVertex: queries and "
                    + "keys must have the same size d, got " + q.getSize() + " and " + k.getSize()
                    + "; give both projection layers the same nOut");
        }
        long t = q.getTimeSeriesLength() > 0 && k.getTimeSeriesLength() > 0
                ? q.getTimeSeriesLength() * k.getTimeSeriesLength()
                : -1;
        return InputType.recurrent(q.getSize(), t);
    }

    @Override
    public MemoryReport getMemoryReport(InputType... in) {
        return AttentionVertices.report(AdditivePairsVertex.class, in[0], getOutputType(-1, in));
    }

    /** The runtime vertex. */
    static final class Impl extends AttentionVertices.Runtime {
        private static final long serialVersionUID = 1L;
        private static final String NAME = "AdditivePairsVertex";

        Impl(ComputationGraph graph, String name, int idx, DataType dataType) {
            super(graph, name, idx, dataType, NAME);
        }

        /** No output mask: the key mask reaches {@link AttentionContextVertex} through its annotations input. */
        @Override
        INDArray outputMask() {
            return null;
        }

        /** The checked sizes of the inputs: batch b, size d, query steps T_q, key steps T_a. */
        private record Dims(int b, int d, int tq, int ta) {}

        private Dims dims() {
            INDArray q = inputs[0];
            INDArray k = inputs[1];
            AttentionVertices.checkRank3(who(), "queries", q);
            AttentionVertices.checkRank3(who(), "keys", k);
            if (q.size(0) != k.size(0) || q.size(1) != k.size(1)) {
                throw new IllegalStateException(who() + ": queries "
                        + java.util.Arrays.toString(q.shape()) + " and keys " + java.util.Arrays.toString(k.shape())
                        + " must agree in batch and size d");
            }
            return new Dims((int) q.size(0), (int) q.size(1), (int) q.size(2), (int) k.size(2));
        }

        /** u [B, d, T_q·T_a] of the inputs, pair (t, i) at ((e·d + j)·T_q + t)·T_a + i. */
        private static double[] pairs(Dims s, double[] q, double[] k) {
            int tq = s.tq();
            int ta = s.ta();
            double[] u = new double[s.b() * s.d() * tq * ta];
            for (int row = 0; row < s.b() * s.d(); row++) { // (e, j)
                for (int t = 0; t < tq; t++) {
                    double qt = q[row * tq + t];
                    for (int i = 0; i < ta; i++) {
                        u[(row * tq + t) * ta + i] = HostArrays.tanh(qt + k[row * ta + i]);
                    }
                }
            }
            return u;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr mgr) {
            Dims s = dims();
            double[] u = pairs(s, HostArrays.read(inputs[0]), HostArrays.read(inputs[1]));
            return output(mgr, inputs[0].dataType(), u, s.b(), s.d(), (long) s.tq() * s.ta());
        }

        /** δpre = δu ⊙ (1 − u²) with u recomputed by {@link #pairs}; δq_t = Σ_i δpre_ti, δk_i = Σ_t δpre_ti. */
        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
            Dims s = dims();
            int tq = s.tq();
            int ta = s.ta();
            double[] q = HostArrays.read(inputs[0]);
            double[] k = HostArrays.read(inputs[1]);
            double[] u = pairs(s, q, k);
            double[] du = HostArrays.read(epsilon);
            double[] dq = new double[q.length];
            double[] dk = new double[k.length];
            for (int row = 0; row < s.b() * s.d(); row++) { // (e, j)
                for (int t = 0; t < tq; t++) {
                    double acc = 0;
                    for (int i = 0; i < ta; i++) {
                        int p = (row * tq + t) * ta + i;
                        double g = du[p] * (1 - u[p] * u[p]);
                        acc += g;
                        dk[row * ta + i] += g;
                    }
                    dq[row * tq + t] = acc;
                }
            }
            return inputGradients(mgr, dq, dk);
        }
    }
}
