package org.sheetlab.core.activation;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Sheet, Activation Functions, "Sign (RNN — Final Q7)": sign(z) = +1 if z ≥ 0, −1 if z &lt; 0. Note z = 0 maps to +1,
 * unlike {@code Math.signum} and ND4J's {@code sign}, which give 0.
 *
 * <p>Gradient: sign has derivative 0 almost everywhere, so nothing could be learned through it; this activation uses
 * the straight-through estimator with clipping (Hinton; Bengio et al. 2013; Courbariaux et al. 2016):
 * ∂L/∂z = ∂L/∂s · 1{|z| ≤ 1}, the derivative of hardtanh. Shapes: any; elementwise.
 */
public final class SignSte extends BaseActivationFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        INDArray nonNegative = in.gte(0.0).castTo(in.dataType());
        return in.assign(nonNegative.muli(2.0).subi(1.0));
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        INDArray pass = Transforms.abs(in, true).lte(1.0).castTo(in.dataType());
        return new Pair<>(in.assign(pass.muli(epsilon)), null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignSte;
    }

    @Override
    public int hashCode() {
        return SignSte.class.hashCode();
    }

    @Override
    public String toString() {
        return "sign-ste";
    }
}
