package org.sheetlab.train.fast;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.sheetlab.core.threads.DirectGemm;
import org.sheetlab.core.threads.HostThreads;
import org.sheetlab.train.TrainingStep;

/**
 * A training step for the sheet's dense classifiers (Final Q5: Dense(ReLU) … → Dense(softmax) with categorical
 * cross-entropy, Adam), written as the sheet's backprop with no per-step allocation of the large arrays: the forward
 * pass z_l = a_{l−1} W_l + b_l, a_l = ReLU(z_l), p = softmax(z_L); the backward pass δ_L = (p − y)/B,
 * ∂W_l = a_{l−1}ᵀ δ_l, ∂b_l = Σ_rows δ_l, δ_{l−1} = (δ_l W_lᵀ) ⊙ 1[a_{l−1} > 0]; and Adam over the flat parameter
 * vector, m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − α_t m/(√v + ε) with α_t = η √(1−β₂ᵗ)/(1−β₁ᵗ).
 *
 * <p>It works on the {@link MultiLayerNetwork}'s own parameter and Adam state arrays (it keeps m and v on the heap
 * between steps and writes them back whenever {@link #networks()} or {@link #network()} hands the network out, which
 * is how the harness reaches it for checkpoints, evaluation and {@code model.zip}) (DL4J's flat layout: per layer
 * W [n_in, n_out] in 'f' order then b; the updater view holds m then v), and keeps the network's iteration count, so
 * the network stays the source of truth: checkpoints, {@code model.zip}, evaluation and a resumed run see exactly what
 * this step trained, and {@code fit} can take over at any batch. It computes what {@code fit} computes up to float
 * rounding (checked against it in the tests); every 100 steps values of m and v below 1e-30 are flushed to zero, which
 * {@code fit} does not do (denormal arithmetic is 100× slower on x86 and such values change no update in float).
 *
 * <p>Supported: FLOAT networks of {@link DenseLayer}s with ReLU or identity activations and one {@link OutputLayer}
 * with softmax and {@link LossMCXENT} (no weights), the same {@link Adam} configuration on every layer, no dropout,
 * no regularisation, no gradient normalisation. {@link #unsupported} says why a network is not; use
 * {@link org.sheetlab.train.NetworkStep} for it. Shapes: features [B, n_in], one-hot labels [B, K].
 */
public final class DenseAdamStep implements TrainingStep {
    public static final String NAME = "network";
    private static final float FLUSH = 1e-30f;
    /**
     * Steps between flushes: m decays by at most β₁ = 0.9 per step, so a value above 1e-30 stays above the smallest
     * normal float (1.2e-38) for more than 100 steps; the update loop itself stays branch-free.
     */
    private static final int FLUSH_EVERY = 100;

    private MultiLayerNetwork net;
    private Adam adam;
    private int[] sizes; // n_0 = n_in, n_1, …, n_L
    private boolean[] relu;
    private INDArray[] w;
    private INDArray[] b;
    private INDArray grad; // flat, the parameters' layout
    private INDArray[] gw;
    private FloatBuffer mBuf; // the updater's state view (m then v), read at bind and written by syncState
    private ByteBuffer pBytes; // the flat parameters, native order: the kernels work in place on ND4J's buffers
    private ByteBuffer gBytes; // the flat gradient
    private float[] m; // Adam moments on the heap (bulk loops), written back to the updater view by networks()
    private float[] v;
    private float[] row = new float[0]; // one row of the output layer, in the softmax
    private int[] wOff;
    private int[] bOff;
    private int mOffset;
    private int vOffset;
    private int n;
    private final Map<Integer, Buffers> buffers = new HashMap<>();
    private int blasThreadsBefore = -1; // OpenBLAS's thread count before this step changed it, or -1

    /** The thread count each product of this step passes to {@link DirectGemm} (oneDNN's OpenMP threads). */
    private int gemmThreads = 1;

    /**
     * With {@code -Dsheetlab.fast.profile=true} ({@value #PROFILE_PROPERTY}) every step adds the nanoseconds of each
     * of its parts ({@link #PROFILE_PARTS}, per layer) to {@link #profileMs()}; off by default (the checks then cost
     * nothing: the flag is a constant the JIT folds).
     */
    public static final String PROFILE_PROPERTY = "sheetlab.fast.profile";

