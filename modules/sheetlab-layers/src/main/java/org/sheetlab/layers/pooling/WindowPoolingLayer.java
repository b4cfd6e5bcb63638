package org.sheetlab.layers.pooling;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.sheetlab.core.pooling.PoolingFunction;

/**
 * The runtime layer behind {@link WindowPooling2D}: im2col turns [B, C, H, W] into windows
 * [B, C, k_h, k_w, O_h, O_w], which are laid out as rows [B·C·O_h·O_w, k_h·k_w] for the reduction; the backward pass
 * reverses the layout and scatters the window gradients back with col2im (overlapping windows add up).
 */
public final class WindowPoolingLayer extends AbstractLayer<WindowPooling2D> {
    public WindowPoolingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private record Windows(INDArray rows, long b, long c, long h, long w, int oh, int ow) {}

    private Windows windows() {
        if (input.rank() != 4) {
            throw new IllegalStateException(layerConf().getClass().getSimpleName() + " " + layerId()
                    + ": expects input [B, C, H, W], got shape " + Arrays.toString(input.shape()));
        }
        int[] k = layerConf().getKernelSize();
        int[] s = layerConf().getStride();
        int[] p = layerConf().getPadding();
        long b = input.size(0);
        long c = input.size(1);
        long h = input.size(2);
        long w = input.size(3);
        if (k[0] > h + 2L * p[0] || k[1] > w + 2L * p[1]) {
            throw new IllegalStateException(layerConf().getClass().getSimpleName() + " " + layerId() + ": window "
                    + k[0] + "x" + k[1] + " is larger than the padded input " + (h + 2L * p[0]) + "x" + (w + 2L * p[1]));
        }
        INDArray col = Convolution.im2col(input, k[0], k[1], s[0], s[1], p[0], p[1], false);
        int oh = (int) col.size(4);
        int ow = (int) col.size(5);
        INDArray rows = col.permute(0, 1, 4, 5, 2, 3).dup('c').reshape('c', b * c * oh * ow, (long) k[0] * k[1]);
        return new Windows(rows, b, c, h, w, oh, ow);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        Windows win = windows();
        INDArray y = layerConf().function().forward(win.rows()).reshape('c', win.b(), win.c(), win.oh(), win.ow());
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, y);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        Windows win = windows();
        PoolingFunction f = layerConf().function();
        INDArray y = f.forward(win.rows());
        INDArray dy = epsilon.dup('c').reshape('c', win.rows().size(0), 1);
        int[] k = layerConf().getKernelSize();
        int[] s = layerConf().getStride();
        int[] p = layerConf().getPadding();
        INDArray dCol = f.backward(win.rows(), y, dy)
                .reshape('c', win.b(), win.c(), win.oh(), win.ow(), k[0], k[1]).permute(0, 1, 4, 5, 2, 3).dup('c');
        INDArray eps = Convolution.col2im(dCol, s[0], s[1], p[0], p[1], (int) win.h(), (int) win.w());
        return new Pair<>(new DefaultGradient(), workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, eps));
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
        // no parameters
    }

    @Override
    public Type type() {
        return Type.SUBSAMPLING;
    }
}
