package org.sheetlab.layers.conv;

import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sheetlab.core.backprop.InputGradientOptional;
import org.sheetlab.core.threads.DirectGemm;
import org.sheetlab.core.threads.HostThreads;
import org.sheetlab.layers.LayerSplitRules;
import org.sheetlab.layers.LayerWiring;

/**
 * The runtime layer behind {@link FastConvolution2D}: DL4J's {@link ConvolutionLayer} with its forward and backward
 * passes replaced where the fast path applies (CPU backend, NCHW, dilation 1, FLOAT or DOUBLE); anything else goes to
 * DL4J's implementation unchanged.
 *
 * <p>A plain ReLU's backward pass (z &gt; 0 ? ε : 0) runs as one host loop into a reused buffer instead of DL4J's
 * activation op. While the fast training core has switched the input gradient off ({@link #skipInputGradient}: the
 * network's first layer), the backward pass computes the weight and bias gradients only, as im2col + one GEMM, and
 * passes down zeros: for a one-channel input oneDNN's backward-data convolution is the slowest part of the step.
 *
 * <p>The im2col matrix of a training forward pass is kept (detached from workspaces) for the backward pass of the same
 * input array, which then recomputes z from it with one product instead of a second im2col. Scratch arrays are reused
 * while the shapes stay the same.
 */
public final class FastConvolutionLayer extends ConvolutionLayer implements InputGradientOptional {
    private static final long serialVersionUID = 1L;
    /**
     * Whether libnd4j was built with oneDNN (the {@code linux-x86_64-onednn-avx2} natives): then the convolution
     * itself runs as libnd4j's conv2d / conv2d_bp ops, which execute oneDNN's direct convolution, instead of the host
     * im2col + GEMM path. Either way each half of the batch is one call on its own thread.
     */
    static final boolean ONEDNN_BUILD = ConvBuffers.CPU
            && org.nd4j.nativeblas.NativeOpsHolder.getInstance()
                    .getDeviceNativeOps()
                    .buildInfo()
                    .contains("HAVE_ONEDNN");

    private static volatile boolean oneDnn = ONEDNN_BUILD && !"false".equals(System.getProperty("sheetlab.onednn"));

    /** Whether the oneDNN path is in use (the natives have it and -Dsheetlab.onednn=false is not set). */
    public static boolean usesOneDnn() {
        return oneDnn;
    }

    /** For tests: choose the host im2col path even where oneDNN is present (on = true restores the default). */
    static void useOneDnn(boolean on) {
        oneDnn = on && ONEDNN_BUILD;
    }

    /**
     * Whether the oneDNN path's weights-only backward pass (the input gradient skipped) runs as one host pass for δ
     * and the bias gradient, a transposed im2col and one product per half batch ({@link #backpropWeightsGemm});
     * {@code -Dsheetlab.fast.convGemmBackward=false} keeps libnd4j's relu_bp, the im2col + transposition and the two
     * ND4J reductions of {@link #backpropWeightsOnly}.
     */
    public static final String GEMM_BACKWARD_PROPERTY = "sheetlab.fast.convGemmBackward";

    private static volatile boolean gemmBackward = !"false".equals(System.getProperty(GEMM_BACKWARD_PROPERTY));

    /** Whether the weights-only backward pass is the host pass + product (see {@link #GEMM_BACKWARD_PROPERTY}). */
    public static boolean usesGemmBackward() {
        return oneDnn && gemmBackward;
    }

    /** For tests: the weights-only backward pass as {@link #backpropWeightsGemm} (true, the default) or not. */
    static void useGemmBackward(boolean on) {
        gemmBackward = on;
    }

    /**
     * Which layers of the oneDNN path run their forward convolution as a transposed im2col [K, B·P] and one product
     * W · colsᵀ per half batch ({@link #preOutputGemm}) instead of libnd4j's conv2d: {@code auto} (the default) those
     * whose K = C·K_h·K_w is at most {@link #GEMM_FORWARD_MAX_K} (a first layer on few channels, where oneDNN's direct
     * convolution is slow), {@code true} every layer, {@code false} none
     * ({@code -Dsheetlab.fast.convGemmForward=...}). The kept im2col matrix then also serves the weights-only backward
     * pass of the same input.
     */
    public static final String GEMM_FORWARD_PROPERTY = "sheetlab.fast.convGemmForward";