    static final boolean PROFILE = Boolean.getBoolean(PROFILE_PROPERTY);

    /** The parts a profiled step is cut into, in step order; the GEMMs are the first three kinds. */
    public static final List<String> PROFILE_PARTS = List.of(
            "forward GEMM",
            "input-gradient GEMM",
            "weight-gradient GEMM",
            "bias+activation",
            "softmax+loss+delta",
            "bias gradient",
            "ReLU mask",
            "Adam");

    private static final int P_FWD = 0;
    private static final int P_DELTA = 1;
    private static final int P_DW = 2;
    private static final int P_BIAS_ACT = 3;
    private static final int P_SOFTMAX = 4;
    private static final int P_COLSUM = 5;
    private static final int P_MASK = 6;
    private static final int P_ADAM = 7;
    private long[][] profile = new long[PROFILE_PARTS.size()][0];
    private long profileSteps;

    /**
     * GEMMs of at least this many multiply-adds are split by output columns over the host threads (each part a
     * single-threaded BLAS call on its own core); smaller ones run whole, where handing work over costs more than it
     * saves.
     */
    static final long SPLIT_MIN_MACS = 4_000_000L;

    /** Adam passes over at least this many parameters are split into ranges over the host threads. */
    static final int SPLIT_MIN_PARAMETERS = 65_536;

    /** The fewest multiply-adds one column block of a split GEMM gets (about 10 µs of one core's BLAS). */
    static final long MIN_MACS_PER_PART = 1_000_000L;

    /** The fewest output columns one column block of a split GEMM gets (a few of OpenBLAS's 16-wide kernel panels). */
    static final int MIN_COLUMNS_PER_PART = 32;

    /** The fewest parameters one part of a split Adam pass gets. */
    static final int MIN_PARAMETERS_PER_PART = 32_768;

    /**
     * Whether the element passes run the Vector API kernels ({@link DenseVectorKernels}): the JVM has
     * {@code jdk.incubator.vector} and {@code -Dsheetlab.fast.vectorApi=false} is not set; else the scalar loops of
     * {@link DenseScalarKernels}, which give the same results (the column sums up to float rounding).
     */
    public static final boolean VECTOR_API =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                    && !"false".equals(System.getProperty("sheetlab.fast.vectorApi"));

    /**
     * The system property ({@code -Dsheetlab.fast.denseGemm=auto|blas|split}, read when a step is made) that picks how
     * the step's products use the cores. {@code blas} runs each product as one cblas_sgemm on OpenBLAS's own threads,
     * {@link #parts} of them, and the Adam pass on the calling thread; OpenBLAS's thread count is set at the first such
     * step and put back whenever the network is handed out ({@link #releaseBlasThreads()}). {@code split} cuts the
     * large products into column blocks over {@link HostThreads}, each one single-threaded BLAS call, and splits Adam
     * the same way (the step before 2026-12-06). {@code auto} (the default) takes {@code blas} for a batch size whose
     * largest product has at least {@link #BLAS_THREADS_MIN_MACS} multiply-adds, else {@code split}. With one part
     * all are the same. Measured on the 2-vCPU Xeon (final-q5, busy machine, back to back): at batch 512 the step took
     * 3.7–4.0 ms with {@code blas} against 4.4–4.5 with {@code split}; in isolation OpenBLAS's own two threads ran the
     * 512×784×300 products in 0.86 ms against 0.93–0.97 for the column split and the 300→100 layer's in 0.14 against
     * 0.31 (its 50-column blocks are slower than one thread's whole product, 0.20), and the Adam pass took 0.16–0.18
     * ms on one thread against 0.24–0.35 split. At batch 32 {@code split} was faster (30,800 / 36,200 samples/s
     * against 26,600 / 29,500: OpenBLAS also threads the small products), at batch 128 {@code blas} (80,700 / 81,800
     * against 77,600 / 76,900). The modes give the same results up to float
     * rounding (OpenBLAS's threads partition a product their own way), and each repeats itself bit for bit. Any other
     * value is an IllegalArgumentException naming it.
     */
    public static final String GEMM_PROPERTY = "sheetlab.fast.denseGemm";

    /** The values of {@link #GEMM_PROPERTY}. */
    public enum GemmMode {
        AUTO,
        BLAS,
        SPLIT
    }

