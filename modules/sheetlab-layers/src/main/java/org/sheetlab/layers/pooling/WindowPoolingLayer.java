package org.sheetlab.layers.pooling;

import java.nio.FloatBuffer;
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
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.pooling.PoolingFunction;
import org.sheetlab.core.threads.HostThreads;
import org.sheetlab.layers.HostArrays;
import org.sheetlab.layers.LayerSplitRules;

/**
 * The runtime layer behind {@link WindowPooling2D}. A host kernel walks the windows of each (example, channel) plane
 * directly, in parallel over planes: forward y = f(window) per window ({@link PoolingFunction#forwardWindow}); in
 * training it also keeps each window's local derivatives ∂y/∂xᵢ, so the backward pass is a scatter of δ·∂y/∂xᵢ into
 * the input positions (overlapping windows add up; padded positions hold 0 and receive nothing) with no second
 * evaluation of exp or pow. Values are computed in double per plane and returned in the input's data type: a FLOAT
 * input is copied in bulk as floats and widened one plane at a time. On a GPU backend the arrays are copied to the
 * host and back.
 *
 * <p>FLOAT input with p-pooling at p = 2 or 3 or log-average pooling takes the fast path instead,
 * {@link FloatWindowKernel}: no per-window gather with bounds checks or virtual calls (direct indexing inside the
 * input, a specialisation for 2×2/stride-2 windows), the whole plane's windows reduced at once (vectorised with the JDK
 * Vector API), float partials kept in a buffer reused from step to step, the input, δ, y and ∂L/∂x read and written in one
 * bulk copy per plane, and the planes split over {@link HostThreads}. It gives the general kernel's values to float
 * rounding (tests compare the two on odd shapes, strides, overlapping and padded windows).
 *
 * <p>Why not im2col and ND4J ops: that form (kept as {@link PoolingFunction#forward} for the global layers) took
 * ~310 ms for forward + backward of [64, 32, 28, 28] on 2 cores, the host kernel a small fraction of that (see
 * bench/results/pooling-*.json).
 */
public final class WindowPoolingLayer extends PoolingRuntimeLayer<WindowPooling2D> {
    private static final long serialVersionUID = 1L;

    /** The input whose partials are cached, and ∂y/∂xᵢ per window element: [planes, O_h, O_w, k_h·k_w]. */
    private INDArray cachedInput;

    private double[] cachedPartials;

    /** The fast path's ∂y/∂xᵢ (window-major, float), valid for {@link #cachedInput} when {@link #fastCached}. */
    private transient float[] floatPartials;

    private transient boolean fastCached;

    /** Whether FLOAT input must take the general kernel (tests set it to compare the two). */
    private transient boolean generalKernelOnly;

    /** Whether the fast kernel must use scalar exp and log even where the JVM has the Vector API (for tests). */
    private transient boolean scalarOnly;

    /** Whether 2×2/stride-2 windows must take the fast kernel's general loop, not its specialisation (for tests). */
    private transient boolean generalLoopOnly;

