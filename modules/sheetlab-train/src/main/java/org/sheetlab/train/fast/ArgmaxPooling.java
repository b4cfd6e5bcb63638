package org.sheetlab.train.fast;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.threads.HostThreads;

/**
 * Max and average pooling for {@link FastCore}'s step that keeps the argmax of the forward pass for the backward pass
 * (as PyTorch does): DL4J's {@link SubsamplingLayer} recomputes it in libnd4j's {@code maxpool2d_bp} (on the sheet
 * CNN's step 7.4 thread-ms against PyTorch's 0.5). A SubsamplingLayer of the same configuration whose forward and
 * backward passes are {@link PoolingKernels}; {@link Swap} puts one in place of each covered pooling layer of a
 * MultiLayerNetwork (also inside a FrozenLayerWithBackprop, as in the GAN's G∘D) only while the fast step runs, and puts
 * DL4J's layer back after it; everywhere else (fit, gradient checks, inference) DL4J's layer runs.
 *
 * <p>Results are bit-identical to DL4J's layer in FLOAT and DOUBLE ({@link PoolingKernels} has the arithmetic; ties go
 * to the first cell in row-major order, as libnd4j's): tested against the layer with ties, ±0, ±∞, padding (Same mode,
 * explicit), and truncated edges. A NaN in the input, a data type other than FLOAT/DOUBLE, or an
 * input this code does not take runs DL4J's own pass instead ({@code super}).
 *
 * <p>Covered: {@link PoolingType#MAX} and {@link PoolingType#AVG}, NCHW, dilation 1, windows that do not overlap
 * (stride ≥ kernel; any padding, truncated edges). Overlapping windows stay DL4J's: where one input cell is the argmax
 * of three or more windows, libnd4j adds their gradients in another order (1 ulp apart, measured).
 */
final class ArgmaxPooling extends SubsamplingLayer {
    private static final long serialVersionUID = 1L;

    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** Pooling passes over at least this many input elements are split over the host threads by planes. */
    static final long SPLIT_MIN_ELEMENTS = SplitRules.POOLING_MIN_ELEMENTS;

    /** The input of the last training forward pass, and its argmax per output (null: none kept). */
    private transient INDArray argInput;

    private transient int[] arg;
    private transient PoolingKernels.Shape argShape;

    /** Passes computed here, and passes left to DL4J's own code (NaN, unsupported input). */
    transient long computed;

    transient long declined;

    /** Backward passes that found the argmax again (no forward pass of theirs kept it). */
    transient long recomputed;

    private ArgmaxPooling(SubsamplingLayer like) {
        super(like.conf(), like.getDataType() == null ? DataType.FLOAT : like.getDataType());
        setIndex(like.getIndex());
    }

    /** Whether the layer's configuration is one this class computes. */
    static boolean covers(SubsamplingLayer layer) {
        org.deeplearning4j.nn.conf.layers.SubsamplingLayer c = (org.deeplearning4j.nn.conf.layers.SubsamplingLayer)
                layer.conf().getLayer();
        return layer.getClass() == SubsamplingLayer.class
                && c.getClass() == org.deeplearning4j.nn.conf.layers.SubsamplingLayer.class
                && (c.getPoolingType() == PoolingType.MAX || c.getPoolingType() == PoolingType.AVG)
                && c.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && Arrays.equals(c.getDilation(), new int[] {1, 1})
                && c.getStride()[0] >= c.getKernelSize()[0]
                && c.getStride()[1] >= c.getKernelSize()[1];
    }

    private org.deeplearning4j.nn.conf.layers.SubsamplingLayer pconf() {
        return (org.deeplearning4j.nn.conf.layers.SubsamplingLayer) conf().getLayer();
    }

    /** The pooling's shape for input [B, C, H, W], with the Same mode's padding as DL4J computes it. */
    private PoolingKernels.Shape shape(INDArray input) {
        org.deeplearning4j.nn.conf.layers.SubsamplingLayer c = pconf();
        int[] kernel = c.getKernelSize();
        int[] strides = c.getStride();
        int h = (int) input.size(2);
        int w = (int) input.size(3);
        int oh;
        int ow;
        int[] pad;
        if (convolutionMode == ConvolutionMode.Same) {
            oh = (h + strides[0] - 1) / strides[0];
            ow = (w + strides[1] - 1) / strides[1];
            pad = ConvolutionUtils.getSameModeTopLeftPadding(
                    new int[] {oh, ow}, new int[] {h, w}, kernel, strides, c.getDilation());
        } else {
            pad = c.getPadding();
            oh = (h + 2 * pad[0] - kernel[0]) / strides[0] + 1;
            ow = (w + 2 * pad[1] - kernel[1]) / strides[1] + 1;
            if (convolutionMode == ConvolutionMode.Strict
                    && ((h + 2 * pad[0] - kernel[0]) % strides[0] != 0
                            || (w + 2 * pad[1] - kernel[1]) % strides[1] != 0)) {
                return null; // DL4J's own pass names the error
            }
        }
        if (oh < 1 || ow < 1) {
            return null;
        }
        return new PoolingKernels.Shape(
                h,
                w,
                oh,
                ow,
                kernel[0],
                kernel[1],
                strides[0],
                strides[1],
                pad[0],
                pad[1],
                c.isAvgPoolIncludePadInDivisor());
    }

