package org.sheetlab.experiments.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sheetlab.layers.vae.ReparameterizationLayer;
import org.sheetlab.models.vae.VaeNetwork;

/**
 * The ELBO evaluator against the sheet's formulas computed by hand from a tiny VAE's weights (n = 6 pixels, h = 4,
 * k = 2, DOUBLE) with the noise ε fixed:
 *
 * <pre>
 *   [μ | log σ²] = tanh(x·W0 + b0)·W1 + b1,   z = μ + exp(½ log σ²) ⊙ ε,   p̂ = sigmoid(tanh(z·W3 + b3)·W4 + b4)
 *   recon = −Σⱼ [xⱼ log p̂ⱼ + (1 − xⱼ) log(1 − p̂ⱼ)]     (Bernoulli)   or   Σⱼ (xⱼ − p̂ⱼ)²/(2s²) + log s + ½ log 2π
 *   kl    = ½ Σᵢ (μᵢ² + σᵢ² − 1 − log σᵢ²)
 * </pre>
 *
 * per example, averaged over the whole set (two batches of 3 and 5 examples, so a per-batch mean would differ), and
 * −ELBO = recon + kl. The experiment test only checked nelbo = recon + kl, which the evaluator computes as exactly that.
 */
class ElboEvaluatorTest {
    private static MultiLayerNetwork vae(double gaussianSigma) {
        VaeNetwork.Builder b = VaeNetwork.builder()
                .setInputSize(6)
                .optHidden(4)
                .optLatent(2)
                .optHiddenActivation(Activation.TANH)
                .optDataType(DataType.DOUBLE)
                .optSeed(3);
        if (gaussianSigma > 0) {
            b.optGaussianDecoder(gaussianSigma);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        // move the parameters off their initialisation so that μ and log σ² are not near zero
        Nd4j.getRandom().setSeed(8);
        net.params().addi(Nd4j.randn(DataType.DOUBLE, net.numParams()).muli(0.3));
        return net;
    }

    private static INDArray dense(MultiLayerNetwork net, int layer, INDArray in) {
        return in.mmul(net.getLayer(layer).getParam("W"))
                .addRowVector(net.getLayer(layer).getParam("b"));
    }

    /** {recon, kl} summed over the examples of x, by hand from the weights. */
    private static double[] byHand(MultiLayerNetwork net, INDArray x, INDArray eps, double gaussianSigma) {
        INDArray post = dense(net, 1, Transforms.tanh(dense(net, 0, x), true));
        INDArray mu = post.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2));
        INDArray logVar = post.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 4));
        INDArray z = Transforms.exp(logVar.mul(0.5), true).muli(eps).addi(mu);
        INDArray p = Transforms.sigmoid(dense(net, 4, Transforms.tanh(dense(net, 3, z), true)), true);
        double recon = 0;
        double kl = 0;
        for (int e = 0; e < x.size(0); e++) {
            for (int j = 0; j < x.size(1); j++) {
                double xj = x.getDouble(e, j);
                double pj = p.getDouble(e, j);
                recon += gaussianSigma > 0
                        ? (xj - pj) * (xj - pj) / (2 * gaussianSigma * gaussianSigma)
                                + Math.log(gaussianSigma)
                                + 0.5 * Math.log(2 * Math.PI)
                        : -(xj * Math.log(pj) + (1 - xj) * Math.log(1 - pj));
            }
            for (int i = 0; i < 2; i++) {
                double m = mu.getDouble(e, i);
                double lv = logVar.getDouble(e, i);
                kl += 0.5 * (m * m + Math.exp(lv) - 1 - lv);
            }
        }
        return new double[] {recon, kl};
    }

    @Test
    void matchesTheElboComputedByHandForBothDecoders() {
        for (double sigma : new double[] {0, 0.3}) {
            MultiLayerNetwork net = vae(sigma);
            ReparameterizationLayer rep = (ReparameterizationLayer) net.getLayer(VaeNetwork.latentLayer(net));
            Nd4j.getRandom().setSeed(9);
            INDArray[] xs = {Nd4j.rand(DataType.DOUBLE, 3, 6), Nd4j.rand(DataType.DOUBLE, 5, 6)};
            INDArray[] eps = {Nd4j.randn(DataType.DOUBLE, 3, 2), Nd4j.randn(DataType.DOUBLE, 5, 2)};
            ElboEvaluator evaluator = new ElboEvaluator();
            evaluator.reset();
            double recon = 0;
            double kl = 0;
            for (int i = 0; i < 2; i++) {
                rep.fixNoise(eps[i]);
                evaluator.add(new org.nd4j.linalg.dataset.MultiDataSet(xs[i], xs[i]), null, net);
                double[] h = byHand(net, xs[i], eps[i], sigma);
                recon += h[0];
                kl += h[1];
            }
            rep.fixNoise(null);
            Map<String, Double> r = evaluator.result();
            String decoder = sigma > 0 ? "Gaussian" : "Bernoulli";
            assertThat(recon / 8)
                    .as(decoder + ": the test's own values are not degenerate")
                    .isGreaterThan(0.5);
            assertThat(kl / 8).as(decoder).isGreaterThan(0.05);
            assertThat(r.get("recon")).as(decoder + " recon").isCloseTo(recon / 8, within(1e-10));
            assertThat(r.get("kl")).as(decoder + " kl").isCloseTo(kl / 8, within(1e-10));
            assertThat(r.get("nelbo")).as(decoder + " nelbo").isCloseTo((recon + kl) / 8, within(1e-10));
        }
    }
}