    static final int GEMM_FORWARD_MAX_K = 64;

    private static volatile String gemmForward = System.getProperty(GEMM_FORWARD_PROPERTY, "auto");

    /**
     * The passes this JVM's fast convolutions take and when they split, for a run's record (run.json), e.g. "forward:
     * transposed im2col + GEMM where K <= 64, else oneDNN conv2d (-Dsheetlab.fast.convGemmForward=auto); ...; passes
     * split over 2 host threads from 67108864 multiply-adds B*P*K*F (-Dsheetlab.fast.convSplitMinMacs)".
     */
    public static String pathDescription() {
        if (!oneDnn) {
            return "host im2col + GEMM forward and backward (no oneDNN natives, or -Dsheetlab.onednn=false); "
                    + splitDescription();
        }
        String f = gemmForward;
        String forward = "true".equals(f)
                ? "transposed im2col + GEMM"
                : "false".equals(f)
                        ? "oneDNN conv2d"
                        : "transposed im2col + GEMM where K <= " + GEMM_FORWARD_MAX_K + ", else oneDNN conv2d";
        String backward = gemmBackward
                ? "weights-only: host delta+bias pass + GEMM; full: oneDNN conv2d_bp, bias summed on the host"
                : "weights-only: relu_bp + im2col + GEMM, bias by ND4J reductions; full: oneDNN conv2d_bp";
        return "forward: " + forward + " (-D" + GEMM_FORWARD_PROPERTY + "=" + f + "); backward " + backward + " (-D"
                + GEMM_BACKWARD_PROPERTY + "=" + gemmBackward + "); " + splitDescription();
    }

    /** The split rule of the passes, e.g. "passes split over 2 host threads from 67108864 multiply-adds (-D...)". */
    static String splitDescription() {
        return "passes split over " + HostThreads.maxParts() + " host threads from " + LayerSplitRules.CONV_MIN_MACS
                + " multiply-adds B*P*K*F (-D" + LayerSplitRules.CONV_MIN_MACS_PROPERTY + ") or "
                + LayerSplitRules.CONV_MIN_OUTPUTS + " outputs B*P*F (-D" + LayerSplitRules.CONV_MIN_OUTPUTS_PROPERTY
                + ")";
    }

    /** For tests: the forward setting ("auto", "true", "false"). */
    static void useGemmForward(String setting) {
        gemmForward = setting;
    }

    private static boolean gemmForward(Geometry g) {
        String s = gemmForward;
        return "true".equals(s) || (!"false".equals(s) && g.k() <= GEMM_FORWARD_MAX_K);
    }

    /**
     * Whether a pass over {@code g} with {@code f} output channels is split over the host threads: from
     * {@link LayerSplitRules#CONV_MIN_MACS} multiply-adds B·P·K·F or {@link LayerSplitRules#CONV_MIN_OUTPUTS} output
     * elements B·P·F; the transposed convolution asks the same of the convolution it inverts.
     */
    static boolean splits(Geometry g, int f) {
        long outputs = (long) g.b() * g.p() * f;
        return outputs * g.k() >= LayerSplitRules.CONV_MIN_MACS || outputs >= LayerSplitRules.CONV_MIN_OUTPUTS;
    }

    private transient Geometry geometry;
    private transient int[] map; // [P·K] offsets into one example's [C, H, W] block, -1 where padded
    private transient int[][] inverse; // map inverted: for each input offset, the im2col cells holding it
    private transient INDArray cols; // [B·P, K], detached, reused
    private transient INDArray colsInput; // the input array cols was built from in a training forward pass
    private transient INDArray dcols; // [B·P, K], detached, reused
    private transient INDArray major; // [F, B·P], detached, reused: δ channel-major (backpropWeightsGemm)
    private transient INDArray colsT; // [K, B·P], detached, reused: the im2col matrix transposed
    private transient int[] mapT; // map transposed: [K·P]
    private transient int[] runs; // for each (k, output row): the input offset of a contiguous run, or -1
    private transient boolean zCopied; // preOutputGemm wrote zCache for this training forward pass
    private transient INDArray colsTInput; // the input colsT was built from in a training forward pass
    private transient INDArray zMajor; // [F, B·P], detached, reused: the forward product channel-major
    private transient INDArray rows; // [B·P, F], detached, reused: z before the NCHW layout, and δ after it
    private transient java.util.Map<String, INDArray[]> partials; // per-part gradient shares, detached, reused
    private transient HostKernels[] kernels; // one per thread