    private boolean supported(INDArray a) {
        return a != null
                && a.rank() == 4
                && a.dataType() == dataType
                && (a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE)
                && a.length() < Integer.MAX_VALUE / 2
                && !a.isEmpty();
    }

    private static INDArray contiguous(INDArray a) {
        return a.ordering() == 'c' && org.nd4j.linalg.api.shape.Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
    }

    private static ByteBuffer bytes(INDArray a) {
        return a.data().asNio().order(ORDER);
    }

    private boolean max() {
        return pconf().getPoolingType() == PoolingType.MAX;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        argInput = null;
        PoolingKernels.Shape s = supported(input) ? shape(input) : null;
        if (s == null) {
            declined++;
            return super.activate(training, workspaceMgr);
        }
        INDArray x = contiguous(input);
        INDArray out = workspaceMgr.createUninitialized(
                ArrayType.ACTIVATIONS, x.dataType(), new long[] {x.size(0), x.size(1), s.oh(), s.ow()}, 'c');
        boolean max = max();
        int[] a = max ? argArray((int) (x.size(0) * x.size(1)) * s.out()) : null;
        if (!forward(x, s, max, out, a)) {
            declined++;
            return super.activate(training, workspaceMgr); // a NaN: libnd4j's op decides what it makes of it
        }
        if (training && max) {
            argInput = input;
            arg = a;
            argShape = s;
        }
        computed++;
        return out;
    }

    private int[] argArray(int n) {
        return arg != null && arg.length == n ? arg : new int[n];
    }

