package org.sheetlab.layers.pooling;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.pooling.PoolingFunction;

/**
 * The runtime layer behind {@link WindowPooling2D}. A host kernel walks the windows of each (example, channel) plane
 * directly, in parallel over planes: forward y = f(window) per window ({@link PoolingFunction#forwardWindow}),
 * backward scatters δ·∂y/∂x back into the input positions (overlapping windows add up; padded positions hold 0 and
 * receive nothing). Values are computed in double and returned in the input's data type. The forward result is kept
 * for the backward pass of the same input. On a GPU backend the arrays are copied to the host and back.
 *
 * <p>Why not im2col and ND4J ops: that form (kept as {@link PoolingFunction#forward} for the global layers) took
 * ~310 ms for forward + backward of [64, 32, 28, 28] on 2 cores, the host kernel a small fraction of that (see
 * bench/results/pooling-*.json).
 */
public final class WindowPoolingLayer extends PoolingRuntimeLayer<WindowPooling2D> {
    private static final long serialVersionUID = 1L;

    private INDArray cachedInput;
    private double[] cachedX;
    private double[] cachedY;

    public WindowPoolingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Window geometry for one input shape. */
    private record Geometry(
            int b, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {
        int planes() {
            return b * c;
        }
    }

    private Geometry geometry() {
        if (input.rank() != 4) {
            throw new IllegalStateException(layerConf().getClass().getSimpleName() + " " + layerId()
                    + ": expects input [B, C, H, W], got shape " + Arrays.toString(input.shape()));
        }
        int[] k = layerConf().getKernelSize();
        int[] s = layerConf().getStride();
        int[] p = layerConf().getPadding();
        int h = (int) input.size(2);
        int w = (int) input.size(3);
        if (k[0] > h + 2 * p[0] || k[1] > w + 2 * p[1]) {
            throw new IllegalStateException(layerConf().getClass().getSimpleName() + " " + layerId() + ": window "
                    + k[0] + "x" + k[1] + " is larger than the padded input " + (h + 2 * p[0]) + "x" + (w + 2 * p[1]));
        }
        int oh = (h - k[0] + 2 * p[0]) / s[0] + 1;
        int ow = (w - k[1] + 2 * p[1]) / s[1] + 1;
        return new Geometry((int) input.size(0), (int) input.size(1), h, w, k[0], k[1], s[0], s[1], p[0], p[1], oh, ow);
    }

    /** Copies window (r, c) of plane {@code plane} into {@code buf} (zeros where padded). */
    private static void gather(double[] x, Geometry g, int plane, int r, int c, double[] buf) {
        int base = plane * g.h() * g.w();
        int n = 0;
        for (int i = 0; i < g.kh(); i++) {
            int row = r * g.sh() - g.ph() + i;
            for (int j = 0; j < g.kw(); j++) {
                int col = c * g.sw() - g.pw() + j;
                buf[n++] = row >= 0 && row < g.h() && col >= 0 && col < g.w() ? x[base + row * g.w() + col] : 0.0;
            }
        }
    }

    private double[] forwardHost(double[] x, Geometry g) {
        PoolingFunction f = layerConf().function();
        double[] y = new double[g.planes() * g.oh() * g.ow()];
        int n = g.kh() * g.kw();
        IntStream.range(0, g.planes()).parallel().forEach(plane -> {
            double[] buf = new double[n];
            int out = plane * g.oh() * g.ow();
            for (int r = 0; r < g.oh(); r++) {
                for (int c = 0; c < g.ow(); c++) {
                    gather(x, g, plane, r, c, buf);
                    y[out++] = f.forwardWindow(buf, n);
                }
            }
        });
        return y;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        Geometry g = geometry();
        double[] x = input.dup('c').data().asDouble();
        double[] y = forwardHost(x, g);
        if (training) {
            cachedInput = input;
            cachedX = x;
            cachedY = y;
        }
        INDArray out = Nd4j.create(y, new long[] {g.b(), g.c(), g.oh(), g.ow()}, DataType.DOUBLE)
                .castTo(input.dataType());
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, out);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        Geometry g = geometry();
        double[] x;
        double[] y;
        if (cachedInput == input && cachedX != null) {
            x = cachedX;
            y = cachedY;
        } else {
            x = input.dup('c').data().asDouble();
            y = forwardHost(x, g);
        }
        double[] dy = epsilon.dup('c').data().asDouble();
        double[] dx = new double[x.length];
        PoolingFunction f = layerConf().function();
        int n = g.kh() * g.kw();
        IntStream.range(0, g.planes()).parallel().forEach(plane -> {
            double[] buf = new double[n];
            double[] grad = new double[n];
            int base = plane * g.h() * g.w();
            int out = plane * g.oh() * g.ow();
            for (int r = 0; r < g.oh(); r++) {
                for (int c = 0; c < g.ow(); c++, out++) {
                    gather(x, g, plane, r, c, buf);
                    f.backwardWindow(buf, n, y[out], dy[out], grad);
                    int k = 0;
                    for (int i = 0; i < g.kh(); i++) {
                        int row = r * g.sh() - g.ph() + i;
                        for (int j = 0; j < g.kw(); j++, k++) {
                            int col = c * g.sw() - g.pw() + j;
                            if (row >= 0 && row < g.h() && col >= 0 && col < g.w()) {
                                dx[base + row * g.w() + col] += grad[k];
                            }
                        }
                    }
                }
            }
        });
        cachedInput = null;
        cachedX = null;
        cachedY = null;
        INDArray eps = Nd4j.create(dx, input.shape(), DataType.DOUBLE).castTo(input.dataType());
        return new Pair<>(new DefaultGradient(), workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, eps));
    }

    @Override
    public void clear() {
        super.clear();
        cachedInput = null;
        cachedX = null;
        cachedY = null;
    }
}
