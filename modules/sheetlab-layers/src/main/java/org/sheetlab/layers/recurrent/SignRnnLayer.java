package org.sheetlab.layers.recurrent;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The runtime layer behind {@link SignRnn}: an explicit loop over time steps forward, and backpropagation through
 * time backward, term by term:
 * <pre>
 *   forward   z_t = s_{t−1}·Wᵀ + x_t·Uᵀ,  s_t = act(z_t),  a_t = s_t·Vᵀ,  o_t = relu(a_t)        (row vectors, [B, ·])
 *   backward  δa_t = δo_t ⊙ relu'(a_t);  ∂V += δa_tᵀ·s_t;  δs_t = δa_t·V + δz_{t+1}·W
 *             δz_t = δs_t ⊙ act'(z_t);   ∂W += δz_tᵀ·s_{t−1};  ∂U += δz_tᵀ·x_t;  δx_t = δz_t·U
 * </pre>
 * With a mask m_t ∈ {0, 1}: s_t = m_t·act(z_t) + (1 − m_t)·s_{t−1} and o_t = m_t·relu(a_t).
 */
public final class SignRnnLayer extends BaseLayer<SignRnn> implements StateGradientRecording {
    /** Where a {@link #stateGradients} call collects ∂L/∂s_t; null outside such a call. */
    private transient INDArray stateGradientSink;

    private static final long serialVersionUID = 1L;

    public SignRnnLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Forward intermediates per step: z_t, s_t (with s_{−1} = 0 at index 0 of states), a_t. */
    private record Trace(INDArray x, INDArray[] z, INDArray[] s, INDArray[] a, INDArray out, INDArray mask) {}

    private INDArray ncwInput() {
        if (input.rank() != 3) {
            throw new IllegalStateException("SignRnn " + layerId() + ": expects input [B, n_in, T], got shape "
                    + Arrays.toString(input.shape()));
        }
        INDArray x = layerConf().getRnnDataFormat() == RNNFormat.NWC ? input.permute(0, 2, 1) : input;
        if (x.size(1) != layerConf().getNIn()) {
            throw new IllegalStateException("SignRnn " + layerId() + ": input has " + x.size(1) + " features per step "
                    + "but the layer was configured with nIn = " + layerConf().getNIn());
        }
        return x;
    }