    public FastConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** One input shape's convolution arithmetic; p = output positions per example, k = C·K_h·K_w. */
    record Geometry(
            int b, int c, int h, int w, int kh, int kw, int sh, int sw, int padTop, int padLeft, int oh, int ow) {
        int p() {
            return oh * ow;
        }

        int k() {
            return c * kh * kw;
        }

        boolean sameAs(Geometry o) {
            return o != null && equals(o);
        }

        /**
         * The convolution over {@code input} [B, C, H, W] with {@code channels} input channels, or (transposed) the
         * convolution a transposed convolution of {@code input} inverts, whose output positions are the input's and
         * whose input is the transposed convolution's output. Same mode pads as DL4J does; the column matrix [B·P, K]
         * must stay below 2^31 elements.
         */
        static Geometry of(
                org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf,
                ConvolutionMode mode,
                INDArray input,
                int channels,
                boolean transposed,
                String name) {
            int[] kernel = conf.getKernelSize();
            int[] strides = conf.getStride();
            int[] dilation = conf.getDilation();
            int[] in = {(int) input.size(2), (int) input.size(3)};
            boolean same = mode == ConvolutionMode.Same;
            int[] given = same ? null : conf.getPadding();
            int[] out = transposed
                    ? ConvolutionUtils.getDeconvolutionOutputSize(
                            input, kernel, strides, given, mode, dilation, CNN2DFormat.NCHW)
                    : ConvolutionUtils.getOutputSize(input, kernel, strides, given, mode, dilation, CNN2DFormat.NCHW);
            int[] image = transposed ? out : in; // the convolution's input and output sizes
            int[] positions = transposed ? in : out;
            int[] pad = same
                    ? ConvolutionUtils.getSameModeTopLeftPadding(positions, image, kernel, strides, dilation)
                    : given;
            Geometry g = new Geometry(
                    (int) input.size(0),
                    channels,
                    image[0],
                    image[1],
                    kernel[0],
                    kernel[1],
                    strides[0],
                    strides[1],
                    pad[0],
                    pad[1],
                    positions[0],
                    positions[1]);
            if ((long) g.b() * g.p() * g.k() > Integer.MAX_VALUE - 8) {
                throw new DL4JInvalidInputException(name + ": the column (im2col) matrix [" + (long) g.b() * g.p()
                        + ", " + g.k() + "] exceeds 2^31 elements; use a smaller minibatch");
            }
            return g;
        }
    }

    private boolean fastPath() {
        return helper == null && ConvBuffers.hostPath(layerConf(), dataType, input);
    }

    private Geometry geometry(long nOut) {
        long inDepth = layerConf().getNIn();
        ConvBuffers.checkInput(input, inDepth, layerName());
        Geometry g = Geometry.of(layerConf(), convolutionMode, input, (int) inDepth, false, layerName());
        if (!g.sameAs(geometry)) {
            geometry = g;
            map = indexMap(g);
            mapT = HostKernels.transpose(map, g.p());
            runs = HostKernels.runs(mapT, g.oh(), g.ow());
            inverse = HostKernels.invert(map, g.c() * g.h() * g.w());
        }
        return g;
    }

    private String layerName() {
        String n = layerConf().getLayerName();
        return LayerWiring.describe("FastConvolution2D", n, index);
    }

    /** For output position p (row-major over O_h × O_w) and column k (c, i, j): the input offset, or -1 (padding). */
    static int[] indexMap(Geometry g) {
        int[] map = new int[g.p() * g.k()];
        int n = 0;
        for (int r = 0; r < g.oh(); r++) {
            for (int q = 0; q < g.ow(); q++) {
                for (int ch = 0; ch < g.c(); ch++) {
                    for (int i = 0; i < g.kh(); i++) {
                        int row = r * g.sh() - g.padTop() + i;
                        for (int j = 0; j < g.kw(); j++) {
                            int col = q * g.sw() - g.padLeft() + j;
                            map[n++] = row >= 0 && row < g.h() && col >= 0 && col < g.w()
                                    ? (ch * g.h() + row) * g.w() + col
                                    : -1;
                        }
                    }
                }
            }
        }
        return map;
    }

