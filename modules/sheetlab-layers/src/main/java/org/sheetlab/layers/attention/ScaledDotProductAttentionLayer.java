package org.sheetlab.layers.attention;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.layers.HostArrays;
import org.sheetlab.layers.HostLayer;

/**
 * The runtime layer of {@link ScaledDotProductAttention}: the four projections as products over all B·T rows, the
 * attention of each (example, head) in double on the heap, and the backward pass
 * dA = dO·Vᵀ, dV = Aᵀ·dO, dS = A ⊙ (dA − rowsum(A ⊙ dA)), dQ = dS·K/√d, dK = dSᵀ·Q/√d.
 */
public final class ScaledDotProductAttentionLayer
        extends HostLayer<ScaledDotProductAttention, ScaledDotProductAttentionLayer.Forward> {
    private static final long serialVersionUID = 1L;

    public ScaledDotProductAttentionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType, "ScaledDotProductAttention", Type.RECURRENT);
    }

    /** Rows are batch-major: row b·T + t. */
    record Forward(
            INDArray input,
            int b,
            int t,
            int nIn,
            INDArray x2,
            double[] q,
            double[] k,
            double[] v,
            double[] a,
            double[] o,
            double[] mask)
            implements Pass {}

    @Override
    public boolean hasBias() {
        return false;
    }

    /** The attention weights A [B, heads, T, T] (row i: how much step i attends to each step j) for x [B, n_in, T]. */
    public INDArray attentionWeights(INDArray x) {
        Forward f = inspect(x);
        return fromHost(f.a(), f.b(), layerConf().getHeads(), f.t(), f.t());
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        Forward f = trainingPass(training, mgr);
        INDArray wo = getParamWithNoise(AttentionParamInitializer.OUTPUT, training, mgr);
        long nOut = wo.size(1);
        INDArray o2 = fromHost(f.o(), (long) f.b() * f.t(), wo.size(0));
        double[] y = HostArrays.read(o2.mmul(wo));
        double[] out = new double[(int) (f.b() * nOut * f.t())];
        for (int e = 0; e < f.b(); e++) {
            for (int s = 0; s < f.t(); s++) {
                if (f.mask() != null && f.mask()[e * f.t() + s] == 0) {
                    continue;
                }
                int row = e * f.t() + s;
                for (int c = 0; c < nOut; c++) {
                    out[(int) ((e * nOut + c) * f.t() + s)] = y[(int) (row * nOut + c)];
                }
            }
        }
        INDArray result =
                mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {f.b(), nOut, f.t()}, 'c');
        HostArrays.write(result, out);
        return ncw(result, format());
    }

    @Override
    protected Forward forward(boolean training, LayerWorkspaceMgr mgr) {
        INDArray x3 = inputNcw();
        INDArray wq = getParamWithNoise(AttentionParamInitializer.QUERY, training, mgr);
        INDArray wk = getParamWithNoise(AttentionParamInitializer.KEY, training, mgr);
        INDArray wv = getParamWithNoise(AttentionParamInitializer.VALUE, training, mgr);
        int nIn = (int) wq.size(0);
        checkSequence(name(), x3, nIn, format());
        int b = (int) x3.size(0);
        int steps = (int) x3.size(2);
        double[] mask = null;
        if (maskArray != null) {
            checkMask(name(), maskArray, b, steps);
            mask = HostArrays.read(maskArray);
        }
        // rows b·T + t of x, as [B·T, n_in]
        INDArray x2; // kept for the backward pass: outside any workspace
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            x2 = x3.permute(0, 2, 1).dup('c').reshape('c', (long) b * steps, nIn);
        }
        double[] q = HostArrays.read(x2.mmul(wq));
        double[] k = HostArrays.read(x2.mmul(wk));
        double[] v = HostArrays.read(x2.mmul(wv));
        int d = layerConf().getHeadSize();
        var dims = new AttentionMath.Dims(b, steps, steps, layerConf().getHeads(), d, d);
        AttentionMath.Attended at = AttentionMath.attend(q, k, v, dims, mask);
        return new Forward(input, b, steps, nIn, x2, q, k, v, at.a(), at.o(), mask);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        Forward f = backwardPass(mgr);
        INDArray wq = getParamWithNoise(AttentionParamInitializer.QUERY, true, mgr);
        INDArray wk = getParamWithNoise(AttentionParamInitializer.KEY, true, mgr);
        INDArray wv = getParamWithNoise(AttentionParamInitializer.VALUE, true, mgr);
        INDArray wo = getParamWithNoise(AttentionParamInitializer.OUTPUT, true, mgr);
        int b = f.b();
        int steps = f.t();
        int heads = layerConf().getHeads();
        int d = layerConf().getHeadSize();
        int hd = heads * d;
        long nOut = wo.size(1);
        INDArray eps3 = ncw(epsilon, format());
        checkEpsilon(name(), eps3, b, nOut, steps);
        double[] eps = HostArrays.read(eps3);
        double[] dy = new double[(int) (b * steps * nOut)]; // rows b·T + t, masked rows 0
        for (int e = 0; e < b; e++) {
            for (int s = 0; s < steps; s++) {
                if (f.mask() != null && f.mask()[e * steps + s] == 0) {
                    continue;
                }
                for (int c = 0; c < nOut; c++) {
                    dy[(int) ((e * steps + s) * nOut + c)] = eps[(int) ((e * nOut + c) * steps + s)];
                }
            }
        }
        INDArray dY = fromHost(dy, (long) b * steps, nOut);
        INDArray o2 = fromHost(f.o(), (long) b * steps, hd);
        INDArray gWo = gradientViews.get(AttentionParamInitializer.OUTPUT);
        gWo.assign(o2.transpose().mmul(dY));
        double[] dO = HostArrays.read(dY.mmul(wo.transpose()));
        double[][] dqkv = AttentionMath.attendBackward(
                f.q(), f.k(), f.v(), f.a(), dO, new AttentionMath.Dims(b, steps, steps, heads, d, d));
        double[] dq = dqkv[0];
        double[] dk = dqkv[1];
        double[] dv = dqkv[2];
        INDArray dQ = fromHost(dq, (long) b * steps, hd);
        INDArray dK = fromHost(dk, (long) b * steps, hd);
        INDArray dV = fromHost(dv, (long) b * steps, hd);
        INDArray x2t = f.x2().transpose();
        INDArray gWq = gradientViews.get(AttentionParamInitializer.QUERY);
        INDArray gWk = gradientViews.get(AttentionParamInitializer.KEY);
        INDArray gWv = gradientViews.get(AttentionParamInitializer.VALUE);
        gWq.assign(x2t.mmul(dQ));
        gWk.assign(x2t.mmul(dK));
        gWv.assign(x2t.mmul(dV));
        INDArray dX2 = dQ.mmul(wq.transpose()).addi(dK.mmul(wk.transpose())).addi(dV.mmul(wv.transpose()));
        INDArray dx = dX2.reshape('c', b, steps, f.nIn()).permute(0, 2, 1);
        INDArray epsOut =
                mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, new long[] {b, f.nIn(), steps}, 'c');
        epsOut.assign(dx);
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(AttentionParamInitializer.QUERY, gWq);
        gradient.setGradientFor(AttentionParamInitializer.KEY, gWk);
        gradient.setGradientFor(AttentionParamInitializer.VALUE, gWv);
        gradient.setGradientFor(AttentionParamInitializer.OUTPUT, gWo);
        return gradientResult(gradient, ncw(epsOut, format()));
    }
}
