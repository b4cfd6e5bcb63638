package org.sheetlab.layers.recurrent;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sheet, "Simple RNN" and backpropagation through time: a recurrent runtime layer that reports the total gradient
 * ∂L/∂s_t reaching its state at every step t, the quantity whose norm shrinks (vanishes) or grows (explodes) with the
 * distance T − t. It is read out of the layer's own backward pass, so it is exactly the gradient that trains the
 * layer: the direct gradient at step t plus everything arriving from steps t + 1 … T through the recurrence.
 *
 * <p>Implemented by {@link GruLayer} (s_t = h_t), {@link FastLstmLayer} (s_t = h_t, its fast path: NCW, no mask,
 * σ/tanh gates) and {@link SignRnnLayer} (s_t the sign state, with the layer's straight-through derivative). DL4J's
 * SimpleRnn is covered by {@code org.sheetlab.models.rnn.StateGradients#simpleRnn}.
 */
public interface StateGradientRecording {
    /**
     * With the layer's input x [B, n_in, T] set, runs the backward pass for the upstream gradient {@code epsilon}
     * ([B, n_out, T], the gradient of the loss with respect to the layer's outputs) and returns ∂L/∂s_t as
     * [B, H, T] (H the state size), in DOUBLE. Overwrites the layer's gradient views like any backward pass.
     */
    INDArray stateGradients(INDArray epsilon, LayerWorkspaceMgr mgr);
}
