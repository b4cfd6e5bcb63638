package org.sheetlab.layers.vae;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sheetlab.core.loss.GaussianKl;
import org.sheetlab.layers.LayerWiring;
import org.sheetlab.layers.ParameterFreeLayer;

/** The runtime layer of {@link Reparameterization}; see there for the formulas. */
public final class ReparameterizationLayer extends ParameterFreeLayer<Reparameterization> {
    private static final long serialVersionUID = 1L;

    private transient INDArray noise;
    private transient INDArray fixedNoise;
    private transient double klScore;
    private transient double lastKl;

    public ReparameterizationLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType, Type.FEED_FORWARD);
    }

    /**
     * Uses {@code eps} [B, k] as ε in every training pass instead of drawing it (null: draw again), so that a pass
     * can be repeated exactly, e.g. by a gradient check.
     */
    public void fixNoise(INDArray eps) {
        this.fixedNoise = eps;
    }

    /** The batch-mean KL of the last forward pass (before β). */
    public double lastKl() {
        return lastKl;
    }

    private String who() {
        String n = layerConf().getLayerName();
        return LayerWiring.describe("Reparameterization", n, index);
    }

    private int k() {
        int k = layerConf().getLatentSize();
        if (input.rank() != 2 || input.size(1) != 2L * k) {
            throw new IllegalStateException(who() + ": expects [B, " + 2 * k + "] = [μ | log σ²], got shape "
                    + java.util.Arrays.toString(input.shape()));
        }
        return k;
    }

    private INDArray mu() {
        return input.get(NDArrayIndex.all(), NDArrayIndex.interval(0, k()));
    }

    private INDArray logVar() {
        int k = k();
        return input.get(NDArrayIndex.all(), NDArrayIndex.interval(k, 2 * k));
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        INDArray mu = mu();
        INDArray logVar = logVar();
        lastKl = GaussianKl.mean(mu, logVar);
        klScore = training ? layerConf().getBeta() * lastKl : 0;
        INDArray z;
        if (training || layerConf().isSampleAtInference()) {
            INDArray eps;
            // ε is kept for the backward pass, which runs after this forward pass's workspaces were reopened
            try (var scope = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                eps = fixedNoise != null
                        ? fixedNoise.castTo(mu.dataType()).dup()
                        : Nd4j.randn(mu.dataType(), mu.shape());
            }
            if (eps.size(0) != mu.size(0) || eps.size(1) != mu.size(1)) {
                throw new IllegalStateException(who() + ": the fixed noise has shape "
                        + java.util.Arrays.toString(eps.shape()) + ", the batch needs "
                        + java.util.Arrays.toString(mu.shape()));
            }
            noise = training ? eps : null;
            z = Transforms.exp(logVar.mul(0.5), false).muli(eps).addi(mu);
        } else {
            z = mu.dup();
        }
        return mgr.leverageTo(ArrayType.ACTIVATIONS, z);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        if (noise == null) {
            activate(true, mgr);
        }
        INDArray mu = mu();
        INDArray logVar = logVar();
        double beta = layerConf().getBeta();
        INDArray halfSigma = Transforms.exp(logVar.mul(0.5), false).muli(0.5);
        INDArray dMu = epsilon.add(GaussianKl.gradMu(mu, logVar).muli(beta));
        INDArray dLogVar = epsilon.mul(noise)
                .muli(halfSigma)
                .addi(GaussianKl.gradLogVar(mu, logVar).muli(beta));
        INDArray dx = Nd4j.concat(1, dMu, dLogVar).castTo(input.dataType());
        noise = null;
        return new Pair<>(new DefaultGradient(), mgr.leverageTo(ArrayType.ACTIVATION_GRAD, dx));
    }

    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        return super.calcRegularizationScore(backpropParamsOnly) + klScore;
    }

    @Override
    public void clear() {
        super.clear();
        noise = null;
    }
}
