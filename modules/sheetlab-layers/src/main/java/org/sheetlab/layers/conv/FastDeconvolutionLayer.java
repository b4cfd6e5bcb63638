package org.sheetlab.layers.conv;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.Deconvolution2DLayer;
import org.deeplearning4j.nn.params.DeconvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.threads.HostThreads;
import org.sheetlab.layers.LayerWiring;

/**
 * The runtime layer behind {@link FastDeconvolution2D}: DL4J's {@link Deconvolution2DLayer} with its forward and
 * backward passes replaced where the fast path applies (CPU backend, NCHW, dilation 1, FLOAT or DOUBLE); anything else
 * goes to DL4J's implementation unchanged.
 *
 * <p>The transposed convolution of input [B, C_in, H, W] is described by the convolution it transposes: one from the
 * output [B, C_out, O_h, O_w] to the input's H × W positions, with the same kernel, stride and padding. Its index map
 * ({@link FastConvolutionLayer#indexMap}) drives col2im in the forward pass and im2col in the backward pass. The input
 * as rows [B·H·W, C_in] from a training forward pass is kept (detached) for the backward pass of the same input.
 */
public final class FastDeconvolutionLayer extends Deconvolution2DLayer {
    private static final long serialVersionUID = 1L;

    private transient FastConvolutionLayer.Geometry geometry; // the transposed convolution: output → input positions
    private transient int[] map;
    private transient int[][] inverse;
    private transient INDArray rows; // [B·H·W, C_in], detached, reused: the input as rows
    private transient INDArray rowsInput; // the input array rows was built from in a training forward pass
    private transient INDArray cols; // [B·H·W, C_out·K_h·K_w], detached, reused
    private transient INDArray dRows; // [B·H·W, C_in], detached, reused
    private transient INDArray[] dwParts; // per-thread shares of dW, detached, reused
    private transient HostKernels[] kernels; // one per thread

    public FastDeconvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean fastPath() {
        return ConvBuffers.hostPath(layerConf(), dataType, input);
    }

    private String layerName() {
        return LayerWiring.describe("FastDeconvolution2D", layerConf().getLayerName(), index);
    }

    private FastConvolutionLayer.Geometry geometry(INDArray weights) {
        ConvBuffers.checkInput(input, weights.size(0), layerName());
        // the convolution this layer transposes: input = this layer's output, output positions = its input's
        FastConvolutionLayer.Geometry g = FastConvolutionLayer.Geometry.of(
                layerConf(), convolutionMode, input, (int) weights.size(1), true, layerName());
        if (!g.sameAs(geometry)) {
            geometry = g;
            map = FastConvolutionLayer.indexMap(g);
            inverse = HostKernels.invert(map, g.c() * g.h() * g.w());
        }
        return g;
    }

    private INDArray detached(INDArray reuse, long r, long c) {
        return ConvBuffers.detached(reuse, dataType, r, c);
    }

    private int split(FastConvolutionLayer.Geometry g, int cIn, HostThreads.Part task) {
        kernels = ConvBuffers.perThread(kernels, dataType);
        return HostThreads.split(g.b(), FastConvolutionLayer.splits(g, cIn), task);
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        if (!fastPath()) {
            return super.preOutput(training, forBackprop, mgr);
        }
        INDArray weights = getParamWithNoise(DeconvolutionParamInitializer.WEIGHT_KEY, training, mgr);
        FastConvolutionLayer.Geometry g = geometry(weights);
        int cIn = (int) weights.size(0);
        long n = (long) g.b() * g.p();
        boolean reuse = forBackprop && rowsInput == input && rows != null;
        INDArray x = reuse ? input : ConvBuffers.contiguous(input);
        INDArray r = reuse ? rows : detached(rowsInput == null ? rows : null, n, cIn);
        INDArray w2 = ConvBuffers.contiguous(weights).reshape('c', cIn, g.k());
        INDArray c = cols = detached(cols, n, g.k());
        INDArray z =
                mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {g.b(), g.c(), g.h(), g.w()}, 'c');
        split(g, cIn, (t, e0, e1) -> {
            long r0 = (long) e0 * g.p();
            long r1 = (long) e1 * g.p();
            if (!reuse) {
                kernels[t].toChannelsLast(x, g.p(), cIn, e0, e1, r);
            }
            Nd4j.gemm(ConvBuffers.rowBlock(r, r0, r1), w2, ConvBuffers.rowBlock(c, r0, r1), false, false, 1.0, 0.0);
            kernels[t].col2im(c, inverse, map.length, e0, e1, z);
        });
        if (layerConf().hasBias()) {
            INDArray bias = getParamWithNoise(DeconvolutionParamInitializer.BIAS_KEY, training, mgr);
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp(
                    z, bias.reshape(g.c()).castTo(dataType), z, 1));
        }
        rows = r;
        rowsInput = training ? input : null;
        return new Pair<>(z, null);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        if (!fastPath()) {
            return super.backpropGradient(epsilon, mgr);
        }
        INDArray weights = getParamWithNoise(DeconvolutionParamInitializer.WEIGHT_KEY, true, mgr);
        INDArray z = preOutput(true, true, mgr).getFirst();
        FastConvolutionLayer.Geometry g = geometry;
        int cIn = (int) weights.size(0);
        long n = (long) g.b() * g.p();
        int block = g.c() * g.h() * g.w();
        INDArray delta = ConvBuffers.contiguous(
                layerConf().getActivationFn().backprop(z, epsilon).getFirst());
        INDArray r = rows;
        INDArray dc = cols = detached(cols, n, g.k());
        INDArray dr = dRows = detached(dRows, n, cIn);
        INDArray w2 = ConvBuffers.contiguous(weights).reshape('c', cIn, g.k());
        INDArray weightGrad = gradientViews.get(DeconvolutionParamInitializer.WEIGHT_KEY);
        INDArray dw = weightGrad.reshape('c', cIn, g.k());
        dwParts = ConvBuffers.perThread(dwParts, dataType, cIn, g.k());
        INDArray eps = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
        int parts = split(g, cIn, (t, e0, e1) -> {
            long r0 = (long) e0 * g.p();
            long r1 = (long) e1 * g.p();
            kernels[t].im2col(delta, map, block, e0, e1, dc);
            INDArray dcBlock = ConvBuffers.rowBlock(dc, r0, r1);
            Nd4j.gemm(ConvBuffers.rowBlock(r, r0, r1), dcBlock, t == 0 ? dw : dwParts[t], true, false, 1.0, 0.0);
            Nd4j.gemm(dcBlock, w2, ConvBuffers.rowBlock(dr, r0, r1), false, true, 1.0, 0.0);
            kernels[t].toChannelsFirst(dr, null, g.p(), cIn, e0, e1, eps);
        });
        for (int t = 1; t < parts; t++) {
            dw.addi(dwParts[t]);
        }
        Gradient gradient = ConvBuffers.gradient(layerConf(), gradientViews, weightGrad, () -> delta.sum(0, 2, 3));
        rowsInput = null;
        weightNoiseParams.clear();
        return new Pair<>(gradient, backpropDropOutIfPresent(eps));
    }

    @Override
    public void clear() {
        super.clear();
        rowsInput = null;
    }
}
