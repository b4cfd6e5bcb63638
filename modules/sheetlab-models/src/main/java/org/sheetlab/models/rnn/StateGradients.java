package org.sheetlab.models.rnn;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.layers.recurrent.LastTimeStepLayer;
import org.deeplearning4j.nn.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.SimpleRnnParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sheetlab.layers.recurrent.StateGradientRecording;

/**
 * Sheet, "Simple RNN" and backpropagation through time: the states s_t of DL4J's {@link SimpleRnn} and the total
 * gradients ∂L/∂s_t at every step, to see gradients vanish (or explode) with the distance T − t.
 *
 * <p>Parameter mapping. DL4J's SimpleRnn computes, for row vectors, s_t = f(x_t·W + s_{t−1}·RW + b) with "W"
 * [n_in, h], "RW" [h, h], "b" [1, h] and f its activation (tanh for the sheet). The sheet writes column vectors,
 * s_t = tanh(W_sheet·s_{t−1} + U·x_t): U = Wᵀ, W_sheet = RWᵀ, and DL4J adds the bias b. PyTorch's nn.RNN:
 * weight_ih = Wᵀ, weight_hh = RWᵀ, bias_ih + bias_hh = b (tested in StateGradientsTest against nn.RNN).
 *
 * <p>BPTT: with a_t = x_t·W + s_{t−1}·RW + b and d_t the direct gradient ∂ℓ/∂s_t of the loss terms that read s_t
 * itself (e.g. an output at step t),
 * <pre>
 *   g_T = d_T,    g_{t−1} = d_{t−1} + (g_t ⊙ f′(a_t))·RWᵀ
 * </pre>
 * so g_t = ∂L/∂s_t is the whole gradient reaching step t. Shapes: x [B, n_in, T], d and the results [B, h, T].
 */
public final class StateGradients {
    private StateGradients() {}