    /**
     * {@code auto}'s rule: a batch size whose largest product (rows × n_in × n_out) has at least this many
     * multiply-adds runs on OpenBLAS's threads (final-q5: batch 512's 120M and batch 128's 30M do, batch 32's 7.5M does
     * not).
     */
    public static final long BLAS_THREADS_MIN_MACS = 20_000_000L;

    /** {@link #GEMM_PROPERTY} as this step read it. */
    private final GemmMode gemmMode;

    /** The rule of {@link #GEMM_PROPERTY}: null or blank → AUTO, else auto, blas or split in any case. */
    static GemmMode gemmMode(String setting) {
        if (setting == null || setting.isBlank()) {
            return GemmMode.AUTO;
        }
        for (GemmMode m : GemmMode.values()) {
            if (m.name().equalsIgnoreCase(setting.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException(GEMM_PROPERTY + " must be auto, blas or split, got '" + setting + "'");
    }

    /**
     * The most parts a split uses: {@link HostThreads#maxParts()} (cores, or {@code -Dsheetlab.threads}) or fewer when
     * asked; 1 computes everything on the calling thread. The threads are {@link HostThreads}' shared daemon pool.
     */
    private final int parts;

    private DenseAdamStep(MultiLayerNetwork net, int parts) {
        this.gemmMode = gemmMode(System.getProperty(GEMM_PROPERTY));
        bind(net);
        this.parts = Math.min(parts, HostThreads.maxParts());
    }

    /** How this step's products use the cores ({@link #GEMM_PROPERTY}). */
    public GemmMode gemmMode() {
        return gemmMode;
    }

    /** Whether batches of {@code rows} run their products on OpenBLAS's own threads ({@link #GEMM_PROPERTY}). */
    public boolean onBlasThreads(int rows) {
        if (parts < 2) {
            return false;
        }
        return switch (gemmMode) {
            case BLAS -> true;
            case SPLIT -> false;
            case AUTO -> {
                if (DirectGemm.threadsPerCall()) {
                    // oneDNN's OpenMP threads: measured far slower than the column split on the shared 2-vCPU Xeon
                    yield false;
                }
                long largest = 0;
                for (int l = 0; l + 1 < sizes.length; l++) {
                    largest = Math.max(largest, (long) rows * sizes[l] * sizes[l + 1]);
                }
                yield largest >= BLAS_THREADS_MIN_MACS;
            }
        };
    }

    /**
     * The fast step over {@code net}, its large GEMMs and Adam passes split over {@link HostThreads} (as many threads
     * as cores, or {@code -Dsheetlab.threads}); an IllegalArgumentException names what the network has that it does
     * not support.
     */
    public static DenseAdamStep of(MultiLayerNetwork net) {
        return of(net, HostThreads.maxParts());
    }

    /**
     * The fast step with the large GEMMs and Adam passes split into at most {@code threads} parts (1 = the calling
     * thread only), and never more than {@link HostThreads#maxParts()}.
     */
    public static DenseAdamStep of(MultiLayerNetwork net, int threads) {
        unsupported(net).ifPresent(why -> {
            throw new IllegalArgumentException("DenseAdamStep: " + why + "; train this network with NetworkStep");
        });
        if (threads < 1) {
            throw new IllegalArgumentException("DenseAdamStep: threads must be >= 1, got " + threads);
        }
        return new DenseAdamStep(net, threads);
    }

    /** The most parts this step splits its GEMMs and Adam passes into. */
    public int parts() {
        return parts;
    }

    /** Why this step cannot train {@code net}, or empty when it can. */
    public static Optional<String> unsupported(MultiLayerNetwork net) {
        if (net.params() == null) {
            return Optional.of("the network is not initialised (call init())");
        }
        if (net.params().dataType() != DataType.FLOAT) {
            return Optional.of("it needs a FLOAT network, got " + net.params().dataType());
        }
        List<NeuralNetConfiguration> confs = net.getLayerWiseConfigurations().getConfs();
        if (!net.getLayerWiseConfigurations().getInputPreProcessors().isEmpty()) {
            return Optional.of("input preprocessors are not supported");
        }
        Object firstUpdater = null;
        for (int i = 0; i < confs.size(); i++) {
            Layer l = confs.get(i).getLayer();
            boolean last = i == confs.size() - 1;
            if (last ? !(l instanceof OutputLayer) : !(l instanceof DenseLayer)) {
                return Optional.of("layer " + i + " is a " + l.getClass().getSimpleName() + " (dense layers and one "
                        + "output layer only)");
            }
            BaseLayer bl = (BaseLayer) l;
            if (last) {
                OutputLayer out = (OutputLayer) l;
                if (!(out.getActivationFn() instanceof ActivationSoftmax)
                        || !(out.getLossFn() instanceof LossMCXENT mc)
                        || mc.getWeights() != null) {
                    return Optional.of("the output layer must be softmax with unweighted MCXENT");
                }
            } else if (!(bl.getActivationFn() instanceof ActivationReLU)
                    && !(bl.getActivationFn() instanceof ActivationIdentity)) {
                return Optional.of("layer " + i + " has activation " + bl.getActivationFn() + " (ReLU or identity)");
            }
            if (!(bl.getIUpdater() instanceof Adam)) {
                return Optional.of("layer " + i + " uses " + bl.getIUpdater() + " (Adam only)");
            }
            if (bl.getBiasUpdater() != null && !bl.getBiasUpdater().equals(bl.getIUpdater())) {
                return Optional.of("layer " + i + " has a separate bias updater");
            }
            if (firstUpdater == null) {
                firstUpdater = bl.getIUpdater();
            } else if (!firstUpdater.equals(bl.getIUpdater())) {
                return Optional.of("every layer must use the same Adam configuration");
            }
            if (l.getIDropout() != null
                    || !bl.getRegularization().isEmpty()
                    || !bl.getRegularizationBias().isEmpty()) {
                return Optional.of("layer " + i + " has dropout or regularisation");
            }
            if (bl.getGradientNormalization() != null
                    && bl.getGradientNormalization() != org.deeplearning4j.nn.conf.GradientNormalization.None) {
                return Optional.of("layer " + i + " normalises its gradient");
            }
            if (bl.getWeightNoise() != null) {
                return Optional.of("layer " + i + " has weight noise");
            }
        }
        return Optional.empty();
    }

    private void bind(MultiLayerNetwork network) {
        this.net = network;
        List<NeuralNetConfiguration> confs =
                network.getLayerWiseConfigurations().getConfs();
        int layers = confs.size();
        sizes = new int[layers + 1];
        relu = new boolean[layers];
        w = new INDArray[layers];
        b = new INDArray[layers];
        gw = new INDArray[layers];
        wOff = new int[layers];
        bOff = new int[layers];
        n = (int) network.numParams();
        grad = Nd4j.create(DataType.FLOAT, 1, n);
        int offset = 0;
        for (int l = 0; l < layers; l++) {
            BaseLayer conf = (BaseLayer) confs.get(l).getLayer();
            w[l] = network.getParam(l + "_W");
            b[l] = network.getParam(l + "_b");
            sizes[l] = (int) w[l].size(0);
            sizes[l + 1] = (int) w[l].size(1);
            relu[l] = conf.getActivationFn() instanceof ActivationReLU;
            int wLen = sizes[l] * sizes[l + 1];
            wOff[l] = offset;
            bOff[l] = offset + wLen;
            gw[l] = grad.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset, offset + wLen))
                    .reshape('f', sizes[l], sizes[l + 1]);
            offset += wLen + sizes[l + 1];
            if (l == 0) {
                adam = (Adam) conf.getIUpdater();
            }
        }
        INDArray params = network.params();
        INDArray state = network.getUpdater().getStateViewArray();
        if (state == null || state.length() != 2L * n || params.length() != n) {
            throw new IllegalStateException("DenseAdamStep: unexpected parameter or Adam state layout (" + n
                    + " parameters, state " + (state == null ? "none" : state.length()) + ")");
        }
        mBuf = state.data().asNioFloat();
        mOffset = (int) state.offset();
        vOffset = mOffset + n;
        buffers.clear();
        if (params.offset() != 0 || grad.offset() != 0) {
            throw new IllegalStateException("DenseAdamStep: the parameters must be the network's whole flat buffer");
        }
        pBytes = bytes(params);
        gBytes = bytes(grad);
        m = new float[n];
        v = new float[n];
        FloatBuffer in = mBuf.duplicate();
        in.position(mOffset);
        in.get(m);
        in.position(vOffset);
        in.get(v);
    }

    /** The whole off-heap buffer under {@code a} as bytes in native order (offsets are {@code a.offset()} floats). */
    private static ByteBuffer bytes(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder());
    }

