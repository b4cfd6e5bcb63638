package org.sheetlab.models.rnn;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.recurrent.LSTM;
import org.deeplearning4j.nn.layers.recurrent.LastTimeStepLayer;
import org.deeplearning4j.nn.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.layers.recurrent.GruLayer;
import org.sheetlab.layers.recurrent.SignRnnLayer;

/**
 * Sheet, "Simple RNN": the hidden states s_1 … s_T of a network's first layer, the recurrent one (as in
 * {@link RowRnnClassifier}), for inputs x [B, n_in, T]: states [B, h, T], in inference mode.
 * <ul>
 *   <li>sign-RNN ({@link SignRnnLayer}): s_t = sign(W s_{t−1} + U x_t), every value exactly ±1;</li>
 *   <li>DL4J's SimpleRnn: s_t = tanh(W s_{t−1} + U x_t + b), which is also its output;</li>
 *   <li>LSTM (DL4J's or {@code FastLSTM}) and {@link GruLayer GRU}: the hidden state h_t, also their output (the
 *       LSTM's cell state C_t is not returned).</li>
 * </ul>
 * A {@link LastTimeStepLayer} wrapper around the layer is looked through.
 *
 * <pre>{@code
 * INDArray s = RecurrentStates.of(net, RowsAsSteps.FASHION_MNIST.apply(images));   // [B, h, 28]
 * }</pre>
 */
public final class RecurrentStates {
    private RecurrentStates() {}

    /** The hidden states [B, h, T] of layer 0 of {@code net} for x [B, n_in, T]. */
    public static INDArray of(MultiLayerNetwork net, INDArray x) {
        Layer layer = net.getLayer(0);
        if (layer instanceof LastTimeStepLayer last) {
            layer = last.getUnderlying();
        }
        if (layer instanceof SignRnnLayer sign) {
            return sign.states(x);
        }
        if (layer instanceof SimpleRnn || layer instanceof GruLayer || layer instanceof LSTM) {
            return layer.activate(x, false, LayerWorkspaceMgr.noWorkspaces()); // output = state h_t
        }
        throw new IllegalArgumentException("RecurrentStates needs a SignRnn, SimpleRnn, LSTM or GRU as the network's "
                + "first layer (optionally inside LastTimeStep), got "
                + layer.getClass().getSimpleName());
    }
}
