package org.sheetlab.layers.vae;

import java.nio.ByteBuffer;
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
import org.sheetlab.core.backprop.HostTrainingPass;
import org.sheetlab.core.loss.GaussianKl;
import org.sheetlab.layers.LayerWiring;
import org.sheetlab.layers.ParameterFreeLayer;

/**
 * The runtime layer of {@link Reparameterization}; see there for the formulas. A fast training core may run its
 * training passes as host loops ({@link HostTrainingPass}): the same formulas in float, ε drawn by the same {@code
 * Nd4j.randn} call, so the random stream is the one the layer's own pass draws.
 */
public final class ReparameterizationLayer extends ParameterFreeLayer<Reparameterization> implements HostTrainingPass {
    private static final long serialVersionUID = 1L;

    private transient INDArray noise;
    private transient INDArray fixedNoise;
    private transient double klScore;
    private transient double lastKl;
    /** The host pass's ε [B, k] and input [B, 2k] (μ | log σ²), row by row, for its backward pass. */
    private transient float[] hostNoise;

    private transient float[] hostInput;

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
        hostNoise = null;
    }

    @Override
    public int hostOutputWidth(int inputWidth) {
        int k = layerConf().getLatentSize();
        return inputWidth == 2 * k ? k : -1;
    }

    @Override
    public boolean hostPassReady() {
        return fixedNoise == null;
    }

    /**
     * The training forward pass over x [rows, 2k] = [μ | log σ²]: ε [rows, k] drawn by {@code Nd4j.randn} as {@link
     * #activate} draws it, z = exp(½ log σ²)·ε + μ, and KL (the batch mean, kept for the score) in the same float
     * operations as {@link GaussianKl#perExample}, each row's sum in float, the mean over rows in double.
     */
    @Override
    public void hostForward(ByteBuffer x, int xOff, int rows, ByteBuffer out, int outOff) {
        int k = layerConf().getLatentSize();
        int w = 2 * k;
        float[] e = Nd4j.randn(DataType.FLOAT, new long[] {rows, k}).data().asFloat();
        float[] in = hostInput != null && hostInput.length == rows * w ? hostInput : new float[rows * w];
        x.asFloatBuffer().get(xOff, in, 0, rows * w);
        double kl = 0;
        for (int r = 0; r < rows; r++) {
            float row = 0f;
            for (int j = 0; j < k; j++) {
                float mu = in[r * w + j];
                float lv = in[r * w + k + j];
                out.putFloat((outOff + r * k + j) << 2, (float) Math.exp(lv * 0.5f) * e[r * k + j] + mu);
                row += lv + 1f - mu * mu - (float) Math.exp(lv);
            }
            kl += row * -0.5f;
        }
        hostInput = in;
        hostNoise = e;
        lastKl = kl / rows;
        klScore = layerConf().getBeta() * lastKl;
    }

    /**
     * ∂/∂μ = δz + β·μ, ∂/∂log σ² = δz·ε·½σ + β·½(σ² − 1), in the float operations of {@link #backpropGradient}.
     */
    @Override
    public void hostBackward(ByteBuffer eps, int eOff, int rows, ByteBuffer epsIn, int epsInOff) {
        if (hostNoise == null || hostNoise.length != rows * layerConf().getLatentSize()) {
            throw new IllegalStateException(who() + ": hostBackward without a matching hostForward");
        }
        int k = layerConf().getLatentSize();
        int w = 2 * k;
        float beta = (float) layerConf().getBeta();
        float[] in = hostInput;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
                float mu = in[r * w + j];
                float lv = in[r * w + k + j];
                float d = eps.getFloat((eOff + r * k + j) << 2);
                float halfSigma = (float) Math.exp(lv * 0.5f) * 0.5f;
                epsIn.putFloat((epsInOff + r * w + j) << 2, d + mu * beta);
                epsIn.putFloat(
                        (epsInOff + r * w + k + j) << 2,
                        d * hostNoise[r * k + j] * halfSigma + ((float) Math.exp(lv) - 1f) * 0.5f * beta);
            }
        }
        hostNoise = null;
    }
}