    /** Writes the heap copies of Adam's m and v into the network's updater view (before it is saved or read). */
    private void syncState() {
        FloatBuffer out = mBuf.duplicate();
        out.position(mOffset);
        out.put(m);
        out.position(vOffset);
        out.put(v);
    }

    /** The network being trained (after a resume: the restored one), its updater state brought up to date. */
    public MultiLayerNetwork network() {
        releaseBlasThreads();
        syncState();
        return net;
    }

    /**
     * The arrays of one batch size, allocated on its first step and reused: activations a_l and deltas δ_l as f-order
     * [B, n_l] (element (r, c) at c·B + r), their byte views, and each split GEMM's column blocks as views made once.
     */
    private final class Buffers {
        final INDArray[] a;
        final INDArray[] d;
        final ByteBuffer[] ab;
        final ByteBuffer[] db;
        /** forward l: the column blocks of W_l and a_l; backward l: of δ_l and ∂W_l (null where not split). */
        final INDArray[][] fwdB;

        final INDArray[][] fwdC;
        final INDArray[][] bwdB;
        final INDArray[][] bwdC;

        /** Whether this batch size runs its products on OpenBLAS's threads ({@link #onBlasThreads(int)}). */
        final boolean onBlasThreads;

        Buffers(int rows) {
            onBlasThreads = onBlasThreads(rows);
            int layers = w.length;
            a = new INDArray[layers];
            d = new INDArray[layers];
            ab = new ByteBuffer[layers];
            db = new ByteBuffer[layers];
            fwdB = new INDArray[layers][];
            fwdC = new INDArray[layers][];
            bwdB = new INDArray[layers][];
            bwdC = new INDArray[layers][];
            for (int l = 0; l < layers; l++) {
                a[l] = Nd4j.create(DataType.FLOAT, new long[] {rows, sizes[l + 1]}, 'f');
                d[l] = Nd4j.create(DataType.FLOAT, new long[] {rows, sizes[l + 1]}, 'f');
                ab[l] = bytes(a[l]);
                db[l] = bytes(d[l]);
                int k = onBlasThreads ? 1 : partsFor((long) rows * sizes[l] * sizes[l + 1], sizes[l + 1]);
                if (k > 1) {
                    fwdB[l] = columnBlocks(w[l], k);
                    fwdC[l] = columnBlocks(a[l], k);
                    bwdB[l] = columnBlocks(d[l], k);
                    bwdC[l] = columnBlocks(gw[l], k);
                }
            }
        }
    }