    private INDArray detached(INDArray reuse, long rows, long columns) {
        return ConvBuffers.detached(reuse, dataType, rows, columns);
    }

    /** Runs {@code task} over the batch, split over the host threads when that pays; returns the parts used. */
    private int split(Geometry g, int f, HostThreads.Part task) {
        kernels = ConvBuffers.perThread(kernels, dataType);
        return HostThreads.split(g.b(), splits(g, f), task);
    }

    private static INDArray rowBlock(INDArray a, long from, long to) {
        return ConvBuffers.rowBlock(a, from, to);
    }

    private transient INDArray zInput; // the input zCache was computed from (oneDNN path)
    private transient INDArray zCache; // detached copy of z before the activation (oneDNN path)
    private transient INDArray zBuffer; // [B, F·P], detached, reused: holds zCache
    private transient INDArray deltaBuffer; // [B, F·P], detached, reused: δ of the fused ReLU backward pass
    private transient boolean skipInputGradient;

    /** DL4J's plain ReLU (no threshold, cap or negative slope): its backward pass runs fused. */
    private static final ActivationReLU PLAIN_RELU = new ActivationReLU();

    @Override
    public void skipInputGradient(boolean skip) {
        skipInputGradient = skip;
    }

    /**
     * δ = ∂L/∂z [B, F, O_h, O_w] (c order) from z and the gradient of the activations: a plain ReLU as one host pass
     * split over the threads (into a reused buffer), any other activation through DL4J's own backward pass.
     */
    private INDArray delta(INDArray z, INDArray epsilon, Geometry g, int f) {
        IActivation afn = layerConf().getActivationFn();
        if (!PLAIN_RELU.equals(afn)
                || z.dataType() != dataType
                || epsilon.dataType() != dataType
                || z.length() != epsilon.length()) {
            return ConvBuffers.contiguous(afn.backprop(z, epsilon).getFirst());
        }
        INDArray zc = ConvBuffers.contiguous(z);
        INDArray ec = ConvBuffers.contiguous(epsilon);
        int per = f * g.p();
        INDArray d = deltaBuffer = detached(deltaBuffer, g.b(), per);
        split(g, f, (t, e0, e1) -> kernels[t].reluBackward(zc, ec, (long) e0 * per, (e1 - e0) * per, d));
        return d.reshape('c', g.b(), f, g.oh(), g.ow());
    }