    /** The forward pass of x into out (and the argmax into a for max); false when a window holds a NaN. */
    private static boolean forward(INDArray x, PoolingKernels.Shape s, boolean max, INDArray out, int[] a) {
        int planes = (int) (x.size(0) * x.size(1));
        boolean dbl = x.dataType() == DataType.DOUBLE;
        boolean fast = !dbl && PoolingKernels.twoByTwo(s);
        ByteBuffer in = bytes(x);
        ByteBuffer ob = bytes(out);
        int in0 = (int) x.offset();
        int out0 = (int) out.offset();
        boolean[] dirty = new boolean[HostThreads.maxParts()];
        HostThreads.split(planes, (long) planes * s.in() >= SPLIT_MIN_ELEMENTS, (t, p0, p1) -> {
            boolean clean;
            if (dbl) {
                clean = max
                        ? PoolingKernels.maxForward(in.asDoubleBuffer(), in0, ob.asDoubleBuffer(), out0, a, s, p0, p1)
                        : PoolingKernels.avgForward(in.asDoubleBuffer(), in0, ob.asDoubleBuffer(), out0, s, p0, p1);
            } else if (fast) {
                clean = max
                        ? PoolingKernels.maxForward2x2(in.asFloatBuffer(), in0, ob.asFloatBuffer(), out0, a, s, p0, p1)
                        : PoolingKernels.avgForward2x2(in.asFloatBuffer(), in0, ob.asFloatBuffer(), out0, s, p0, p1);
            } else {
                clean = max
                        ? PoolingKernels.maxForward(in.asFloatBuffer(), in0, ob.asFloatBuffer(), out0, a, s, p0, p1)
                        : PoolingKernels.avgForward(in.asFloatBuffer(), in0, ob.asFloatBuffer(), out0, s, p0, p1);
            }
            dirty[t] = !clean;
        });
        for (boolean d : dirty) {
            if (d) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        boolean max = max();
        INDArray kept = argInput;
        argInput = null;
        PoolingKernels.Shape s = supported(input) ? shape(input) : null;
        if (s == null
                || epsilon == null
                || epsilon.dataType() != input.dataType()
                || epsilon.rank() != 4
                || epsilon.size(0) != input.size(0)
                || epsilon.size(1) != input.size(1)
                || epsilon.size(2) != s.oh()
                || epsilon.size(3) != s.ow()) {
            declined++;
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        int planes = (int) (input.size(0) * input.size(1));
        if (max && (kept != input || !s.equals(argShape))) {
            // no argmax from this input's forward pass (the layer's input was set anew): find it now
            INDArray scratch;
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                scratch = Nd4j.createUninitialized(input.dataType(), input.size(0), input.size(1), s.oh(), s.ow());
            }
            arg = argArray(planes * s.out());
            argShape = s;
            if (!forward(contiguous(input), s, true, scratch, arg)) {
                declined++;
                return super.backpropGradient(epsilon, workspaceMgr);
            }
            recomputed++;
        }
        INDArray e = contiguous(epsilon);
        boolean dbl = input.dataType() == DataType.DOUBLE;
        boolean fast = !dbl && PoolingKernels.twoByTwo(s);
        // the 2×2 kernels write every cell; the general ones add into zeros
        INDArray gIn = fast
                ? workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c')
                : workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        ByteBuffer eb = bytes(e);
        ByteBuffer gb = bytes(gIn);
        int e0 = (int) e.offset();
        int g0 = (int) gIn.offset();
        int[] a = arg;
        HostThreads.split(planes, (long) planes * s.in() >= SPLIT_MIN_ELEMENTS, (t, p0, p1) -> {
            if (dbl) {
                if (max) {
                    PoolingKernels.maxBackward(eb.asDoubleBuffer(), e0, gb.asDoubleBuffer(), g0, a, s, p0, p1);
                } else {
                    PoolingKernels.avgBackward(eb.asDoubleBuffer(), e0, gb.asDoubleBuffer(), g0, s, p0, p1);
                }
            } else if (fast) {
                if (max) {
                    PoolingKernels.maxBackward2x2(eb.asFloatBuffer(), e0, gb.asFloatBuffer(), g0, a, s, p0, p1);
                } else {
                    PoolingKernels.avgBackward2x2(eb.asFloatBuffer(), e0, gb.asFloatBuffer(), g0, s, p0, p1);
                }
            } else if (max) {
                PoolingKernels.maxBackward(eb.asFloatBuffer(), e0, gb.asFloatBuffer(), g0, a, s, p0, p1);
            } else {
                PoolingKernels.avgBackward(eb.asFloatBuffer(), e0, gb.asFloatBuffer(), g0, s, p0, p1);
            }
        });
        computed++;
        return new Pair<>(new DefaultGradient(), gIn);
    }

    @Override
    public void clear() {
        super.clear();
        argInput = null;
    }

    /**
     * The pooling layers of a MultiLayerNetwork that the step computes with an {@link ArgmaxPooling} each: {@link
     * #swap}(true) puts them in the network's layer array (or into the FrozenLayerWithBackprop that wraps DL4J's
     * layer) for the step's passes, {@link #swap}(false) puts DL4J's layers back.
     */
    static final class Swap {
        private static final Field UNDERLYING = underlyingField();

        private final Layer[] slots;
        private final List<Integer> at = new ArrayList<>();
        private final List<SubsamplingLayer> originals = new ArrayList<>();
        private final List<ArgmaxPooling> ours = new ArrayList<>();
        private final String description;

        private Swap(Layer[] slots, List<Integer> at, List<SubsamplingLayer> found, List<String> names) {
            this.slots = slots;
            this.at.addAll(at);
            for (SubsamplingLayer l : found) {
                originals.add(l);
                ours.add(new ArgmaxPooling(l));
            }
            this.description = "argmax-keeping pooling over " + String.join(", ", names);
        }

        private static Field underlyingField() {
            try {
                Field f = BaseWrapperLayer.class.getDeclaredField("underlying");
                f.setAccessible(true);
                return f;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        /** The DL4J pooling layer in slot i (itself, or inside a FrozenLayerWithBackprop) when covered, else null. */
        private static SubsamplingLayer covered(Layer l) {
            Layer inner = l instanceof FrozenLayerWithBackprop f && UNDERLYING != null ? f.getInsideLayer() : l;
            return inner instanceof SubsamplingLayer s && covers(s) ? s : null;
        }

        /** The swap over the covered pooling layers of {@code layers} (a network's own array), or null if none. */
        static Swap of(Layer[] layers) {
            if (layers == null) {
                return null;
            }
            List<Integer> at = new ArrayList<>();
            List<SubsamplingLayer> found = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < layers.length; i++) {
                SubsamplingLayer s = covered(layers[i]);
                if (s != null) {
                    org.deeplearning4j.nn.conf.layers.SubsamplingLayer c =
                            (org.deeplearning4j.nn.conf.layers.SubsamplingLayer)
                                    s.conf().getLayer();
                    at.add(i);
                    found.add(s);
                    names.add(FastCore.describe(layers[i]) + " " + c.getPoolingType() + " " + c.getKernelSize()[0] + "x"
                            + c.getKernelSize()[1] + "/" + c.getStride()[0] + "x" + c.getStride()[1]);
                }
            }
            return found.isEmpty() ? null : new Swap(layers, at, found, names);
        }

        /** "argmax-keeping pooling over layer 1 'pool1' (SubsamplingLayer) MAX 2x2/2x2, …". */
        String description() {
            return description;
        }

        /** The layers put in (for tests: what they computed and declined). */
        List<ArgmaxPooling> layers() {
            return ours;
        }

        void swap(boolean in) {
            for (int k = 0; k < at.size(); k++) {
                int i = at.get(k);
                Layer put = in ? ours.get(k) : originals.get(k);
                if (!in) {
                    ours.get(k).argInput = null;
                    ours.get(k).input = null;
                }
                if (slots[i] instanceof FrozenLayerWithBackprop f) {
                    try {
                        UNDERLYING.set(f, put);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("FastCore: cannot swap a frozen pooling layer", e);
                    }
                } else {
                    slots[i] = put;
                }
            }
        }
    }
}