    /** Column blocks [k·c/parts, (k+1)·c/parts) of an f-order matrix, as views (contiguous, made once). */
    private static INDArray[] columnBlocks(INDArray x, int parts) {
        long cols = x.size(1);
        INDArray[] blocks = new INDArray[parts];
        for (int k = 0; k < parts; k++) {
            long c0 = k * cols / parts;
            long c1 = (k + 1) * cols / parts;
            blocks[k] = x.get(NDArrayIndex.all(), NDArrayIndex.interval(c0, c1));
        }
        return blocks;
    }

    /**
     * How many column blocks a product of {@code macs} multiply-adds with {@code cols} output columns is split into:
     * 1 below {@link #SPLIT_MIN_MACS}; else as many as the threads allow ({@link #parts}), but at least
     * {@link #MIN_MACS_PER_PART} multiply-adds and {@link #MIN_COLUMNS_PER_PART} columns per block, so that on many
     * cores a product is not cut into blocks too small to keep a BLAS kernel busy (its hand-over then costs more
     * than the block).
     */
    int partsFor(long macs, int cols) {
        if (parts < 2 || macs < SPLIT_MIN_MACS) {
            return 1;
        }
        long k = Math.min(parts, Math.min(macs / MIN_MACS_PER_PART, cols / MIN_COLUMNS_PER_PART));
        return (int) Math.max(1, k);
    }

