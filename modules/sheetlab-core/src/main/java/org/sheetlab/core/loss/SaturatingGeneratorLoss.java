package org.sheetlab.core.loss;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Sheet, GAN: the generator's saturating (min-max) loss as a DL4J loss, for the discriminator's output unit behind a
 * generator: score per example Σ_j log(1 − p_j), p = the output activation (sigmoid: D(G(z))); labels are ignored.
 * Gradient ∂/∂p = −1/(1 − p), through the activation. See {@link GanLosses} for the losses side by side. Shapes:
 * pre-output and labels [B, 1] (or [B, K]); p is clipped to [0, 1 − 1e−7] so the score stays finite.
 */
public final class SaturatingGeneratorLoss extends PerExampleLoss {
    private static final long serialVersionUID = 1L;
    private static final double CLIP = 1e-7;

    private static INDArray output(INDArray preOutput, IActivation activation) {
        INDArray p = activation.getActivation(preOutput.dup(), true);
        return Transforms.min(p, 1 - CLIP, false);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        INDArray scores = Transforms.log(output(preOutput, activation).rsubi(1.0), false);
        if (mask != null) {
            scores.muliColumnVector(mask.reshape(mask.size(0), 1).castTo(scores.dataType()));
        }
        return scores.sum(true, 1).reshape(scores.size(0), 1);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        INDArray p = output(preOutput, activation);
        INDArray dLdp = p.rsub(1.0).rdivi(-1.0); // −1/(1 − p)
        INDArray grad = activation.backprop(preOutput.dup(), dLdp).getFirst();
        if (mask != null) {
            grad.muliColumnVector(mask.reshape(mask.size(0), 1).castTo(grad.dataType()));
        }
        return grad;
    }

    @Override
    public String name() {
        return "SaturatingGeneratorLoss";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SaturatingGeneratorLoss;
    }

    @Override
    public int hashCode() {
        return SaturatingGeneratorLoss.class.hashCode();
    }

    @Override
    public String toString() {
        return name() + "()";
    }
}
