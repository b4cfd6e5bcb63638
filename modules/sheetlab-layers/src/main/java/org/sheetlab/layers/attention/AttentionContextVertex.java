package org.sheetlab.layers.attention;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.layers.HostArrays;

/**
 * Sheet, Attention Mechanism: the context vectors of an encoder–decoder, α_t = softmax_i(e_ti), ẑ_t = Σ_i α_ti a_i, as
 * a parameter-free ComputationGraph vertex. Inputs: the scores e [B, 1, T_q·T_a] (pair (t, i) at step t·T_a + i, as
 * {@link AdditivePairsVertex} and a one-output dense layer v produce them; any score works, e.g. dot products) and
 * the annotations a [B, n, T_a] (the encoder's states). Output: ẑ [B, n, T_q], one context per decoder step.
 * Backward: δα_ti = ⟨δẑ_t, a_i⟩, δe_ti = α_ti(δα_ti − Σ_j α_tj δα_tj), δa_i = Σ_t α_ti δẑ_t.
 * {@link Impl#lastAttention()} returns α [B, T_q, T_a] of the last forward pass, for heatmaps. Key mask: the mask
 * [B, T_a] of the annotations input (the encoder's padding) gives padded annotations weight 0, α_ti = exp(e_ti) / Σ_{j
 * unmasked} exp(e_tj); a decoder step whose annotations are all masked gets α = 0 and ẑ = 0. The output carries no
 * mask (mask the decoder's labels).
 */
public final class AttentionContextVertex extends AttentionVertices.TwoInputs {
    private static final long serialVersionUID = 1L;

    @Override
    public GraphVertex instantiate(
            ComputationGraph graph, String name, int idx, INDArray paramsView, boolean initializeParams, DataType dt) {
        return new Impl(graph, name, idx, dt);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... in) {
        InputType.InputTypeRecurrent[] ea =
                AttentionVertices.sequences("AttentionContextVertex", "(scores, annotations)", 2, in);
        InputType.InputTypeRecurrent e = ea[0];
        InputType.InputTypeRecurrent a = ea[1];
        if (e.getSize() != 1) {
            throw new InvalidInputTypeException("AttentionContextVertex: the scores must have size 1 (one score per "
                    + "pair), got " + e.getSize() + "; end the score layer with nOut(1)");
        }
        long t = e.getTimeSeriesLength() > 0 && a.getTimeSeriesLength() > 0
                ? e.getTimeSeriesLength() / a.getTimeSeriesLength()
                : -1;
        return InputType.recurrent(a.getSize(), t);
    }

    @Override
    public MemoryReport getMemoryReport(InputType... in) {
        return AttentionVertices.report(AttentionContextVertex.class, in[1], getOutputType(-1, in));
    }

    /** The runtime vertex. */
    public static final class Impl extends AttentionVertices.Runtime {
        private static final long serialVersionUID = 1L;
        private static final String NAME = "AttentionContextVertex";
        private transient double[] alpha;
        private transient long[] alphaShape;

        Impl(ComputationGraph graph, String name, int idx, DataType dataType) {
            super(graph, name, idx, dataType, NAME);
        }

        /** α [B, T_q, T_a] of the last forward pass (DOUBLE), or null before one. */
        public INDArray lastAttention() {
            return alpha == null ? null : Nd4j.create(alpha.clone(), alphaShape, DataType.DOUBLE);
        }

        /** The sizes, the attention α [(b·T_q + t)·T_a + i] and the annotations a [B, n, T_a] of the inputs. */
        private record Pass(int b, int n, int tq, int ta, double[] alpha, double[] a) {}

        /** Checks the inputs' shapes and computes what both passes need. */
        private Pass pass() {
            INDArray e = inputs[0];
            INDArray a = inputs[1];
            AttentionVertices.checkRank3(who(), "scores", e);
            AttentionVertices.checkRank3(who(), "annotations", a);
            int ta = (int) a.size(2);
            if (e.size(1) != 1 || e.size(0) != a.size(0) || e.size(2) % ta != 0) {
                throw new IllegalStateException(who() + ": scores "
                        + java.util.Arrays.toString(e.shape()) + " must be [B, 1, T_q·T_a] for annotations "
                        + java.util.Arrays.toString(a.shape()));
            }
            int b = (int) a.size(0);
            int tq = (int) e.size(2) / ta;
            return new Pass(b, (int) a.size(1), tq, ta, alpha(b, tq, ta), HostArrays.read(a));
        }

        /** α [(b·T_q + t)·T_a + i]: the softmax of the scores over the annotations not masked out. */
        private double[] alpha(int b, int tq, int ta) {
            double[] keyMask = keyMask(1, "annotations", b, ta);
            return AttentionMath.softmax(HostArrays.read(inputs[0]), b * tq, ta, tq, keyMask);
        }

        /** No output mask: the query steps' mask is not recoverable from the pair scores; mask the labels instead. */
        @Override
        INDArray outputMask() {
            return null;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr mgr) {
            Pass p = pass();
            int n = p.n();
            int tq = p.tq();
            int ta = p.ta();
            double[] z = new double[p.b() * n * tq];
            for (int row = 0; row < p.b() * n; row++) { // (e, k): z[row·T_q + t] = Σ_i α_ti a[row·T_a + i]
                int e = row / n;
                for (int t = 0; t < tq; t++) {
                    double s = 0;
                    for (int i = 0; i < ta; i++) {
                        s += p.alpha()[(e * tq + t) * ta + i] * p.a()[row * ta + i];
                    }
                    z[row * tq + t] = s;
                }
            }
            alpha = p.alpha();
            alphaShape = new long[] {p.b(), tq, ta};
            return output(mgr, inputs[1].dataType(), z, p.b(), n, tq);
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
            Pass p = pass();
            int n = p.n();
            int tq = p.tq();
            int ta = p.ta();
            double[] dz = HostArrays.read(epsilon);
            double[] dAlpha = new double[p.alpha().length];
            double[] da = new double[p.a().length];
            for (int row = 0; row < p.b() * n; row++) { // (e, k): δα_ti += δz_t a_i, δa_i += δz_t α_ti
                int e = row / n;
                for (int t = 0; t < tq; t++) {
                    double g = dz[row * tq + t];
                    for (int i = 0; i < ta; i++) {
                        dAlpha[(e * tq + t) * ta + i] += g * p.a()[row * ta + i];
                        da[row * ta + i] += g * p.alpha()[(e * tq + t) * ta + i];
                    }
                }
            }
            double[] de = AttentionMath.softmaxBackward(p.alpha(), dAlpha, p.b() * tq, ta);
            return inputGradients(mgr, de, da);
        }
    }
}