    @Override
    public double fit(MultiDataSet batch) {
        INDArray x = batch.getFeatures(0);
        INDArray y = batch.getLabels(0);
        int rows = (int) x.size(0);
        if (batch.getFeaturesMaskArray(0) != null || batch.getLabelsMaskArray(0) != null) {
            throw new IllegalArgumentException("DenseAdamStep: masked batches are not supported (dense layers take "
                    + "[B, n_in] features); train with NetworkStep");
        }
        if (x.rank() != 2 || x.size(1) != sizes[0] || y.size(1) != sizes[sizes.length - 1]) {
            throw new IllegalArgumentException("DenseAdamStep: expected features [B, " + sizes[0] + "] and labels [B, "
                    + sizes[sizes.length - 1] + "], got " + java.util.Arrays.toString(x.shape()) + " and "
                    + java.util.Arrays.toString(y.shape()));
        }
        Buffers buf = buffers.computeIfAbsent(rows, Buffers::new);
        if (buf.onBlasThreads && !DirectGemm.threadsPerCall()) {
            holdBlasThreads();
        } else {
            releaseBlasThreads();
        }
        // oneDNN: each product on the BLAS's own threads takes its thread count per call, nothing process-wide
        gemmThreads = buf.onBlasThreads && DirectGemm.threadsPerCall() ? parts : 1;
        return step(x, y, rows, buf);
    }

    /**
     * OpenBLAS at {@link #parts} threads (for a batch size {@link #onBlasThreads(int)}), the count found first kept to be put
     * back by {@link #releaseBlasThreads()}. The count is process-wide and setting it costs about 0.1 ms on the 2-vCPU
     * Xeon even when it does not change, so it is set only when it differs, and held between steps.
     */
    private void holdBlasThreads() {
        org.nd4j.linalg.api.blas.Blas blas = Nd4j.factory().blas();
        int now = blas.getMaxThreads();
        if (now != parts) {
            if (blasThreadsBefore < 0) {
                blasThreadsBefore = now;
            }
            blas.setMaxThreads(parts);
        }
    }

    /**
     * Puts back OpenBLAS's thread count as this step found it before its first step (when it changed it): called
     * whenever the network is handed out ({@link #networks()}, {@link #network()}, {@link #restore}), so evaluation,
     * checkpoints and other code run with the process's own setting; the next step takes the threads again.
     */
    public void releaseBlasThreads() {
        if (blasThreadsBefore >= 0) {
            Nd4j.factory().blas().setMaxThreads(blasThreadsBefore);
            blasThreadsBefore = -1;
        }
    }

    /** One step on a checked batch (OpenBLAS's thread count already set where {@code buf.onBlasThreads}). */
    private double step(INDArray x, INDArray y, int rows, Buffers buf) {
        int layers = w.length;
        INDArray[] a = buf.a;
        INDArray[] d = buf.d;
        // forward: GEMMs through ND4J's BLAS; bias and ReLU in one pass in place over each f-order [B, n] buffer,
        // the output layer's bias, softmax, loss and δ in another
        if (PROFILE && profile[0].length != layers) {
            profile = new long[PROFILE_PARTS.size()][layers];
        }
        long t = PROFILE ? System.nanoTime() : 0;
        INDArray in = x;
        for (int l = 0; l < layers - 1; l++) {
            gemm(in, w[l], a[l], false, buf.fwdB[l], buf.fwdC[l]);
            t = PROFILE ? tick(P_FWD, l, t) : 0;
            if (VECTOR_API) {
                DenseVectorKernels.biasActivation(buf.ab[l], 0, rows, sizes[l + 1], pBytes, bOff[l], relu[l]);
            } else {
                DenseScalarKernels.biasActivation(buf.ab[l], 0, rows, sizes[l + 1], pBytes, bOff[l], relu[l]);
            }
            t = PROFILE ? tick(P_BIAS_ACT, l, t) : 0;
            in = a[l];
        }
        gemm(in, w[layers - 1], a[layers - 1], false, buf.fwdB[layers - 1], buf.fwdC[layers - 1]);
        t = PROFILE ? tick(P_FWD, layers - 1, t) : 0;
        double loss =
                softmaxLossDelta(buf.ab[layers - 1], y, buf.db[layers - 1], rows, sizes[layers], bOff[layers - 1]);
        t = PROFILE ? tick(P_SOFTMAX, layers - 1, t) : 0;
        // backward: ∂W_l = a_{l−1}ᵀ δ_l (GEMM into the flat gradient), ∂b_l = column sums, δ_{l−1} = δ_l W_lᵀ ⊙ 1[a >
        // 0]
        for (int l = layers - 1; l >= 0; l--) {
            INDArray prev = l == 0 ? x : a[l - 1];
            gemm(prev, d[l], gw[l], true, buf.bwdB[l], buf.bwdC[l]);
            t = PROFILE ? tick(P_DW, l, t) : 0;
            if (VECTOR_API) {
                DenseVectorKernels.columnSums(buf.db[l], 0, rows, sizes[l + 1], gBytes, bOff[l]);
            } else {
                DenseScalarKernels.columnSums(buf.db[l], 0, rows, sizes[l + 1], gBytes, bOff[l]);
            }
            t = PROFILE ? tick(P_COLSUM, l, t) : 0;
            if (l > 0) {
                DirectGemm.gemm(d[l], w[l], d[l - 1], false, true, gemmThreads);
                t = PROFILE ? tick(P_DELTA, l, t) : 0;
                if (relu[l - 1]) {
                    int len = rows * sizes[l];
                    if (VECTOR_API) {
                        DenseVectorKernels.reluMask(buf.db[l - 1], 0, buf.ab[l - 1], 0, len);
                    } else {
                        DenseScalarKernels.reluMask(buf.db[l - 1], 0, buf.ab[l - 1], 0, len);
                    }
                    t = PROFILE ? tick(P_MASK, l - 1, t) : 0;
                }
            }
        }
        adamStep(!buf.onBlasThreads);
        if (PROFILE) {
            tick(P_ADAM, 0, t);
            profileSteps++;
        }
        return loss;
    }