    /** The states s_t and the total gradients ∂L/∂s_t, both [B, h, T]. */
    public record Result(INDArray states, INDArray gradients) {
        /** ‖∂L/∂s_t‖₂ over the batch and units, per step t: [T]. */
        public double[] normsPerStep() {
            long steps = gradients.size(2);
            double[] out = new double[(int) steps];
            for (int t = 0; t < steps; t++) {
                out[t] = gradients
                        .get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t))
                        .norm2Number()
                        .doubleValue();
            }
            return out;
        }
    }

    /**
     * For DL4J's SimpleRnn {@code layer} (NCW, no layer norm) on x [B, n_in, T], given the direct gradients
     * {@code direct} [B, h, T] (zeros except the last step when only the last output feeds the loss).
     */
    public static Result simpleRnn(SimpleRnn layer, INDArray x, INDArray direct) {
        org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn conf =
                (org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn)
                        layer.conf().getLayer();
        if (conf.hasLayerNorm() || conf.getRnnDataFormat() != RNNFormat.NCW) {
            throw new IllegalArgumentException(
                    "StateGradients.simpleRnn supports SimpleRnn with NCW data and no layer norm");
        }
        INDArray w = layer.getParam(SimpleRnnParamInitializer.WEIGHT_KEY);
        INDArray rw = layer.getParam(SimpleRnnParamInitializer.RECURRENT_WEIGHT_KEY);
        INDArray b = layer.getParam(SimpleRnnParamInitializer.BIAS_KEY);
        long h = rw.size(0);
        if (x.rank() != 3 || x.size(1) != w.size(0)) {
            throw new IllegalArgumentException("StateGradients.simpleRnn: x must be [B, " + w.size(0)
                    + ", T] (NCW), got " + Arrays.toString(x.shape()));
        }
        long batch = x.size(0);
        int steps = (int) x.size(2);
        if (direct.rank() != 3 || direct.size(0) != batch || direct.size(1) != h || direct.size(2) != steps) {
            throw new IllegalArgumentException("StateGradients.simpleRnn: direct gradients must be [" + batch + ", " + h
                    + ", " + steps + "], got " + Arrays.toString(direct.shape()));
        }
        IActivation f = conf.getActivationFn();
        INDArray[] pre = new INDArray[steps];
        INDArray states = Nd4j.create(x.dataType(), batch, h, steps);
        INDArray prev = Nd4j.zeros(x.dataType(), batch, h);
        for (int t = 0; t < steps; t++) {
            INDArray a = step(x, t).mmul(w).addiRowVector(b).addi(prev.mmul(rw));
            pre[t] = a.dup();
            INDArray s = f.getActivation(a, false);
            step(states, t).assign(s);
            prev = s;
        }
        INDArray grads = Nd4j.create(x.dataType(), batch, h, steps);
        INDArray g = step(direct, steps - 1).dup();
        for (int t = steps - 1; t >= 0; t--) {
            step(grads, t).assign(g);
            if (t > 0) {
                INDArray da = f.backprop(pre[t].dup(), g.dup()).getFirst();
                g = step(direct, t - 1).add(da.mmul(rw.transpose()));
            }
        }
        return new Result(states, grads);
    }

    /**
     * ∂L/∂s_t for a last-step sequence classifier ({@link RowRnnClassifier}: recurrent layer inside LastTimeStep, then
     * an output layer) on x [B, n_in, T] with one-hot labels [B, K], L the output layer's loss (averaged over the
     * batch). The direct gradient reaches the last step only: d_T = ∂L/∂o_T from the output layer's own backward
     * pass. The recurrent layer may be DL4J's SimpleRnn ({@link #simpleRnn}) or any {@link StateGradientRecording}
     * layer (GRU, FastLSTM, sign-RNN). The result's {@code states} are the layer's outputs [B, n_out, T] (the states
     * themselves for SimpleRnn, GRU and LSTM), its {@code gradients} are [B, H, T], in DOUBLE.
     */
    public static Result lastStepClassifier(MultiLayerNetwork net, INDArray x, INDArray labels) {
        if (net.getnLayers() != 2
                || !(net.getLayer(0) instanceof LastTimeStepLayer last)
                || !(net.getLayer(1) instanceof IOutputLayer out)) {
            throw new IllegalArgumentException("StateGradients.lastStepClassifier needs [LastTimeStep(recurrent), "
                    + "output layer], as RowRnnClassifier builds; got " + net.getnLayers() + " layers starting with "
                    + net.getLayer(0).getClass().getSimpleName());
        }
        Layer rnn = last.getUnderlying();
        if (!(rnn instanceof SimpleRnn) && !(rnn instanceof StateGradientRecording)) {
            throw new IllegalArgumentException("StateGradients.lastStepClassifier: "
                    + rnn.getClass().getSimpleName() + " does not report state gradients; use SimpleRnn, GRU, "
                    + "FastLSTM or SignRnn");
        }
        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        net.initGradientsView();
        INDArray outputs = rnn.activate(x, true, none);
        int steps = (int) outputs.size(2);
        out.setLabels(labels);
        ((Layer) out).setInput(step(outputs, steps - 1).dup(), none);
        // DL4J's output layers return the gradient of the summed loss (its updater divides by B): mean over the batch
        INDArray dLast = ((Layer) out).backpropGradient(null, none).getSecond().div(x.size(0));
        INDArray direct = Nd4j.zeros(outputs.dataType(), outputs.shape());
        step(direct, steps - 1).assign(dLast);
        ((Layer) out).clear();
        if (rnn instanceof SimpleRnn simple) {
            Result r = simpleRnn(simple, x, direct);
            return new Result(r.states(), r.gradients().castTo(DataType.DOUBLE));
        }
        rnn.setInput(x, none);
        INDArray g = ((StateGradientRecording) rnn).stateGradients(direct, none);
        rnn.clear();
        return new Result(outputs, g);
    }

    private static INDArray step(INDArray a, int t) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t));
    }
}