    public WindowPoolingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Window geometry for one input shape. */
    private record Geometry(
            int b, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {
        int planes() {
            return b * c;
        }

        int windowSize() {
            return kh * kw;
        }
    }

    /** A c-order host copy of an array, as floats (FLOAT input) or doubles (otherwise), read one plane at a time. */
    private static final class HostCopy {
        final float[] f;
        final double[] d;

        HostCopy(INDArray a) {
            INDArray c = a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
            int n = (int) c.length();
            if (c.dataType() == DataType.FLOAT) {
                f = new float[n];
                FloatBuffer buf = c.data().asNioFloat();
                buf.position((int) c.offset());
                buf.get(f, 0, n);
                d = null;
            } else {
                f = null;
                d = HostArrays.read(c);
            }
        }

        HostCopy(DataType type, int n) {
            f = type == DataType.FLOAT ? new float[n] : null;
            d = type == DataType.FLOAT ? null : new double[n];
        }

        void load(int from, double[] to, int n) {
            if (f != null) {
                for (int i = 0; i < n; i++) {
                    to[i] = f[from + i];
                }
            } else {
                System.arraycopy(d, from, to, 0, n);
            }
        }

        void store(double[] from, int to, int n) {
            if (f != null) {
                for (int i = 0; i < n; i++) {
                    f[to + i] = (float) from[i];
                }
            } else {
                System.arraycopy(from, 0, d, to, n);
            }
        }

        INDArray toArray(DataType type, long... shape) {
            INDArray out = Nd4j.createUninitialized(type, shape);
            if (f != null && type == DataType.FLOAT) {
                FloatBuffer buf = out.data().asNioFloat();
                buf.position((int) out.offset());
                buf.put(f, 0, f.length);
            } else if (f != null) {
                double[] wide = new double[f.length];
                load(0, wide, f.length);
                HostArrays.write(out, wide);
            } else {
                HostArrays.write(out, d);
            }
            return out;
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

    /** Copies window (r, c) of the plane starting at {@code base} of {@code x} into {@code buf} (zeros where padded). */
    private static void gather(HostCopy x, int base, Geometry g, int r, int c, double[] buf) {
        if (x.f != null) {
            gather(x.f, base, g, r, c, buf);
            return;
        }
        double[] d = x.d;
        int n = 0;
        for (int i = 0; i < g.kh(); i++) {
            int row = r * g.sh() - g.ph() + i;
            for (int j = 0; j < g.kw(); j++) {
                int col = c * g.sw() - g.pw() + j;
                buf[n++] = row >= 0 && row < g.h() && col >= 0 && col < g.w() ? d[base + row * g.w() + col] : 0.0;
            }
        }
    }

    private static void gather(float[] x, int base, Geometry g, int r, int c, double[] buf) {
        int n = 0;
        for (int i = 0; i < g.kh(); i++) {
            int row = r * g.sh() - g.ph() + i;
            for (int j = 0; j < g.kw(); j++) {
                int col = c * g.sw() - g.pw() + j;
                buf[n++] = row >= 0 && row < g.h() && col >= 0 && col < g.w() ? x[base + row * g.w() + col] : 0.0;
            }
        }
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        Geometry g = geometry();
        PoolingFunction f = layerConf().function();
        FloatWindowKernel fast = fastKernel(g, f);
        if (fast != null) {
            return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, fastActivate(fast, g, training));
        }
        fastCached = false;
        HostCopy x = new HostCopy(input);
        int planeIn = g.h() * g.w();
        int planeOut = g.oh() * g.ow();
        int n = g.windowSize();
        HostCopy y = new HostCopy(input.dataType(), g.planes() * planeOut);
        double[] partials = training ? new double[g.planes() * planeOut * n] : null;
        IntStream.range(0, g.planes()).parallel().forEach(plane -> {
            double[] ys = new double[planeOut];
            double[] buf = new double[n];
            double[] part = new double[n];
            int out = 0;
            for (int r = 0; r < g.oh(); r++) {
                for (int c = 0; c < g.ow(); c++, out++) {
                    gather(x, plane * planeIn, g, r, c, buf);
                    if (partials == null) {
                        ys[out] = f.forwardWindow(buf, n);
                    } else {
                        ys[out] = f.forwardWindow(buf, n, part);
                        System.arraycopy(part, 0, partials, (plane * planeOut + out) * n, n);
                    }
                }
            }
            y.store(ys, plane * planeOut, planeOut);
        });
        if (training) {
            cachedInput = input;
            cachedPartials = partials;
        }
        INDArray result = y.toArray(input.dataType(), g.b(), g.c(), g.oh(), g.ow());
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, result);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        Geometry g = geometry();
        FloatWindowKernel fast = fastKernel(g, layerConf().function());
        if (fast != null) {
            if (cachedInput != input || !fastCached) {
                fastActivate(fast, g, true); // a backward pass without its forward: recompute the partials
            }
            INDArray eps = fastBackprop(fast, g, epsilon);
            cachedInput = null;
            fastCached = false;
            return new Pair<>(new DefaultGradient(), workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, eps));
        }
        if (cachedInput != input || cachedPartials == null) {
            activate(true, workspaceMgr); // a backward pass without its forward: recompute the partials
        }
        double[] partials = cachedPartials;
        HostCopy dy = new HostCopy(epsilon);
        int planeIn = g.h() * g.w();
        int planeOut = g.oh() * g.ow();
        int n = g.windowSize();
        HostCopy dx = new HostCopy(input.dataType(), g.planes() * planeIn);
        IntStream.range(0, g.planes()).parallel().forEach(plane -> {
            double[] dys = new double[planeOut];
            double[] dxs = new double[planeIn];
            dy.load(plane * planeOut, dys, planeOut);
            int k = plane * planeOut * n;
            int out = 0;
            for (int r = 0; r < g.oh(); r++) {
                for (int c = 0; c < g.ow(); c++, out++) {
                    double d = dys[out];
                    for (int i = 0; i < g.kh(); i++) {
                        int row = r * g.sh() - g.ph() + i;
                        for (int j = 0; j < g.kw(); j++, k++) {
                            int col = c * g.sw() - g.pw() + j;
                            if (row >= 0 && row < g.h() && col >= 0 && col < g.w()) {
                                dxs[row * g.w() + col] += d * partials[k];
                            }
                        }
                    }
                }
            }
            dx.store(dxs, plane * planeIn, planeIn);
        });
        cachedInput = null;
        cachedPartials = null;
        INDArray eps = dx.toArray(input.dataType(), input.shape());
        return new Pair<>(new DefaultGradient(), workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, eps));
    }

    /** The fast kernel for this input and function, or null where the general kernel runs. */
    private FloatWindowKernel fastKernel(Geometry g, PoolingFunction f) {
        FloatWindowKernel.Kind kind = FloatWindowKernel.kindOf(f);
        if (generalKernelOnly
                || kind == null
                || input.dataType() != DataType.FLOAT
                || (long) g.planes() * g.oh() * g.ow() * g.windowSize() > Integer.MAX_VALUE
                || (long) g.planes() * g.h() * g.w() > Integer.MAX_VALUE) {
            return null;
        }
        return new FloatWindowKernel(
                kind,
                FloatWindowKernel.VECTOR_API && !scalarOnly,
                !generalLoopOnly,
                g.h(),
                g.w(),
                g.kh(),
                g.kw(),
                g.sh(),
                g.sw(),
                g.ph(),
                g.pw(),
                g.oh(),
                g.ow());
    }

    /** A c-order array with default strides holding a's values (a itself where it is one). */
    private static INDArray cOrder(INDArray a) {
        return a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
    }

    /**
     * Splits the planes over the host threads when there is enough work to share
     * ({@link LayerSplitRules#WINDOW_POOLING_MIN_ELEMENTS}).
     */
    private static void planes(Geometry g, HostThreads.Part part) {
        HostThreads.split(
                g.planes(), (long) g.planes() * g.h() * g.w() >= LayerSplitRules.WINDOW_POOLING_MIN_ELEMENTS, part);
    }

    private INDArray fastActivate(FloatWindowKernel k, Geometry g, boolean training) {
        INDArray x = cOrder(input);
        FloatBuffer xb = x.data().asNioFloat();
        int xOff = (int) x.offset();
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, g.b(), g.c(), g.oh(), g.ow());
        FloatBuffer yb = y.data().asNioFloat();
        int yOff = (int) y.offset();
        float[] partials = null;
        if (training) {
            int size = g.planes() * k.planeOut() * k.windowSize();
            if (floatPartials == null || floatPartials.length != size) {
                floatPartials = new float[size];
            }
            partials = floatPartials;
        }
        float[] keep = partials;
        planes(g, (part, p0, p1) -> k.forward(xb, xOff, yb, yOff, keep, p0, p1));
        if (training) {
            cachedInput = input;
            cachedPartials = null;
            fastCached = true;
        }
        return y;
    }

    private INDArray fastBackprop(FloatWindowKernel k, Geometry g, INDArray epsilon) {
        INDArray dy = cOrder(epsilon.castTo(DataType.FLOAT));
        FloatBuffer dyb = dy.data().asNioFloat();
        int dyOff = (int) dy.offset();
        INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, input.shape());
        FloatBuffer dxb = dx.data().asNioFloat();
        int dxOff = (int) dx.offset();
        float[] partials = floatPartials;
        planes(g, (part, p0, p1) -> k.backward(dyb, dyOff, partials, dxb, dxOff, p0, p1));
        return dx;
    }

    /** Whether the last training forward pass ran the fast kernel (its partials are cached); for tests. */
    boolean fastPathCached() {
        return fastCached && cachedInput == input;
    }

    /** Turns the FLOAT fast path off (false) or on; for tests that compare it with the general kernel. */
    void allowFastKernel(boolean allowed) {
        generalKernelOnly = !allowed;
        fastCached = false;
    }

    /** Whether the fast kernel's reductions use the Vector API; for tests of the scalar fallback. */
    void useVectorApi(boolean use) {
        scalarOnly = !use;
    }

    /** Whether 2×2/stride-2 windows take the fast kernel's specialisation (true, the default) or its general loop. */
    void useTwoByTwoSpecialisation(boolean use) {
        generalLoopOnly = !use;
        fastCached = false;
    }

    @Override
    public void clear() {
        super.clear();
        cachedInput = null;
        cachedPartials = null;
        fastCached = false;
    }
}
