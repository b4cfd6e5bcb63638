package org.sheetlab.layers.recurrent;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.layers.LayerWiring;

/**
 * Sheet, GRU (Quick Reference), a gated recurrent unit DL4J M2.1 does not have, with explicit forward and backward
 * passes ({@link GruLayer}):
 *
 * <pre>
 *   r_t = σ(W_r·[h_{t−1}, x_t] + b_r)           z_t = σ(W_z·[h_{t−1}, x_t] + b_z)
 *   h̃_t = tanh(W·[r_t ⊙ h_{t−1}, x_t] + b)       (the sheet's form, the default)
 *   h̃_t = tanh(W_x·x_t + b + r_t ⊙ (W_h·h_{t−1} + b_hn))   ({@code resetAfter(true)}: PyTorch's nn.GRU, cuDNN)
 *   h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ h̃_t,   h_0 = 0
 * </pre>
 *
 * <p>Parameters ({@link GruParamInitializer}): "W" [n_in, 3H] input weights and "RW" [H, 3H] recurrent weights with
 * the gate columns in PyTorch's order [r, z, h̃]; "b" [1, 3H]; with resetAfter also "bhn" [1, H], the recurrent
 * candidate bias that r multiplies. PyTorch's nn.GRU (weight_ih [3H, n_in], weight_hh [3H, H], bias_ih, bias_hh) maps
 * as W = weight_ihᵀ, RW = weight_hhᵀ, b = bias_ih + bias_hh for r and z, b = bias_in and bhn = bias_hn for h̃.
 *
 * <p>Input [B, n_in, T] (NCW) → output [B, H, T]; with {@code dataFormat(RNNFormat.NWC)} input [B, T, n_in] → output
 * [B, T, H] (the layer's activation function is not used: the gates are σ and
 * tanh as above). Masks [B, T] (1 = real step): at a masked step the state is carried over unchanged and the output is
 * 0. {@code rnnTimeStep} continues from the stored state (generation); DL4J's {@code Bidirectional} wrapper works
 * with it. Truncated BPTT is not supported (an error says so).
 *
 * <pre>{@code new GRU.Builder().nIn(28).nOut(128).build()}</pre>
 */
public final class GRU extends BaseRecurrentLayer {
    private static final long serialVersionUID = 1L;

    private boolean resetAfter;

    /** For JSON deserialization. */
    public GRU() {}

    private GRU(Builder b) {
        super(b);
        this.resetAfter = b.resetAfter;
    }

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        Layer layer = new GruLayer(conf, networkDataType);
        return LayerWiring.instantiate(this, layer, conf, listeners, layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return GruParamInitializer.getInstance();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long perStep = 6 * getNOut();
        return LayerWiring.memoryReport(this, inputType, perStep * LayerWiring.steps(inputType), perStep);
    }

    /** Whether r multiplies the recurrent product (PyTorch, cuDNN) instead of h_{t−1} (the sheet). */
    public boolean isResetAfter() {
        return resetAfter;
    }

    public void setResetAfter(boolean resetAfter) {
        this.resetAfter = resetAfter;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GRU g && super.equals(o) && resetAfter == g.resetAfter;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Boolean.hashCode(resetAfter);
    }

    // DL4J declares Layer.Builder.build() as the generic <E extends Layer> E build(); returning this concrete class is
    // an unchecked override (as in DL4J's own builders), reported on the class. Sound: build() returns this class.
    @SuppressWarnings("unchecked")
    public static final class Builder extends BaseRecurrentLayer.Builder<Builder> {
        private boolean resetAfter;

        /** The activation is recorded as tanh (the candidate's); the gates are fixed as σ and tanh. */
        public Builder() {
            this.activationFn = new org.nd4j.linalg.activations.impl.ActivationTanH();
        }

        /**
         * {@code true}: h̃ = tanh(W_x x + b + r ⊙ (W_h h + b_hn)) as PyTorch's nn.GRU; {@code false} (default): the
         * sheet's h̃ = tanh(W [r ⊙ h, x] + b).
         */
        public Builder resetAfter(boolean resetAfter) {
            this.resetAfter = resetAfter;
            return this;
        }

        @Override
        public GRU build() {
            return new GRU(this);
        }
    }
}
