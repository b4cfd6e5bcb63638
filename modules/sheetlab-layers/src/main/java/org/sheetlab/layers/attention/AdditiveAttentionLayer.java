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
 * The runtime layer of {@link AdditiveAttention}: P = X·W_a and R = X·W_h as products over all B·T rows, then per
 * example in double on the heap u_tic = tanh(P_ic + R_tc), e_ti = Σ_c v_c u_tic, α_t = softmax_i(e_t), ẑ_t = Σ_i α_ti x_i;
 * backward: dα_ti = ⟨dẑ_t, x_i⟩, de_ti = α_ti (dα_ti − Σ_j α_tj dα_tj), d(pre)_tic = de_ti v_c (1 − u_tic²), then
 * dv, dP, dR, dW_a = Xᵀ·dP, dW_h = Xᵀ·dR and dX = α-weighted dẑ + dP·W_aᵀ + dR·W_hᵀ.
 */
public final class AdditiveAttentionLayer extends HostLayer<AdditiveAttention, AdditiveAttentionLayer.Forward> {
    private static final long serialVersionUID = 1L;

    public AdditiveAttentionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType, "AdditiveAttention", Type.RECURRENT);
    }

    /** Rows batch-major (b·T + t); u is [B, T(queries), T(annotations), k]. */
    record Forward(
            INDArray input,
            int b,
            int t,
            int n,
            int k,
            INDArray x2,
            double[] x,
            double[] u,
            double[] alpha,
            double[] mask)
            implements Pass {}

    @Override
    public boolean hasBias() {
        return false;
    }

    /** α [B, T, T]: row t holds how much query step t attends to each step i, for x [B, n_in, T]. */
    public INDArray attentionWeights(INDArray x) {
        Forward f = inspect(x);
        return fromHost(f.alpha(), f.b(), f.t(), f.t());
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        Forward f = trainingPass(training, mgr);
        int b = f.b();
        int steps = f.t();
        int n = f.n();
        double[] z = new double[b * n * steps]; // [B, n, T]
        for (int e = 0; e < b; e++) {
            for (int t = 0; t < steps; t++) {
                if (f.mask() != null && f.mask()[e * steps + t] == 0) {
                    continue;
                }
                int ao = (e * steps + t) * steps;
                for (int i = 0; i < steps; i++) {
                    double w = f.alpha()[ao + i];
                    if (w == 0) {
                        continue;
                    }
                    int xi = (e * steps + i) * n;
                    for (int c = 0; c < n; c++) {
                        z[(e * n + c) * steps + t] += w * f.x()[xi + c];
                    }
                }
            }
        }
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {b, n, steps}, 'c');
        out.assign(Nd4j.create(z, new long[] {b, n, steps}, DataType.DOUBLE));
        return ncw(out, format());
    }

    @Override
    protected Forward forward(boolean training, LayerWorkspaceMgr mgr) {
        INDArray x3 = inputNcw();
        INDArray wa = getParamWithNoise(AdditiveAttention.Params.ANNOTATION, training, mgr);
        INDArray wh = getParamWithNoise(AdditiveAttention.Params.QUERY, training, mgr);
        double[] v = HostArrays.read(getParamWithNoise(AdditiveAttention.Params.SCORE, training, mgr));
        int n = (int) wa.size(0);
        int k = (int) wa.size(1);
        checkSequence(name(), x3, n, format());
        int b = (int) x3.size(0);
        int steps = (int) x3.size(2);
        double[] mask = null;
        if (maskArray != null) {
            checkMask(name(), maskArray, b, steps);
            mask = HostArrays.read(maskArray);
        }
        INDArray x2;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            x2 = x3.permute(0, 2, 1).dup('c').reshape('c', (long) b * steps, n);
        }
        double[] x = HostArrays.read(x2);
        double[] p = HostArrays.read(x2.mmul(wa));
        double[] r = HostArrays.read(x2.mmul(wh));
        double[] u = new double[b * steps * steps * k];
        double[] alpha = new double[b * steps * steps];
        for (int e = 0; e < b; e++) {
            for (int t = 0; t < steps; t++) {
                int ao = (e * steps + t) * steps;
                int rt = (e * steps + t) * k;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < steps; i++) {
                    if (mask != null && mask[e * steps + i] == 0) {
                        continue;
                    }
                    int pi = (e * steps + i) * k;
                    int uo = (ao + i) * k;
                    double s = 0;
                    for (int c = 0; c < k; c++) {
                        double uu = Math.tanh(p[pi + c] + r[rt + c]);
                        u[uo + c] = uu;
                        s += v[c] * uu;
                    }
                    alpha[ao + i] = s;
                    max = Math.max(max, s);
                }
                if (max == Double.NEGATIVE_INFINITY) {
                    continue;
                }
                double sum = 0;
                for (int i = 0; i < steps; i++) {
                    if (mask != null && mask[e * steps + i] == 0) {
                        alpha[ao + i] = 0;
                        continue;
                    }
                    alpha[ao + i] = Math.exp(alpha[ao + i] - max);
                    sum += alpha[ao + i];
                }
                for (int i = 0; i < steps; i++) {
                    alpha[ao + i] /= sum;
                }
            }
        }
        return new Forward(input, b, steps, n, k, x2, x, u, alpha, mask);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        Forward f = backwardPass(mgr);
        INDArray wa = getParamWithNoise(AdditiveAttention.Params.ANNOTATION, true, mgr);
        INDArray wh = getParamWithNoise(AdditiveAttention.Params.QUERY, true, mgr);
        double[] v = HostArrays.read(getParamWithNoise(AdditiveAttention.Params.SCORE, true, mgr));
        int b = f.b();
        int steps = f.t();
        int n = f.n();
        int k = f.k();
        INDArray eps3 = ncw(epsilon, format());
        checkEpsilon(name(), eps3, b, n, steps);
        double[] eps = HostArrays.read(eps3);
        double[] x = f.x();
        double[] u = f.u();
        double[] alpha = f.alpha();
        double[] dx = new double[b * steps * n]; // rows b·T + i
        double[] dp = new double[b * steps * k];
        double[] dr = new double[b * steps * k];
        double[] dv = new double[k];
        double[] dA = new double[steps];
        double[] dz = new double[n];
        for (int e = 0; e < b; e++) {
            for (int t = 0; t < steps; t++) {
                if (f.mask() != null && f.mask()[e * steps + t] == 0) {
                    continue; // output 0: no gradient flows from this query
                }
                for (int c = 0; c < n; c++) {
                    dz[c] = eps[(e * n + c) * steps + t];
                }
                int ao = (e * steps + t) * steps;
                double dot = 0;
                for (int i = 0; i < steps; i++) {
                    int xi = (e * steps + i) * n;
                    double s = 0;
                    double w = alpha[ao + i];
                    for (int c = 0; c < n; c++) {
                        s += dz[c] * x[xi + c];
                        dx[xi + c] += w * dz[c];
                    }
                    dA[i] = s;
                    dot += w * s;
                }
                int rt = (e * steps + t) * k;
                for (int i = 0; i < steps; i++) {
                    double de = alpha[ao + i] * (dA[i] - dot);
                    if (de == 0) {
                        continue;
                    }
                    int uo = (ao + i) * k;
                    int pi = (e * steps + i) * k;
                    for (int c = 0; c < k; c++) {
                        double uu = u[uo + c];
                        dv[c] += de * uu;
                        double dpre = de * v[c] * (1 - uu * uu);
                        dp[pi + c] += dpre;
                        dr[rt + c] += dpre;
                    }
                }
            }
        }
        INDArray dP = fromHost(dp, (long) b * steps, k);
        INDArray dR = fromHost(dr, (long) b * steps, k);
        INDArray x2t = f.x2().transpose();
        INDArray gWa = gradientViews.get(AdditiveAttention.Params.ANNOTATION);
        INDArray gWh = gradientViews.get(AdditiveAttention.Params.QUERY);
        INDArray gV = gradientViews.get(AdditiveAttention.Params.SCORE);
        gWa.assign(x2t.mmul(dP));
        gWh.assign(x2t.mmul(dR));
        gV.assign(fromHost(dv, k, 1));
        INDArray dX2 =
                fromHost(dx, (long) b * steps, n).addi(dP.mmul(wa.transpose())).addi(dR.mmul(wh.transpose()));
        INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, new long[] {b, n, steps}, 'c');
        epsOut.assign(dX2.reshape('c', b, steps, n).permute(0, 2, 1));
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(AdditiveAttention.Params.ANNOTATION, gWa);
        gradient.setGradientFor(AdditiveAttention.Params.QUERY, gWh);
        gradient.setGradientFor(AdditiveAttention.Params.SCORE, gV);
        return gradientResult(gradient, ncw(epsOut, format()));
    }
}
