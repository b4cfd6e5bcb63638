package org.sheetlab.models.uncertainty;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Monte-Carlo dropout (sheet, Q4b: "keeping dropout active at test time acts as Bayesian ensemble → better uncertainty
 * estimates"). T forward passes in which only the layers that have dropout run in training mode; every other layer,
 * BatchNormalization in particular, runs in inference mode with its running statistics. (DL4J's
 * {@code output(x, true)} would also switch BatchNorm to batch statistics: with a batch of one its output is β.)
 *
 * <p>Shapes: x [B, …] → mean [B, C] (the predictive mean of the softmax outputs), std [B, C] (their standard deviation
 * over the T passes), entropy [B] (the predictive entropy −Σ p̄ log p̄, in nats). Dropout masks come from ND4J's
 * random generator; seed it ({@code Nd4j.getRandom().setSeed}) for repeatable samples.
 */
public final class McDropout {
    private McDropout() {}

    /** The predictive distribution of T stochastic passes. */
    public record Prediction(INDArray mean, INDArray std, INDArray entropy) {}

    /** One stochastic pass: dropout on where a layer has it, inference mode everywhere else. */
    public static INDArray samplePass(MultiLayerNetwork net, INDArray x) {
        INDArray a = x;
        int batch = (int) x.size(0);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        for (int i = 0; i < net.getnLayers(); i++) {
            InputPreProcessor pp = net.getLayerWiseConfigurations().getInputPreProcess(i);
            if (pp != null) {
                a = pp.preProcess(a, batch, mgr);
            }
            Layer layer = net.getLayer(i);
            boolean hasDropout = layer.conf().getLayer().getIDropout() != null;
            a = layer.activate(a, hasDropout, mgr);
        }
        return a;
    }

    /** T passes (T ≥ 2): mean, standard deviation and predictive entropy. */
    public static Prediction predict(MultiLayerNetwork net, INDArray x, int samples) {
        if (samples < 2) {
            throw new IllegalArgumentException("MC dropout needs at least 2 samples, got " + samples);
        }
        boolean anyDropout = false;
        for (int i = 0; i < net.getnLayers(); i++) {
            anyDropout |= net.getLayer(i).conf().getLayer().getIDropout() != null;
        }
        if (!anyDropout) {
            throw new IllegalArgumentException(
                    "the network has no dropout layer, so every MC sample would be the same; "
                            + "add .dropOut(p) to a layer");
        }
        INDArray sum = null;
        INDArray sumSq = null;
        for (int t = 0; t < samples; t++) {
            INDArray p = samplePass(net, x).dup();
            sum = sum == null ? p.dup() : sum.addi(p);
            sumSq = sumSq == null ? p.mul(p) : sumSq.addi(p.mul(p));
        }
        INDArray mean = sum.divi(samples);
        INDArray var = sumSq.divi(samples).subi(mean.mul(mean));
        INDArray std = Transforms.sqrt(Transforms.max(var, 0.0, false), false);
        INDArray logP = Transforms.log(Transforms.max(mean, 1e-12, true), false);
        INDArray entropy = mean.mul(logP).sum(1).negi();
        return new Prediction(mean, std, entropy);
    }

    /** Plain inference for comparison: dropout off, BatchNorm on running statistics. */
    public static INDArray deterministic(MultiLayerNetwork net, INDArray x) {
        return net.output(x, false);
    }
}