    private static INDArray step(INDArray x, int t) {
        return x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t))
                .dup('c');
    }

    private Trace forward(boolean training) {
        INDArray x = ncwInput();
        int b = (int) x.size(0);
        int steps = (int) x.size(2);
        long h = layerConf().getHiddenSize();
        long nOut = layerConf().getNOut();
        INDArray u = getParam(SignRnnParamInitializer.INPUT_WEIGHTS);
        INDArray w = getParam(SignRnnParamInitializer.RECURRENT_WEIGHTS);
        INDArray v = getParam(SignRnnParamInitializer.OUTPUT_WEIGHTS);
        IActivation stateAct = layerConf().getStateActivation();
        IActivation outAct = layerConf().getActivationFn();
        INDArray mask =
                maskArray == null ? null : maskArray.castTo(x.dataType()).reshape(b, steps);
        INDArray[] z = new INDArray[steps];
        INDArray[] s = new INDArray[steps + 1];
        INDArray[] a = new INDArray[steps];
        s[0] = Nd4j.zeros(x.dataType(), b, h);
        INDArray out = Nd4j.create(x.dataType(), new long[] {b, nOut, steps}, 'c');
        for (int t = 0; t < steps; t++) {
            z[t] = s[t].mmul(w.transpose()).addi(step(x, t).mmul(u.transpose()));
            INDArray st = stateAct.getActivation(z[t].dup(), training);
            INDArray m = mask == null ? null : mask.getColumn(t).reshape(b, 1);
            if (m != null) {
                st = st.mulColumnVector(m).addi(s[t].mulColumnVector(m.rsub(1.0)));
            }
            s[t + 1] = st;
            a[t] = st.mmul(v.transpose());
            INDArray ot = outAct.getActivation(a[t].dup(), training);
            if (m != null) {
                ot.muliColumnVector(m);
            }
            out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t))
                    .assign(ot);
        }
        return new Trace(x, z, s, a, out, mask);
    }

    /** The hidden states s_1 … s_T for {@code x} [B, n_in, T] (NCW), as [B, h, T]: ±1 for the sign state. */
    public INDArray states(INDArray x) {
        setInput(x, LayerWorkspaceMgr.noWorkspaces());
        Trace tr = forward(false);
        INDArray out = Nd4j.create(x.dataType(), x.size(0), layerConf().getHiddenSize(), tr.z().length);
        for (int t = 0; t < tr.z().length; t++) {
            out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t))
                    .assign(tr.s()[t + 1]);
        }
        return out;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray out = forward(training).out();
        if (layerConf().getRnnDataFormat() == RNNFormat.NWC) {
            out = out.permute(0, 2, 1);
        }
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, out.dup('c'));
    }

    @Override
    public INDArray stateGradients(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        long steps = layerConf().getRnnDataFormat() == RNNFormat.NWC ? input.size(1) : input.size(2);
        INDArray out = Nd4j.create(DataType.DOUBLE, input.size(0), layerConf().getHiddenSize(), steps);
        stateGradientSink = out;
        try {
            backpropGradient(epsilon, mgr);
        } finally {
            stateGradientSink = null;
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        Trace tr = forward(true);
        INDArray eps = layerConf().getRnnDataFormat() == RNNFormat.NWC ? epsilon.permute(0, 2, 1) : epsilon;
        int b = (int) tr.x().size(0);
        int steps = tr.z().length;
        INDArray u = getParam(SignRnnParamInitializer.INPUT_WEIGHTS);
        INDArray w = getParam(SignRnnParamInitializer.RECURRENT_WEIGHTS);
        INDArray v = getParam(SignRnnParamInitializer.OUTPUT_WEIGHTS);
        INDArray du = gradientViews.get(SignRnnParamInitializer.INPUT_WEIGHTS).assign(0);
        INDArray dw =
                gradientViews.get(SignRnnParamInitializer.RECURRENT_WEIGHTS).assign(0);
        INDArray dv = gradientViews.get(SignRnnParamInitializer.OUTPUT_WEIGHTS).assign(0);
        IActivation stateAct = layerConf().getStateActivation();
        IActivation outAct = layerConf().getActivationFn();
        INDArray dx = Nd4j.create(tr.x().dataType(), tr.x().shape(), 'c');
        INDArray dsNext = Nd4j.zeros(tr.x().dataType(), b, layerConf().getHiddenSize());
        for (int t = steps - 1; t >= 0; t--) {
            INDArray m = tr.mask() == null ? null : tr.mask().getColumn(t).reshape(b, 1);
            INDArray dOut = step(eps, t);
            if (m != null) {
                dOut.muliColumnVector(m);
            }
            INDArray da = outAct.backprop(tr.a()[t].dup(), dOut).getFirst();
            dv.addi(da.transpose().mmul(tr.s()[t + 1]));
            INDArray ds = da.mmul(v).addi(dsNext);
            if (stateGradientSink != null) {
                stateGradientSink
                        .get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t))
                        .assign(ds);
            }
            INDArray dz = stateAct.backprop(tr.z()[t].dup(), ds.dup()).getFirst();
            INDArray carry = null;
            if (m != null) {
                dz.muliColumnVector(m);
                carry = ds.mulColumnVector(m.rsub(1.0));
            }
            dw.addi(dz.transpose().mmul(tr.s()[t]));
            INDArray xt = step(tr.x(), t);
            du.addi(dz.transpose().mmul(xt));
            dx.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t))
                    .assign(dz.mmul(u));
            dsNext = dz.mmul(w);
            if (carry != null) {
                dsNext.addi(carry);
            }
        }
        Gradient g = new DefaultGradient(gradientsFlattened);
        g.setGradientFor(SignRnnParamInitializer.INPUT_WEIGHTS, du);
        g.setGradientFor(SignRnnParamInitializer.RECURRENT_WEIGHTS, dw);
        g.setGradientFor(SignRnnParamInitializer.OUTPUT_WEIGHTS, dv);
        INDArray epsOut = layerConf().getRnnDataFormat() == RNNFormat.NWC
                ? dx.permute(0, 2, 1).dup('c')
                : dx;
        return new Pair<>(g, workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, epsOut));
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean hasBias() {
        return false;
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }
}
