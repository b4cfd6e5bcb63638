package org.sheetlab.layers.moe;

import java.util.Arrays;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.layers.HostLayer;

/**
 * The runtime layer of {@link MixtureOfExperts}. Forward: the experts' pre-activations for all E at once
 * (x·W + b, [B, E·n_out]), their activations, the gate softmax and selection on the heap, y = Σ g_e y_e. Backward:
 * dy_e = g_e dy through each expert's activation; dg_e = ⟨dy, y_e⟩, through the top-k renormalization (over the selected
 * experts) and the softmax, plus the load-balancing term's gradient λ·E·f_e·(1/B) per example (scaled by B here
 * because DL4J's updater divides every gradient by the minibatch size, while the term enters the score unscaled).
 */
public final class MixtureOfExpertsLayer extends HostLayer<MixtureOfExperts, MixtureOfExpertsLayer.Forward> {
    private static final long serialVersionUID = 1L;

    private transient double auxScore;

    public MixtureOfExpertsLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType, "MixtureOfExperts", Type.FEED_FORWARD);
    }

    record Forward(
            INDArray input,
            INDArray z, // [B, E·n_out] expert pre-activations (detached)
            INDArray ye, // [B, E·n_out] expert outputs (detached)
            double[] p, // [B·E] gate probabilities
            double[] g, // [B·E] mixture weights (top-k renormalized)
            double[] f)
            implements Pass {} // [E] share of the batch whose largest gate is e

    /** The mixture weights g [B, E] for inputs x [B, n_in] (which experts each input is routed to). */
    public INDArray gates(INDArray x) {
        return fromHost(inspect(x).g(), x.size(0), layerConf().getExperts());
    }

    /** L_aux of the last forward pass (0 when loadBalancing is 0). */
    public double loadBalancingScore() {
        return auxScore;
    }

    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        return super.calcRegularizationScore(backpropParamsOnly) + auxScore;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        Forward f = trainingPass(training, mgr);
        int b = (int) input.size(0);
        int e = layerConf().getExperts();
        int n = (int) layerConf().getNOut();
        double[] ye = f.ye().castTo(DataType.DOUBLE).data().asDouble();
        double[] y = new double[b * n];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < e; k++) {
                double w = f.g()[i * e + k];
                if (w == 0) {
                    continue;
                }
                int o = (i * e + k) * n;
                for (int c = 0; c < n; c++) {
                    y[i * n + c] += w * ye[o + c];
                }
            }
        }
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {b, n}, 'c');
        out.assign(Nd4j.create(y, new long[] {b, n}, DataType.DOUBLE));
        return out;
    }

    @Override
    protected Forward forward(boolean training, LayerWorkspaceMgr mgr) {
        if (input.rank() != 2 || input.size(1) != layerConf().getNIn()) {
            throw new DL4JInvalidInputException(name() + ": expects input [B, "
                    + layerConf().getNIn() + "], got shape " + Arrays.toString(input.shape())
                    + "; the layer was configured with nIn = " + layerConf().getNIn());
        }
        INDArray w = getParamWithNoise(MixtureOfExperts.Params.EXPERT_WEIGHTS, training, mgr);
        INDArray bias = layerConf().isExpertBias()
                ? getParamWithNoise(MixtureOfExperts.Params.EXPERT_BIAS, training, mgr)
                : null;
        INDArray wg = getParamWithNoise(MixtureOfExperts.Params.GATE_WEIGHTS, training, mgr);
        INDArray bg = getParamWithNoise(MixtureOfExperts.Params.GATE_BIAS, training, mgr);
        int b = (int) input.size(0);
        int e = layerConf().getExperts();
        INDArray z;
        INDArray ye;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            z = input.mmul(w);
            if (bias != null) {
                z.addiRowVector(bias);
            }
            ye = layerConf().getActivationFn().getActivation(z.dup(), training);
        }
        double[] s =
                input.mmul(wg).addiRowVector(bg).castTo(DataType.DOUBLE).data().asDouble();
        double[] p = new double[b * e];
        double[] g = new double[b * e];
        double[] f = new double[e];
        int k = layerConf().getTopK() == 0 ? e : layerConf().getTopK();
        Integer[] order = new Integer[e];
        for (int i = 0; i < b; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < e; j++) {
                max = Math.max(max, s[i * e + j]);
            }
            double sum = 0;
            for (int j = 0; j < e; j++) {
                p[i * e + j] = Math.exp(s[i * e + j] - max);
                sum += p[i * e + j];
            }
            for (int j = 0; j < e; j++) {
                p[i * e + j] /= sum;
                order[j] = j;
            }
            int row = i;
            // descending probability, ties to the lower index: a fixed, reproducible selection
            Arrays.sort(order, (x, y) -> {
                int c = Double.compare(p[row * e + y], p[row * e + x]);
                return c != 0 ? c : Integer.compare(x, y);
            });
            f[order[0]] += 1.0 / b;
            double q = 0;
            for (int j = 0; j < k; j++) {
                q += p[i * e + order[j]];
            }
            for (int j = 0; j < k; j++) {
                g[i * e + order[j]] = p[i * e + order[j]] / q;
            }
        }
        double lambda = layerConf().getLoadBalancing();
        double aux = 0;
        if (lambda > 0) {
            for (int j = 0; j < e; j++) {
                double mean = 0;
                for (int i = 0; i < b; i++) {
                    mean += p[i * e + j];
                }
                aux += f[j] * mean / b;
            }
            aux *= lambda * e;
        }
        auxScore = aux;
        return new Forward(input, z, ye, p, g, f);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        Forward fw = backwardPass(mgr);
        INDArray w = getParamWithNoise(MixtureOfExperts.Params.EXPERT_WEIGHTS, true, mgr);
        INDArray wg = getParamWithNoise(MixtureOfExperts.Params.GATE_WEIGHTS, true, mgr);
        int b = (int) input.size(0);
        int e = layerConf().getExperts();
        int n = (int) layerConf().getNOut();
        checkEpsilon(name(), epsilon, b, n);
        double[] dy = epsilon.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        double[] ye = fw.ye().castTo(DataType.DOUBLE).data().asDouble();
        double[] p = fw.p();
        double[] g = fw.g();
        // dy_e = g_e · dy, and dg_e = <dy, y_e>
        double[] dye = new double[b * e * n];
        double[] dg = new double[b * e];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < e; k++) {
                int o = (i * e + k) * n;
                double s = 0;
                for (int c = 0; c < n; c++) {
                    dye[o + c] = g[i * e + k] * dy[i * n + c];
                    s += dy[i * n + c] * ye[o + c];
                }
                dg[i * e + k] = s;
            }
        }
        IActivation act = layerConf().getActivationFn();
        INDArray dZ = act.backprop(fw.z().dup(), fromHost(dye, b, (long) e * n)).getFirst();
        // through the top-k renormalization (the selected set fixed) and the softmax
        double lambda = layerConf().getLoadBalancing();
        double[] ds = new double[b * e];
        for (int i = 0; i < b; i++) {
            double q = 0;
            double dot = 0;
            for (int k = 0; k < e; k++) {
                if (g[i * e + k] > 0) {
                    q += p[i * e + k];
                    dot += dg[i * e + k] * g[i * e + k];
                }
            }
            double[] dp = new double[e];
            for (int k = 0; k < e; k++) {
                dp[k] = g[i * e + k] > 0 ? (dg[i * e + k] - dot) / q : 0.0;
                if (lambda > 0) {
                    // ∂L_aux/∂p_ik = λ·E·f_k / B, times B for the updater's division by the minibatch size
                    dp[k] += lambda * e * fw.f()[k];
                }
            }
            double pd = 0;
            for (int k = 0; k < e; k++) {
                pd += p[i * e + k] * dp[k];
            }
            for (int k = 0; k < e; k++) {
                ds[i * e + k] = p[i * e + k] * (dp[k] - pd);
            }
        }
        INDArray dS = fromHost(ds, b, e);
        INDArray xt = input.transpose();
        INDArray gW = gradientViews.get(MixtureOfExperts.Params.EXPERT_WEIGHTS);
        INDArray gWg = gradientViews.get(MixtureOfExperts.Params.GATE_WEIGHTS);
        INDArray gBg = gradientViews.get(MixtureOfExperts.Params.GATE_BIAS);
        gW.assign(xt.mmul(dZ));
        gWg.assign(xt.mmul(dS));
        gBg.assign(dS.sum(0).reshape(gBg.shape()));
        INDArray dx = dZ.mmul(w.transpose()).addi(dS.mmul(wg.transpose()));
        INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
        epsOut.assign(dx);
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(MixtureOfExperts.Params.EXPERT_WEIGHTS, gW);
        if (layerConf().isExpertBias()) {
            INDArray gB = gradientViews.get(MixtureOfExperts.Params.EXPERT_BIAS);
            gB.assign(dZ.sum(0).reshape(gB.shape()));
            gradient.setGradientFor(MixtureOfExperts.Params.EXPERT_BIAS, gB);
        }
        gradient.setGradientFor(MixtureOfExperts.Params.GATE_WEIGHTS, gWg);
        gradient.setGradientFor(MixtureOfExperts.Params.GATE_BIAS, gBg);
        return gradientResult(gradient, epsOut);
    }
}