    /**
     * The weight and bias gradients only (no input gradient: {@link #skipInputGradient}), from δ [B, F, O_h, O_w]:
     * im2col of the input, δ as [B·P, F], and dW = δᵀ · cols, a part of the batch per host thread; ε is zeros.
     */
    private Pair<Gradient, INDArray> backpropWeightsOnly(
            INDArray delta, Geometry g, int f, INDArray weightGrad, LayerWorkspaceMgr mgr) {
        long n = (long) g.b() * g.p();
        int block = g.c() * g.h() * g.w();
        INDArray x = ConvBuffers.contiguous(input);
        INDArray c = cols = detached(cols, n, g.k());
        colsInput = null;
        INDArray d2 = rows = detached(rows, n, f);
        INDArray dw = weightGrad.reshape('c', f, g.k());
        INDArray[] dwPart = partials("host-dW", new long[] {f, g.k()});
        int parts = split(g, f, (t, e0, e1) -> {
            long r0 = (long) e0 * g.p();
            long r1 = (long) e1 * g.p();
            kernels[t].im2col(x, map, block, e0, e1, c);
            kernels[t].toChannelsLast(delta, g.p(), f, e0, e1, d2);
            Nd4j.gemm(rowBlock(d2, r0, r1), rowBlock(c, r0, r1), t == 0 ? dw : dwPart[t], true, false, 1.0, 0.0);
        });
        for (int t = 1; t < parts; t++) {
            dw.addi(dwPart[t]);
        }
        Gradient gradient = ConvBuffers.gradient(
                layerConf(),
                gradientViews,
                weightGrad,
                () -> delta.reshape('c', g.b(), f, g.p()).sum(2).sum(0));
        weightNoiseParams.clear();
        INDArray eps = mgr.create(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
        return new Pair<>(gradient, backpropDropOutIfPresent(eps));
    }

    /**
     * The weight and bias gradients only (the input gradient skipped: {@link #skipInputGradient}) from z and ∂L/∂a,
     * a part of the batch per host thread: δ (a plain ReLU's mask fused in) as the channel-major D [F, B·P] with its
     * row sums (the bias gradient, each thread's in fixed lanes), the transposed im2col matrix [K, B·P] of the input,
     * and ∂W = D · colsᵀ, each thread's share summed afterwards; ε is zeros. Replaces libnd4j's relu_bp, the
     * im2col + transposition of {@link #backpropWeightsOnly} and its two ND4J reductions for the bias.
     */
    private Pair<Gradient, INDArray> backpropWeightsGemm(
            INDArray z, INDArray epsilon, Geometry g, int f, LayerWorkspaceMgr mgr) {
        IActivation afn = layerConf().getActivationFn();
        boolean fused = PLAIN_RELU.equals(afn)
                && z.dataType() == dataType
                && epsilon.dataType() == dataType
                && z.length() == epsilon.length();
        INDArray zc = fused ? ConvBuffers.contiguous(z) : null;
        INDArray d = ConvBuffers.contiguous(
                fused ? epsilon : afn.backprop(z, epsilon).getFirst());
        long n = (long) g.b() * g.p();
        int block = g.c() * g.h() * g.w();
        INDArray x = ConvBuffers.contiguous(input);
        boolean kept = colsTInput == input && colsT != null && colsT.size(1) == n; // the forward pass's im2col
        INDArray ct = kept ? colsT : (colsT = detached(colsT, g.k(), n));
        colsTInput = null;
        INDArray dm = major = detached(major, f, n);
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray dw = weightGrad.reshape('c', f, g.k());
        INDArray[] dwPart = partials("host-dW", new long[] {f, g.k()});
        boolean hasBias = layerConf().hasBias();
        INDArray[] db = hasBias ? partials("gemm-db", new long[] {f}) : null;
        long t0 = System.nanoTime();
        int parts = split(g, f, (t, e0, e1) -> {
            long r0 = (long) e0 * g.p();
            long r1 = (long) e1 * g.p();
            long s0 = System.nanoTime();
            if (!kept) {
                kernels[t].im2colT(x, mapT, runs, g.p(), block, g.b(), e0, e1, ct);
            }
            long s1 = System.nanoTime();
            kernels[t].toChannelsMajor(zc, d, g.p(), f, g.b(), e0, e1, dm, hasBias ? db[t] : null);
            long s2 = System.nanoTime();
            boolean whole = r0 == 0 && r1 == n;
            INDArray dBlock = whole ? dm : dm.get(NDArrayIndex.all(), NDArrayIndex.interval(r0, r1));
            INDArray cBlock = whole ? ct : ct.get(NDArrayIndex.all(), NDArrayIndex.interval(r0, r1));
            product(dBlock, cBlock, t == 0 ? dw : dwPart[t], false, true);
            if (ConvProfile.ON) {
                long s3 = System.nanoTime();
                ConvProfile.add(index, "backward[" + t + "] im2colT", s0, s1);
                ConvProfile.add(index, "backward[" + t + "] delta+bias", s1, s2);
                ConvProfile.add(index, "backward[" + t + "] dW gemm", s2, s3);
            }
        });
        long t1 = System.nanoTime();
        ConvProfile.add(index, "backward split", t0, t1);
        for (int t = 1; t < parts; t++) {
            dw.addi(dwPart[t]);
        }
        Gradient gradient = new DefaultGradient();
        if (hasBias) {
            INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
            INDArray b = biasGrad.reshape(f).assign(db[0]);
            for (int t = 1; t < parts; t++) {
                b.addi(db[t]);
            }
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
        ConvProfile.add(index, "backward sums", t1);
        weightNoiseParams.clear();
        INDArray eps = mgr.create(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
        return new Pair<>(gradient, backpropDropOutIfPresent(eps));
    }

    private transient INDArray biasGradPart;

    /**
     * C = op(A)·op(B) into c through {@link DirectGemm}; where that would fall back to {@code Nd4j.gemm} (DOUBLE, or
     * the direct call off) and c is a view (which Nd4j.gemm refuses), through a new array copied into c.
     */
    private static void product(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB) {
        if (c.isView() && !(DirectGemm.direct() && c.dataType() == DataType.FLOAT)) {
            c.assign(Nd4j.gemm(a, b, transA, transB));
        } else {
            DirectGemm.gemm(a, b, c, transA, transB);
        }
    }

    /**
     * libnd4j conv2d integer arguments: kernel, stride, padding, dilation, same mode, NCHW, weights [kH, kW, C, F]
     * (oneDNN's fast layout here: 8.6 ms against 11.7 ms with DL4J's [F, C, kH, kW] for the sheet CNN's two layers).
     */
    private int[] opArgs(Geometry g) {
        int[] k = layerConf().getKernelSize();
        int[] st = layerConf().getStride();
        return new int[] {
            k[0],
            k[1],
            st[0],
            st[1],
            g.padTop(),
            g.padLeft(),
            1,
            1,
            convolutionMode == ConvolutionMode.Same ? 1 : 0,
            0,
            0
        };
    }

    private static INDArray examples(INDArray a, int e0, int e1) {
        return a.get(NDArrayIndex.interval(e0, e1), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /**
     * z = W · im2col(x)ᵀ + b as NCHW, a part of the batch per host thread: the transposed im2col matrix [K, B·P]
     * (kept for the backward pass of a training input), one product into the channel-major [F, B·P], then the
     * layout change with the bias added.
     */
    private INDArray preOutputGemm(Geometry g, INDArray weights, boolean training, LayerWorkspaceMgr mgr) {
        int f = (int) weights.size(0);
        long n = (long) g.b() * g.p();
        int block = g.c() * g.h() * g.w();
        INDArray x = ConvBuffers.contiguous(input);
        INDArray bias = layerConf().hasBias()
                ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, mgr)
                        .reshape(f)
                : null;
        INDArray ct = colsT = detached(colsT, g.k(), n);
        colsTInput = null;
        INDArray zm = zMajor = detached(zMajor, f, n);
        INDArray w2 = weights.reshape('c', f, g.k());
        INDArray z =
                mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {g.b(), f, g.oh(), g.ow()}, 'c');
        // training: z also into zBuffer (the activation overwrites z in place; the backward pass needs it)
        INDArray zc = training ? (zBuffer = detached(zBuffer, g.b(), (long) f * g.p())) : null;
        split(g, f, (t, e0, e1) -> {
            long r0 = (long) e0 * g.p();
            long r1 = (long) e1 * g.p();
            long s0 = System.nanoTime();
            kernels[t].im2colT(x, mapT, runs, g.p(), block, g.b(), e0, e1, ct);
            long s1 = System.nanoTime();
            boolean whole = r0 == 0 && r1 == n;
            product(
                    w2,
                    whole ? ct : ct.get(NDArrayIndex.all(), NDArrayIndex.interval(r0, r1)),
                    whole ? zm : zm.get(NDArrayIndex.all(), NDArrayIndex.interval(r0, r1)),
                    false,
                    false);
            long s2 = System.nanoTime();
            kernels[t].fromChannelsMajor(zm, bias, g.p(), f, g.b(), e0, e1, z, zc);
            if (ConvProfile.ON) {
                long s3 = System.nanoTime();
                ConvProfile.add(index, "forward[" + t + "] im2colT", s0, s1);
                ConvProfile.add(index, "forward[" + t + "] gemm", s1, s2);
                ConvProfile.add(index, "forward[" + t + "] layout+bias", s2, s3);
            }
        });
        colsTInput = training ? input : null;
        zCopied = training;
        return z;
    }

    /** z = conv2d(x, W) + b through libnd4j's op (oneDNN), a part of the batch per host thread. */
    private INDArray preOutputNative(boolean training, LayerWorkspaceMgr mgr) {
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, mgr);
        Geometry g = geometry(weights.size(0));
        if (gemmForward(g)) {
            return preOutputGemm(g, weights, training, mgr);
        }
        int f = (int) weights.size(0);
        INDArray x = ConvBuffers.contiguous(input);
        INDArray bias = layerConf().hasBias()
                ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, mgr)
                        .reshape(f)
                : null;
        INDArray z =
                mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {g.b(), f, g.oh(), g.ow()}, 'c');
        int[] args = opArgs(g);
        INDArray w = hwcf(weights);
        split(g, f, (t, e0, e1) -> {
            DynamicCustomOp.DynamicCustomOpsBuilder op =
                    DynamicCustomOp.builder("conv2d").addIntegerArguments(args).addOutputs(examples(z, e0, e1));
            if (bias != null) {
                op.addInputs(examples(x, e0, e1), w, bias);
            } else {
                op.addInputs(examples(x, e0, e1), w);
            }
            Nd4j.exec(op.build());
        });
        return z;
    }

