package org.sheetlab.core.loss;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Sheet, VAE ELBO loss with a Gaussian decoder: −log p(x | z) for p(x | z) = N(x; μ, σ²I) with a fixed σ, as a DL4J
 * loss. Per example (a row of n outputs):
 * <pre>
 *   L = Σ_j [ (x_j − μ_j)² / (2σ²) + log σ + ½ log 2π ],    μ = the output activation
 * </pre>
 * so behind a {@code Reparameterization} layer the network's score is the VAE's negative ELBO in nats, constants
 * included (comparable across σ and with importance-weighted bounds). Gradient ∂L/∂μ_j = (μ_j − x_j)/σ², through
 * the activation. Shapes: pre-output and labels [B, n]; an optional per-example mask [B, 1] or per-output mask [B,
 * n]. With σ² = ½ the data term is the squared error; a small σ weighs reconstruction against the KL term more.
 */
public final class GaussianNegativeLogLikelihood extends PerExampleLoss {
    private static final long serialVersionUID = 1L;
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    @JsonProperty("sigma")
    private final double sigma;

    /** @param sigma the decoder's fixed standard deviation σ > 0 */
    @JsonCreator
    public GaussianNegativeLogLikelihood(@JsonProperty("sigma") double sigma) {
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException(
                    "GaussianNegativeLogLikelihood: sigma must be a finite number > 0, got " + sigma);
        }
        this.sigma = sigma;
    }

    public double getSigma() {
        return sigma;
    }

    private static INDArray masked(INDArray a, INDArray mask) {
        if (mask == null) {
            return a;
        }
        INDArray m = mask.castTo(a.dataType());
        return m.rank() == 2 && m.size(1) == a.size(1) && a.size(1) != 1
                ? a.muli(m)
                : a.muliColumnVector(m.reshape(m.size(0), 1));
    }

    private static void checkShapes(INDArray labels, INDArray preOutput) {
        if (!java.util.Arrays.equals(labels.shape(), preOutput.shape())) {
            throw new IllegalArgumentException("GaussianNegativeLogLikelihood: labels "
                    + java.util.Arrays.toString(labels.shape()) + " and outputs "
                    + java.util.Arrays.toString(preOutput.shape()) + " must have the same shape [batch, n]");
        }
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        checkShapes(labels, preOutput);
        INDArray mu = activation.getActivation(preOutput.dup(), true);
        INDArray d = mu.subi(labels.castTo(mu.dataType()));
        INDArray perOutput = d.muli(d).divi(2 * sigma * sigma).addi(Math.log(sigma) + HALF_LOG_2PI);
        return masked(perOutput, mask).sum(true, 1).reshape(preOutput.size(0), 1);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        checkShapes(labels, preOutput);
        INDArray mu = activation.getActivation(preOutput.dup(), true);
        INDArray dLdMu = mu.subi(labels.castTo(mu.dataType())).divi(sigma * sigma);
        INDArray grad = activation.backprop(preOutput.dup(), dLdMu).getFirst();
        return masked(grad, mask);
    }

    @Override
    public String name() {
        return "GaussianNegativeLogLikelihood";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GaussianNegativeLogLikelihood g && g.sigma == sigma;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(sigma);
    }

    @Override
    public String toString() {
        return name() + "(sigma=" + sigma + ")";
    }
}