    /**
     * C = op(A)·B with op = transpose when {@code transA}; B and C are f-order, so a block of their columns is
     * contiguous: a large product runs as the column blocks {@code bBlocks}, {@code cBlocks} (views made once per
     * batch size, {@link #partsFor}) computed at once on the host threads, each one single-threaded BLAS call
     * ({@link DirectGemm}: cblas_sgemm on the operands as they lie, without libnd4j's copy of a c-order A).
     * Each output element is computed by one BLAS call either way, the same for every step, so runs stay reproducible.
     */
    private void gemm(INDArray a, INDArray b, INDArray c, boolean transA, INDArray[] bBlocks, INDArray[] cBlocks) {
        if (bBlocks == null) {
            DirectGemm.gemm(a, b, c, transA, false, gemmThreads);
            return;
        }
        HostThreads.split(bBlocks.length, bBlocks.length, (part, k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                DirectGemm.gemm(a, bBlocks[k], cBlocks[k], transA, false);
            }
        });
    }

    /** Adds the time since {@code t0} to part {@code part} of layer {@code layer}; returns now. */
    private long tick(int part, int layer, long t0) {
        long now = System.nanoTime();
        profile[part][layer] += now - t0;
        return now;
    }

    /**
     * With {@value #PROFILE_PROPERTY} on: ms per step of each part since the last {@link #resetProfile()}, keyed
     * "part" (all layers) and "part, layer l", in step order, plus "steps"; empty when profiling is off.
     */
    public Map<String, Double> profileMs() {
        Map<String, Double> r = new java.util.LinkedHashMap<>();
        if (!PROFILE || profileSteps == 0) {
            return r;
        }
        r.put("steps", (double) profileSteps);
        for (int p = 0; p < PROFILE_PARTS.size(); p++) {
            long sum = 0;
            for (long v : profile[p]) {
                sum += v;
            }
            r.put(PROFILE_PARTS.get(p), sum / 1e6 / profileSteps);
            if (p != P_ADAM) {
                for (int l = 0; l < profile[p].length; l++) {
                    if (profile[p][l] != 0) {
                        r.put(PROFILE_PARTS.get(p) + ", layer " + l, profile[p][l] / 1e6 / profileSteps);
                    }
                }
            }
        }
        return r;
    }

    /** Starts the profile afresh (after a warm-up). */
    public void resetProfile() {
        for (long[] p : profile) {
            java.util.Arrays.fill(p, 0);
        }
        profileSteps = 0;
    }

    /**
     * z ← z + b, p = softmax(z) row by row, δ = (p − y)/B into {@code delta} (both f-order [rows, k] byte views);
     * returns the mean categorical cross-entropy −(1/B) Σ log p[y] (p clipped at 1e-10 as DL4J's MCXENT does).
     */
    private double softmaxLossDelta(ByteBuffer zb, INDArray y, ByteBuffer db, int rows, int k, int biasOffset) {
        INDArray labels = y.ordering() == 'c' && y.dataType() == DataType.FLOAT && y.elementWiseStride() == 1
                ? y
                : y.castTo(DataType.FLOAT).dup('c');
        FloatBuffer yb = labels.data().asNioFloat();
        int y0 = (int) labels.offset();
        if (row.length < k) {
            row = new float[k];
        }
        float[] row = this.row;
        double loss = 0;
        float invB = 1f / rows;
        for (int r = 0; r < rows; r++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                row[c] = zb.getFloat((c * rows + r) << 2) + pBytes.getFloat((biasOffset + c) << 2);
                max = Math.max(max, row[c]);
            }
            float sum = 0;
            for (int c = 0; c < k; c++) {
                row[c] = (float) Math.exp(row[c] - max);
                sum += row[c];
            }
            for (int c = 0; c < k; c++) {
                float p = row[c] / sum;
                float t = yb.get(y0 + r * k + c);
                if (t != 0) {
                    loss -= t * Math.log(Math.max(p, 1e-10f));
                }
                db.putFloat((c * rows + r) << 2, (p - t) * invB);
            }
        }
        return loss / rows;
    }

    /** Sets |x| below 1e-30 to 0 (denormal floats make every later operation on them about 100× slower). */
    private static void flushTiny(float[] x) {
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i]) < FLUSH) {
                x[i] = 0f;
            }
        }
    }

    /** Adam over all parameters, split over the host threads when {@code split} and large enough. */
    private void adamStep(boolean split) {
        int iteration = net.getIterationCount();
        double lr = adam.getLearningRate(iteration, net.getEpochCount());
        double beta1 = adam.getBeta1();
        double beta2 = adam.getBeta2();
        double alphat = lr * Math.sqrt(1 - Math.pow(beta2, iteration + 1)) / (1 - Math.pow(beta1, iteration + 1));
        if (Double.isNaN(alphat) || alphat == 0.0) {
            alphat = adam.getEpsilon();
        }
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 - beta1);
        float c2 = (float) (1 - beta2);
        float eps = (float) adam.getEpsilon();
        float at = (float) alphat;
        ByteBuffer p = pBytes;
        ByteBuffer g = gBytes;
        float[] mm = m;
        float[] vv = v;
        int k = n >= SPLIT_MIN_PARAMETERS && split ? Math.min(parts, Math.max(1, n / MIN_PARAMETERS_PER_PART)) : 1;
        if (k >= 2) {
            HostThreads.split(n, k, (part, e0, e1) -> adamRange(e0, e1, p, g, mm, vv, b1, b2, c1, c2, eps, at));
        } else {
            adamRange(0, n, p, g, mm, vv, b1, b2, c1, c2, eps, at);
        }
        if (iteration % FLUSH_EVERY == 0) {
            flushTiny(mm);
            flushTiny(vv);
        }
        net.setIterationCount(iteration + 1);
    }

    /** Adam on elements [from, to) (each element independent of the others; the same result in any split). */
    private static void adamRange(
            int from,
            int to,
            ByteBuffer p,
            ByteBuffer g,
            float[] m,
            float[] v,
            float b1,
            float b2,
            float c1,
            float c2,
            float eps,
            float at) {
        if (VECTOR_API) {
            DenseVectorKernels.adam(from, to, p, g, m, v, b1, b2, c1, c2, eps, at);
        } else {
            DenseScalarKernels.adam(from, to, p, g, m, v, b1, b2, c1, c2, eps, at);
        }
    }

    /** The network, with the Adam moments this step keeps on the heap written back into its updater first. */
    @Override
    public Map<String, Model> networks() {
        releaseBlasThreads();
        syncState();
        return Map.of(NAME, net);
    }

    @Override
    public void restore(Map<String, Model> networks) {
        releaseBlasThreads();
        bind((MultiLayerNetwork) networks.get(NAME));
    }

    @Override
    public void endEpoch() {
        net.incrementEpochCount();
    }

    /** The layer widths n_0 … n_L. */
    public List<Integer> sizes() {
        List<Integer> s = new ArrayList<>();
        for (int v : sizes) {
            s.add(v);
        }
        return s;
    }
}
