package org.sheetlab.experiments.vae;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.sheetlab.layers.vae.ReparameterizationLayer;
import org.sheetlab.train.eval.Evaluator;

/**
 * The ELBO of a {@code VaeNetwork} on an evaluation set, with one sample z = μ + σε per example (an unbiased estimate
 * of the ELBO): {@code recon} = E[−log p(x|z)] (Bernoulli or Gaussian, summed over pixels), {@code kl} = KL(q(z|x) ‖ N(0, I)),
 * {@code nelbo} = recon + kl (β = 1 whatever the training β, so that models trained with different β compare), all
 * nats per example, averaged over the set.
 */
final class ElboEvaluator implements Evaluator {
    private double recon;
    private double kl;
    private long n;

    @Override
    public void reset() {
        recon = 0;
        kl = 0;
        n = 0;
    }

    @Override
    public void add(MultiDataSet batch, INDArray[] outputs, Model model) {
        MultiLayerNetwork net = (MultiLayerNetwork) model;
        INDArray x = batch.getFeatures(0);
        // one sampled z per example (training mode: the reparameterization draws ε)
        INDArray logPx = org.sheetlab.models.vae.VaeNetwork.sampledLogLikelihood(net, x);
        long b = x.size(0);
        recon -= logPx.sumNumber().doubleValue();
        kl += ((ReparameterizationLayer) net.getLayer(org.sheetlab.models.vae.VaeNetwork.latentLayer(net))).lastKl()
                * b;
        n += b;
    }

    @Override
    public Map<String, Double> result() {
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("recon", recon / n);
        r.put("kl", kl / n);
        r.put("nelbo", (recon + kl) / n);
        return r;
    }
}