    private Pair<Gradient, INDArray> backpropNative(INDArray epsilon, LayerWorkspaceMgr mgr) {
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, mgr);
        INDArray z = zInput == input && zCache != null ? zCache : preOutputNative(true, mgr);
        zCache = null;
        zInput = null;
        Geometry g = geometry(weights.size(0));
        int f = (int) weights.size(0);
        if (gemmBackward && skipInputGradient) {
            return backpropWeightsGemm(z, epsilon, g, f, mgr);
        }
        long t0 = System.nanoTime();
        INDArray delta = delta(z, epsilon, g, f);
        ConvProfile.add(index, "backward relu", t0);
        if (skipInputGradient) {
            return backpropWeightsOnly(delta, g, f, gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY), mgr);
        }
        INDArray x = ConvBuffers.contiguous(input);
        boolean hasBias = layerConf().hasBias();
        INDArray bias = hasBias
                ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, mgr)
                        .reshape(f)
                : null;
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray biasGrad = hasBias ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
        long[] hwcfShape = {weightGrad.size(2), weightGrad.size(3), weightGrad.size(1), weightGrad.size(0)};
        INDArray[] dw = partials("onednn-dW", hwcfShape);
        // with the host passes on, the bias gradient is summed on the host as the weights-only pass sums it
        boolean hostBias = hasBias && gemmBackward;
        INDArray[] db = hasBias ? partials(hostBias ? "gemm-db" : "onednn-db", new long[] {f}) : null;
        INDArray eps = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
        int[] args = opArgs(g);
        INDArray w = hwcf(weights);
        long t1 = System.nanoTime();
        int parts = split(g, f, (t, e0, e1) -> {
            DynamicCustomOp.DynamicCustomOpsBuilder op =
                    DynamicCustomOp.builder("conv2d_bp").addIntegerArguments(args);
            if (hostBias) {
                kernels[t].channelSums(delta, g.p(), f, e0, e1, db[t]);
            }
            if (hasBias && !hostBias) {
                op.addInputs(examples(x, e0, e1), w, bias, examples(delta, e0, e1))
                        .addOutputs(examples(eps, e0, e1), dw[t], db[t]);
            } else {
                op.addInputs(examples(x, e0, e1), w, examples(delta, e0, e1)).addOutputs(examples(eps, e0, e1), dw[t]);
            }
            Nd4j.exec(op.build());
        });
        ConvProfile.add(index, "backward conv2d_bp", t1);
        // dw is [kH, kW, C, F]: back to DL4J's [F, C, kH, kW]
        for (int t = 1; t < parts; t++) {
            dw[0].addi(dw[t]);
        }
        weightGrad.assign(dw[0].permute(3, 2, 0, 1));
        Gradient gradient = new DefaultGradient();
        if (hasBias) {
            INDArray b = biasGrad.reshape(f).assign(db[0]); // the same order of additions as backpropWeightsGemm
            for (int t = 1; t < parts; t++) {
                b.addi(db[t]);
            }
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
        weightNoiseParams.clear();
        return new Pair<>(gradient, backpropDropOutIfPresent(eps));
    }

    /** One detached array of {@code shape} per host thread (a part's share of a gradient), reused across calls. */
    private INDArray[] partials(String key, long[] shape) {
        if (partials == null) {
            partials = new java.util.HashMap<>();
        }
        INDArray[] a = ConvBuffers.perThread(partials.get(key), dataType, shape);
        partials.put(key, a);
        return a;
    }

    /** DL4J's weights [F, C, kH, kW] as a c-order [kH, kW, C, F] copy. */
    private static INDArray hwcf(INDArray weights) {
        return weights.permute(2, 3, 1, 0).dup('c');
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        if (!fastPath()) {
            return super.preOutput(training, forBackprop, mgr);
        }
        long t0 = System.nanoTime();
        if (oneDnn) {
            zCopied = false;
            INDArray z = preOutputNative(training, mgr);
            ConvProfile.add(index, "forward conv", t0);
            if (training && zCopied) { // preOutputGemm wrote the copy
                zCache = zBuffer.reshape('c', z.shape());
                zInput = input;
            } else if (training) { // the activation overwrites z in place: keep z for the backward pass
                long t1 = System.nanoTime();
                zBuffer = detached(zBuffer, z.size(0), z.length() / z.size(0));
                zCache = zBuffer.reshape('c', z.shape()).assign(z);
                zInput = input;
                ConvProfile.add(index, "forward z copy", t1);
            }
            return new Pair<>(z, null);
        }
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, mgr);
        Geometry g = geometry(weights.size(0));
        long n = (long) g.b() * g.p();
        int f = (int) weights.size(0);
        int block = g.c() * g.h() * g.w();
        boolean reuse = forBackprop && colsInput == input && cols != null; // im2col of this input already done
        INDArray x =
                reuse || (input.ordering() == 'c' && Shape.hasDefaultStridesForShape(input)) ? input : input.dup('c');
        INDArray c = reuse ? cols : detached(colsInput == null ? cols : null, n, g.k());
        INDArray w2 = weights.reshape('c', f, g.k());
        INDArray bias =
                layerConf().hasBias() ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, mgr) : null;
        INDArray r = rows = detached(rows, n, f);
        INDArray z =
                mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {g.b(), f, g.oh(), g.ow()}, 'c');
        split(g, f, (t, e0, e1) -> {
            if (!reuse) {
                kernels[t].im2col(x, map, block, e0, e1, c);
            }
            long r0 = (long) e0 * g.p();
            long r1 = (long) e1 * g.p();
            Nd4j.gemm(rowBlock(c, r0, r1), w2, rowBlock(r, r0, r1), false, true, 1.0, 0.0);
            kernels[t].toChannelsFirst(r, bias, g.p(), f, e0, e1, z);
        });
        if (!reuse) {
            cols = c;
            colsInput = training ? input : null;
        }
        ConvProfile.add(index, forBackprop ? "backward z" : "forward conv", t0);
        return new Pair<>(z, forBackprop ? c : null);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        if (!fastPath()) {
            return super.backpropGradient(epsilon, mgr);
        }
        if (oneDnn) {
            long t0 = System.nanoTime();
            Pair<Gradient, INDArray> r = backpropNative(epsilon, mgr);
            ConvProfile.add(index, "backward", t0);
            return r;
        }
        long t0 = System.nanoTime();
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, mgr);
        Pair<INDArray, INDArray> p = preOutput(true, true, mgr);
        Geometry g = geometry;
        int f = (int) weights.size(0);
        long n = (long) g.b() * g.p();
        int block = g.c() * g.h() * g.w();
        INDArray delta = delta(p.getFirst(), epsilon, g, f);
        INDArray c = p.getSecond();
        INDArray d2 = rows = detached(rows, n, f);
        INDArray w2 = weights.reshape('c', f, g.k());
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray dw = weightGrad.reshape('c', f, g.k());
        INDArray[] dwPart = partials("host-dW", new long[] {f, g.k()});
        boolean skip = skipInputGradient;
        INDArray dc = skip ? null : (dcols = detached(dcols, n, g.k()));
        INDArray eps = skip
                ? mgr.create(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c')
                : mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
        int parts = split(g, f, (t, e0, e1) -> {
            long r0 = (long) e0 * g.p();
            long r1 = (long) e1 * g.p();
            kernels[t].toChannelsLast(delta, g.p(), f, e0, e1, d2);
            INDArray dRows = rowBlock(d2, r0, r1);
            Nd4j.gemm(dRows, rowBlock(c, r0, r1), t == 0 ? dw : dwPart[t], true, false, 1.0, 0.0);
            if (!skip) {
                Nd4j.gemm(dRows, w2, rowBlock(dc, r0, r1), false, false, 1.0, 0.0);
                kernels[t].col2im(dc, inverse, map.length, e0, e1, eps);
            }
        });
        for (int t = 1; t < parts; t++) {
            dw.addi(dwPart[t]);
        }
        Gradient gradient = ConvBuffers.gradient(layerConf(), gradientViews, weightGrad, () -> d2.sum(0));
        colsInput = null;
        weightNoiseParams.clear();
        ConvProfile.add(index, "backward", t0);
        return new Pair<>(gradient, backpropDropOutIfPresent(eps));
    }

    @Override
    public void clear() {
        super.clear();
        colsInput = null;
        colsTInput = null;
        zInput = null;
        zCache = null;
    }
}
