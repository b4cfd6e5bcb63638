package org.sheetlab.core.loss;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Sheet, VAE ELBO loss and VAE (KL, reparameterization, prior N(0, I)): the KL divergence of the encoder's diagonal
 * Gaussian q(z|x) = N(μ, diag σ²) from the prior p(z) = N(0, I), in closed form,
 * <pre>
 *   KL = −½ Σⱼ (1 + log σⱼ² − μⱼ² − σⱼ²)            per example, summed over the k latent dimensions
 *   ∂KL/∂μⱼ = μⱼ,    ∂KL/∂(log σⱼ²) = ½ (σⱼ² − 1)
 * </pre>
 * It is 0 exactly at μ = 0, σ = 1 and positive otherwise. The encoder outputs log σ² (any real), so σ² = exp(log σ²)
 * is positive without constraints. Shapes: μ, log σ² ∈ [B, k]; {@link #perExample} → [B]; gradients [B, k].
 */
public final class GaussianKl {
    private GaussianKl() {}

    private static void check(INDArray mu, INDArray logVar) {
        if (mu.rank() != 2 || !Arrays.equals(mu.shape(), logVar.shape())) {
            throw new IllegalArgumentException("KL: μ and log σ² must both be [B, k], got "
                    + Arrays.toString(mu.shape()) + " and " + Arrays.toString(logVar.shape()));
        }
    }

    /** KL(q ‖ N(0, I)) for each example: [B]. */
    public static INDArray perExample(INDArray mu, INDArray logVar) {
        check(mu, logVar);
        INDArray terms = logVar.add(1.0).subi(mu.mul(mu)).subi(Transforms.exp(logVar, true));
        return terms.sum(1).muli(-0.5);
    }

    /** The batch mean of {@link #perExample}. */
    public static double mean(INDArray mu, INDArray logVar) {
        return perExample(mu, logVar).meanNumber().doubleValue();
    }

    /** ∂KL/∂μ = μ, per example: [B, k]. */
    public static INDArray gradMu(INDArray mu, INDArray logVar) {
        check(mu, logVar);
        return mu.dup();
    }

    /** ∂KL/∂(log σ²) = ½(σ² − 1), per example: [B, k]. */
    public static INDArray gradLogVar(INDArray mu, INDArray logVar) {
        check(mu, logVar);
        return Transforms.exp(logVar, true).subi(1.0).muli(0.5);
    }
}
