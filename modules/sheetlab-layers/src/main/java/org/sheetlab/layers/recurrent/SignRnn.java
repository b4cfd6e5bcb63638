package org.sheetlab.layers.recurrent;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.core.activation.SignSte;
import org.sheetlab.layers.LayerWiring;

/**
 * Sheet, Simple RNN, "Final Q7 Variant (sign activation)":
 * <pre>
 *   s_t = sign(W·s_{t−1} + U·x_t)      s_0 = 0, sign(z) = +1 if z ≥ 0 else −1
 *   o_t = ReLU(V·s_t)
 * </pre>
 * Shapes: W (h, h), U (h, n_in), V (n_out, h); input [B, n_in, T] (NCW; NWC with {@code dataFormat}), output
 * [B, n_out, T]. No biases, as on the sheet. Gradients flow by full backpropagation through time (the chain rule over
 * t), with sign's straight-through estimator ∂s/∂z = 1{|z| ≤ 1} ({@link SignSte}). The state activation can be
 * swapped ({@code stateActivation(Activation.TANH)} gives the sheet's tanh RNN), and the output activation is the
 * layer's {@code activation} (ReLU by default).
 *
 * <p>Masks ([B, T], 1 = real step): at a masked step the state is carried over unchanged and the output is 0, so a
 * padded sequence ends in the state of its last real step.
 *
 * <pre>{@code new SignRnn.Builder().nIn(28).hiddenSize(64).nOut(32).build()}</pre>
 */
public final class SignRnn extends BaseRecurrentLayer {
    private static final long serialVersionUID = 1L;

    private long hiddenSize;
    private IActivation stateActivation = new SignSte();

    /** For JSON deserialisation. */
    public SignRnn() {}

    private SignRnn(Builder b) {
        super(b);
        this.hiddenSize = b.hiddenSize;
        this.stateActivation = b.stateActivation;
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("SignRnn" + (getLayerName() != null ? " '" + getLayerName() + "'" : "")
                    + ": hiddenSize (h, the size of s_t) must be >= 1, got " + hiddenSize + "; set .hiddenSize(h)");
        }
        if (getNOut() < 1) {
            throw new IllegalArgumentException("SignRnn" + (getLayerName() != null ? " '" + getLayerName() + "'" : "")
                    + ": nOut (the size of o_t) must be >= 1; set .nOut(n)");
        }
    }

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        return LayerWiring.wire(
                new SignRnnLayer(conf, networkDataType), conf, listeners, layerIndex, layerParamsView, params);
    }

    @Override
    public ParamInitializer initializer() {
        return SignRnnParamInitializer.getInstance();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long perStep = 3 * hiddenSize + 2 * getNOut();
        return LayerWiring.memoryReport(this, inputType, perStep * LayerWiring.steps(inputType), perStep);
    }

    public long getHiddenSize() {
        return hiddenSize;
    }

    public void setHiddenSize(long hiddenSize) {
        this.hiddenSize = hiddenSize;
    }

    public IActivation getStateActivation() {
        return stateActivation;
    }

    public void setStateActivation(IActivation stateActivation) {
        this.stateActivation = stateActivation;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignRnn s
                && super.equals(o)
                && hiddenSize == s.hiddenSize
                && Objects.equals(stateActivation, s.stateActivation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), hiddenSize, stateActivation);
    }

    // DL4J declares Layer.Builder.build() as the generic <E extends Layer> E build(); returning this concrete class is
    // an unchecked override (as in DL4J's own builders). javac reports it on the class, not the method, so only a
    // class-level suppression silences it. Sound: build() returns exactly the class its callers expect.
    @SuppressWarnings("unchecked")
    public static final class Builder extends BaseRecurrentLayer.Builder<Builder> {
        private long hiddenSize;
        private IActivation stateActivation = new SignSte();

        public Builder() {
            this.activationFn = new ActivationReLU();
        }

        /** h, the size of the state s_t. Required. */
        public Builder hiddenSize(long h) {
            this.hiddenSize = h;
            return this;
        }

        /** The state nonlinearity: sign with straight-through gradient by default (the sheet's Final Q7 variant). */
        public Builder stateActivation(IActivation a) {
            this.stateActivation = a;
            return this;
        }

        public Builder stateActivation(Activation a) {
            return stateActivation(a.getActivationFunction());
        }

        @Override
        public SignRnn build() {
            return new SignRnn(this);
        }
    }
}
