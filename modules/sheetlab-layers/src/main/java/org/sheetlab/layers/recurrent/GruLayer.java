package org.sheetlab.layers.recurrent;

import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sheetlab.core.threads.HostThreads;
import org.sheetlab.layers.HostArrays;
import org.sheetlab.layers.HostLayer;
import org.sheetlab.layers.LayerWiring;

/**
 * The runtime layer of {@link GRU}: an explicit forward pass over the T steps (the input projections of all steps as
 * one product, the recurrent products one per step, the gate arithmetic in double on the heap) and an explicit
 * backward pass through time (per-step products for δh_{t−1}; every weight gradient as one product over the stacked
 * steps afterwards). The forward results of a training pass are kept for the backward pass of the same input.
 */
public final class GruLayer extends BaseRecurrentLayer<GRU> implements StateGradientRecording {
    /** Where a {@link #stateGradients} call collects ∂L/∂s_t; null outside such a call. */
    private transient double[] stateGradientSink;

    private static final long serialVersionUID = 1L;
    static final String STATE_KEY = "h";

    private final transient HostLayer.Cache<HostLayer.Pass> cache = new HostLayer.Cache<>();

    /** Below this many gate values per step (B·3H) the batch is not split over the host threads. */
    static final int SPLIT_MIN_GATES = 4096;

    public GruLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** One forward pass, time-major heap arrays (row t·B + b). */
    record Forward(
            INDArray input,
            int b,
            int nIn,
            int t,
            int h,
            INDArray x2, // [T·B, n_in] native
            double[] h0, // [B·H] initial state
            double[] gates, // [T·B·3H]: r, z, h̃ after their activations
            double[] recN, // [T·B·H]: W_h·h_{t−1} + b_hn (resetAfter) or r ⊙ h_{t−1} (sheet)
            double[] hidden, // [T·B·H]: h_t
            double[] mask) // [B·T] or null
            implements HostLayer.Pass {}

    /** The FLOAT pass ({@link #floatPath}): h_0 = 0; arrays as in {@link Forward}, in float. */
    record FloatForward(
            INDArray input,
            int b,
            int nIn,
            int t,
            int h,
            float[] xr, // [T·B·n_in] time-major input rows
            float[] gates, // [T·B·3H]: r, z, h̃
            float[] recN, // [T·B·H]: W_h·h_{t−1} + b_hn (resetAfter) or r ⊙ h_{t−1} (sheet)
            float[] hidden, // [T·B·H]: h_t
            float[] mask) // [B·T] or null
            implements HostLayer.Pass {}

    // the FLOAT pass's heap arrays, reused while the sizes stay the same
    private transient float[] xBuf;
    private transient float[] xrBuf;
    private transient float[] gatesF;
    private transient float[] recNF;
    private transient float[] hiddenF;
    private transient float[] outBuf;
    private transient float[] epsBuf;
    private transient float[] epsT;
    private transient float[] dzxF;
    private transient float[] drecF;
    private transient float[][] partA;
    private transient float[][] partB;
    private transient float[][] partDw;
    private transient float[][] partDrw;
    private transient float[][] partDb;
    private transient float[][] partDbr;
    private transient float[][] partC;
    private transient float[][] partD;
    private transient INDArray dZxBuf;
    private transient INDArray dX2Buf;
    private transient float[] wBuf;
    private transient float[] rwBuf;
    private transient float[] rwTBuf;
    private transient float[] biasBuf;
    private transient float[] bhnBuf;
    private transient float[] wPacked;
    private transient float[] rwPacked;
    private transient float[] rwTPacked;
    private transient float[] rwNPacked;
    private transient float[] rwNTPacked;

    /**
     * The FLOAT pass: both candidate forms (the sheet's and resetAfter), with or without a mask, in FLOAT without stored
     * state or state-gradient recording, its per-step products and gate arithmetic in {@link RnnKernels} (Vector API
     * where the JVM has it). Everything else (DOUBLE for gradient checks, {@code rnnTimeStep}, stored state,
     * {@link #stateGradients}) runs the double loops.
     */
    private boolean floatPath() {
        return dataType == DataType.FLOAT
                && input.dataType() == DataType.FLOAT
                && stateGradientSink == null
                && !RnnKernels.referenceOnly;
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    // hasBias() (true) and activate(input, training, mgr) (setInput, then activate) are BaseLayer's and AbstractLayer's

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, mgr);
        if (floatPath()) {
            FloatForward f = forwardFloat(training, mgr);
            cache.keep(training, f);
            INDArray out =
                    mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {f.b(), f.h(), f.t()}, 'c');
            float[] o = outBuf = RnnKernels.sized(outBuf, f.b() * f.h() * f.t());
            RnnKernels.batchMajor(f.hidden(), f.b(), f.h(), f.t(), o);
            zeroMaskedSteps(o, f.mask(), f.b(), f.h(), f.t());
            RnnKernels.write(out, o);
            return HostLayer.ncw(out, format());
        }
        Forward f = forward(training, null, mgr);
        cache.keep(training, f);
        return output(f, mgr);
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr mgr) {
        INDArray in =
                input.rank() == 2 ? HostLayer.ncw(input.reshape(input.size(0), input.size(1), 1), format()) : input;
        setInput(in, mgr);
        Forward f = forward(false, stateMap.get(STATE_KEY), mgr);
        stateMap.put(STATE_KEY, lastState(f));
        INDArray out = output(f, mgr);
        return input.rank() == 2 ? out.reshape(out.size(0), layerConf().getNOut()) : out;
    }

    @Override
    public INDArray rnnActivateUsingStoredState(
            INDArray input, boolean training, boolean storeLastForTBPTT, LayerWorkspaceMgr mgr) {
        setInput(input, mgr);
        Forward f = forward(training, tBpttStateMap.get(STATE_KEY), mgr);
        if (storeLastForTBPTT) {
            tBpttStateMap.put(STATE_KEY, lastState(f));
        }
        return output(f, mgr);
    }

    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(
            INDArray epsilon, int tbpttBackLength, LayerWorkspaceMgr mgr) {
        throw new UnsupportedOperationException(name() + ": truncated BPTT is not supported; train with standard "
                + "backpropagation (BackpropType.Standard) and cut long sequences into windows instead");
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState state, int minibatchSize) {
        this.maskArray = maskArray;
        return new Pair<>(maskArray, state);
    }

    /** h_T as a detached [B, H] array (for rnnTimeStep and stored state). */
    private INDArray lastState(Forward f) {
        double[] last = new double[f.b() * f.h()];
        System.arraycopy(f.hidden(), (f.t() - 1) * f.b() * f.h(), last, 0, last.length);
        INDArray s = HostArrays.detached(dataType, f.b(), f.h());
        HostArrays.write(s, last);
        return s;
    }

    /** [B, H, T]: h_t, 0 at masked steps. */
    private INDArray output(Forward f, LayerWorkspaceMgr mgr) {
        int b = f.b();
        int h = f.h();
        int steps = f.t();
        double[] o = new double[b * h * steps];
        for (int t = 0; t < steps; t++) {
            for (int e = 0; e < b; e++) {
                if (f.mask() != null && f.mask()[e * steps + t] == 0) {
                    continue;
                }
                int src = (t * b + e) * h;
                for (int j = 0; j < h; j++) {
                    o[(e * h + j) * steps + t] = f.hidden()[src + j];
                }
            }
        }
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {b, h, steps}, 'c');
        HostArrays.write(out, o);
        return HostLayer.ncw(out, format());
    }

    /** The sequence layout ({@code dataFormat}): NWC input is read, and output written, as [B, T, n]. */
    private RNNFormat format() {
        return layerConf().getRnnDataFormat();
    }

    private String name() {
        String n = layerConf().getLayerName();
        return LayerWiring.describe("GRU", n, index);
    }

    private static INDArray columns(INDArray a, long from, long to) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to)).dup('c');
    }

    private Forward forward(boolean training, INDArray initialState, LayerWorkspaceMgr mgr) {
        INDArray x3 = HostLayer.ncw(input, format());
        INDArray w = getParamWithNoise(GruParamInitializer.INPUT_WEIGHTS, training, mgr);
        INDArray rw = getParamWithNoise(GruParamInitializer.RECURRENT_WEIGHTS, training, mgr);
        double[] bias = HostArrays.read(getParamWithNoise(GruParamInitializer.BIAS, training, mgr));
        boolean after = layerConf().isResetAfter();
        double[] bhn = after
                ? HostArrays.read(getParamWithNoise(GruParamInitializer.CANDIDATE_RECURRENT_BIAS, training, mgr))
                : null;
        int nIn = (int) w.size(0);
        int h = (int) rw.size(0);
        int g = 3 * h;
        HostLayer.checkSequence(name(), x3, nIn, format());
        int b = (int) x3.size(0);
        int steps = (int) x3.size(2);
        double[] h0 = new double[b * h];
        if (initialState != null) {
            if (initialState.size(0) != b || initialState.size(1) != h) {
                throw new DL4JInvalidInputException(name() + ": stored state has shape "
                        + Arrays.toString(initialState.shape()) + " but the input has " + b
                        + " examples; call rnnClearPreviousState() when the minibatch size changes");
            }
            HostArrays.readInto(initialState, h0);
        }
        double[] mask = null;
        if (maskArray != null) {
            HostLayer.checkMask(name(), maskArray, b, steps);
            mask = HostArrays.read(maskArray);
        }
        double[] x = HostArrays.read(x3);
        double[] xr = HostArrays.timeMajor(x, b, nIn, steps);
        INDArray x2 = HostArrays.detached(dataType, (long) steps * b, nIn);
        HostArrays.write(x2, xr);
        INDArray zx = HostArrays.detached(dataType, (long) steps * b, g);
        Nd4j.gemm(x2, w, zx, false, false, 1.0, 0.0);
        double[] z = HostArrays.read(zx);

        double[] gates = new double[steps * b * g];
        double[] recN = new double[steps * b * h];
        double[] hidden = new double[steps * b * h];
        INDArray rwRz = columns(rw, 0, 2L * h);
        INDArray rwN = columns(rw, 2L * h, g);
        INDArray rwc = rw.dup('c');
        int rs = after ? g : 2 * h;
        double[] maskF = mask;
        // the examples are independent: each part of the batch runs its whole recurrence on its own thread
        HostThreads.split(b, b * g >= SPLIT_MIN_GATES, (part, e0, e1) -> {
            int bh = e1 - e0;
            INDArray hPrev = HostArrays.detached(dataType, bh, h);
            INDArray rec = HostArrays.detached(dataType, bh, rs);
            INDArray rh = HostArrays.detached(dataType, bh, h);
            INDArray recCand = HostArrays.detached(dataType, bh, h);
            double[] r = new double[bh * rs];
            double[] rhHeap = new double[bh * h];
            double[] cand = new double[bh * h];
            double[] hp = Arrays.copyOfRange(h0, e0 * h, e1 * h);
            for (int t = 0; t < steps; t++) {
                HostArrays.write(hPrev, hp);
                Nd4j.gemm(hPrev, after ? rwc : rwRz, rec, false, false, 1.0, 0.0);
                HostArrays.readInto(rec, r);
                for (int le = 0; le < bh; le++) {
                    int zo = (t * b + e0 + le) * g;
                    for (int j = 0; j < h; j++) {
                        double rg = HostArrays.sigmoid(z[zo + j] + bias[j] + r[le * rs + j]);
                        double zg = HostArrays.sigmoid(z[zo + h + j] + bias[h + j] + r[le * rs + h + j]);
                        gates[zo + j] = rg;
                        gates[zo + h + j] = zg;
                        if (after) {
                            cand[le * h + j] = r[le * rs + 2 * h + j] + bhn[j];
                        } else {
                            rhHeap[le * h + j] = rg * hp[le * h + j];
                        }
                    }
                }
                if (!after) {
                    HostArrays.write(rh, rhHeap);
                    Nd4j.gemm(rh, rwN, recCand, false, false, 1.0, 0.0);
                    HostArrays.readInto(recCand, cand);
                }
                for (int le = 0; le < bh; le++) {
                    int e = e0 + le;
                    int row = t * b + e;
                    int zo = row * g;
                    int so = row * h;
                    boolean live = maskF == null || maskF[e * steps + t] != 0;
                    for (int j = 0; j < h; j++) {
                        double rg = gates[zo + j];
                        double zg = gates[zo + h + j];
                        double c = cand[le * h + j];
                        double n = HostArrays.tanh(z[zo + 2 * h + j] + bias[2 * h + j] + (after ? rg * c : c));
                        gates[zo + 2 * h + j] = n;
                        recN[so + j] = after ? c : rhHeap[le * h + j];
                        double prev = hp[le * h + j];
                        double hv = live ? zg * prev + (1 - zg) * n : prev;
                        hidden[so + j] = hv;
                        hp[le * h + j] = hv;
                    }
                }
            }
        });
        return new Forward(input, b, nIn, steps, h, x2, h0, gates, recN, hidden, mask);
    }

    /** Per-part heap scratch of n floats (index part), reused while the size stays the same. */
    private static float[] part(float[][] holder, int part, int n) {
        if (holder[part] == null || holder[part].length != n) {
            holder[part] = new float[n];
        }
        return holder[part];
    }

    /**
     * The FLOAT forward pass: W and RW packed once ({@link RnnKernels#pack}); per part of the batch and step, x_t·W and
     * the recurrent products ({@link RnnKernels#gemmPacked} into the part's [B_part, 3H] rows), then the gates of each
     * row: resetAfter h_{t−1}·RW, then {@link RnnKernels#gruForwardRow}; the sheet's form h_{t−1}·RW_rz,
     * {@link RnnKernels#gruSheetGatesRow}, (r ⊙ h_{t−1})·RW_n, {@link RnnKernels#gruSheetCandidateRow}. At a masked step
     * the state is carried over (h_t = h_{t−1}).
     */
    private FloatForward forwardFloat(boolean training, LayerWorkspaceMgr mgr) {
        INDArray x3 = HostLayer.ncw(input, format());
        INDArray w = getParamWithNoise(GruParamInitializer.INPUT_WEIGHTS, training, mgr);
        INDArray rw = getParamWithNoise(GruParamInitializer.RECURRENT_WEIGHTS, training, mgr);
        boolean after = layerConf().isResetAfter();
        int nIn = (int) w.size(0);
        int h = (int) rw.size(0);
        int g = 3 * h;
        HostLayer.checkSequence(name(), x3, nIn, format());
        int b = (int) x3.size(0);
        int steps = (int) x3.size(2);
        float[] mask = null;
        if (maskArray != null) {
            HostLayer.checkMask(name(), maskArray, b, steps);
            mask = new float[b * steps]; // kept with the pass for its backward pass
            RnnKernels.read(maskArray, mask);
        }
        long t0 = RnnKernels.now();
        float[] wF = wBuf = RnnKernels.sized(wBuf, nIn * g);
        RnnKernels.read(w, wF);
        float[] rwF = rwBuf = RnnKernels.sized(rwBuf, h * g);
        RnnKernels.read(rw, rwF);
        float[] wP = wPacked = RnnKernels.pack(nIn, g, wF, 0, g, RnnKernels.sized(wPacked, nIn * g));
        int rs = after ? g : 2 * h; // the columns of h_{t−1}·RW (all of RW, or RW_rz)
        float[] rwP = rwPacked = RnnKernels.pack(h, rs, rwF, 0, g, RnnKernels.sized(rwPacked, h * rs));
        float[] rwNP =
                after ? null : (rwNPacked = RnnKernels.pack(h, h, rwF, 2 * h, g, RnnKernels.sized(rwNPacked, h * h)));
        float[] bias = biasBuf = RnnKernels.sized(biasBuf, g);
        RnnKernels.read(getParamWithNoise(GruParamInitializer.BIAS, training, mgr), bias);
        float[] bhn = null;
        if (after) {
            bhn = bhnBuf = RnnKernels.sized(bhnBuf, h);
            RnnKernels.read(getParamWithNoise(GruParamInitializer.CANDIDATE_RECURRENT_BIAS, training, mgr), bhn);
        }
        float[] x = xBuf = RnnKernels.sized(xBuf, b * nIn * steps);
        float[] xr = xrBuf = RnnKernels.sized(xrBuf, b * nIn * steps);
        RnnKernels.readTimeMajor(x3, b, nIn, steps, x, xr);
        float[] gates = gatesF = RnnKernels.sized(gatesF, steps * b * g);
        float[] recN = recNF = RnnKernels.sized(recNF, steps * b * h);
        float[] hidden = hiddenF = RnnKernels.sized(hiddenF, steps * b * h);
        preparePartScratch();
        t0 = RnnKernels.lap("gru fwd: read and copy in", t0);
        float[] m = mask;
        float[] bhnF = bhn;
        HostThreads.split(b, b * g >= SPLIT_MIN_GATES, (part, e0, e1) -> {
            int bh = e1 - e0;
            float[] px = part(partA, part, bh * g);
            float[] ph = part(partB, part, bh * g);
            for (int t = 0; t < steps; t++) {
                RnnKernels.gemmPacked(bh, g, nIn, xr, (t * b + e0) * nIn, nIn, 1, wP, wF, 0, g, px, 0, g, false);
                if (t > 0) {
                    RnnKernels.gemmPacked(
                            bh, rs, h, hidden, ((t - 1) * b + e0) * h, h, 1, rwP, rwF, 0, g, ph, 0, g, false);
                } else {
                    Arrays.fill(ph, 0f);
                }
                for (int e = e0; e < e1; e++) {
                    int row = t * b + e;
                    int lo = (e - e0) * g;
                    int pv = t > 0 ? (row - b) * h : -1;
                    if (after) {
                        RnnKernels.gruForwardRow(
                                h, px, lo, ph, lo, bias, bhnF, hidden, pv, gates, row * g, recN, hidden, row * h);
                    } else {
                        RnnKernels.gruSheetGatesRow(h, px, lo, ph, lo, bias, hidden, pv, gates, row * g, recN, row * h);
                    }
                }
                if (!after) { // the candidate's product (r ⊙ h_{t−1})·RW_n into the last H columns of ph
                    if (t > 0) {
                        RnnKernels.gemmPacked(
                                bh, h, h, recN, (t * b + e0) * h, h, 1, rwNP, rwF, 2 * h, g, ph, 2 * h, g, false);
                    }
                    for (int e = e0; e < e1; e++) {
                        int row = t * b + e;
                        int lo = (e - e0) * g;
                        RnnKernels.gruSheetCandidateRow(
                                h,
                                px,
                                lo,
                                ph,
                                lo + 2 * h,
                                bias,
                                hidden,
                                t > 0 ? (row - b) * h : -1,
                                gates,
                                row * g,
                                hidden,
                                row * h);
                    }
                }
                if (m != null) { // masked steps carry the state over
                    for (int e = e0; e < e1; e++) {
                        if (m[e * steps + t] == 0) {
                            int so = (t * b + e) * h;
                            if (t > 0) {
                                System.arraycopy(hidden, so - b * h, hidden, so, h);
                            } else {
                                Arrays.fill(hidden, so, so + h, 0f);
                            }
                        }
                    }
                }
            }
        });
        RnnKernels.lap("gru fwd: recurrence", t0);
        return new FloatForward(input, b, nIn, steps, h, xr, gates, recN, hidden, mask);
    }

    /** Zeroes the masked steps of a [B, H, T] output (c order), as the double pass writes them. */
    private static void zeroMaskedSteps(float[] o, float[] mask, int b, int h, int steps) {
        if (mask == null) {
            return;
        }
        for (int e = 0; e < b; e++) {
            for (int t = 0; t < steps; t++) {
                if (mask[e * steps + t] == 0) {
                    for (int k = 0; k < h; k++) {
                        o[(e * h + k) * steps + t] = 0f;
                    }
                }
            }
        }
    }

    private void preparePartScratch() {
        int parts = HostThreads.maxParts();
        if (partA == null || partA.length < parts) {
            partA = new float[parts][];
            partB = new float[parts][];
            partDw = new float[parts][];
            partDrw = new float[parts][];
            partDb = new float[parts][];
            partDbr = new float[parts][];
            partC = new float[parts][];
            partD = new float[parts][];
        }
    }

    /**
     * The FLOAT backward pass: per part, from the last step down, the pre-activation gradients of each row and δh_{t−1}.
     * resetAfter: {@link RnnKernels#gruBackwardRow}, then δh_{t−1} = δh_t ⊙ z + δrec_t·RWᵀ. The sheet's form:
     * {@link RnnKernels#gruSheetBackwardRowA} (δz, δa), δ(r ⊙ h_{t−1}) = δa·RW_nᵀ, {@link RnnKernels#gruSheetBackwardRowB}
     * (δr, the direct terms of δh_{t−1}), then δh_{t−1} += [δr, δz]·RW_rzᵀ (RWᵀ's blocks packed once). A masked step
     * passes δh_t on unchanged and adds nothing. Then the part's dW += x_tᵀ·δzx_t and dRW += h_{t−1}ᵀ·δrec_t (the sheet's
     * RW_n block: (r ⊙ h_{t−1})ᵀ·δa_t; the step's gradients packed) and the bias sums ({@link RnnKernels#gemmPacked});
     * the parts' sums are added in part order, and ε_in = δZx·Wᵀ is one BLAS product.
     */
    private Pair<Gradient, INDArray> backwardFloat(FloatForward f, INDArray epsilon, LayerWorkspaceMgr mgr) {
        INDArray w = getParamWithNoise(GruParamInitializer.INPUT_WEIGHTS, true, mgr);
        INDArray rw = getParamWithNoise(GruParamInitializer.RECURRENT_WEIGHTS, true, mgr);
        boolean after = layerConf().isResetAfter();
        int b = f.b();
        int h = f.h();
        int g = 3 * h;
        int steps = f.t();
        INDArray eps3 = HostLayer.ncw(epsilon, format());
        HostLayer.checkEpsilon(name(), eps3, b, h, steps);
        long t0 = RnnKernels.now();
        float[] epsIn = epsBuf = RnnKernels.sized(epsBuf, b * h * steps);
        float[] eps = epsT = RnnKernels.sized(epsT, b * h * steps);
        RnnKernels.readTimeMajor(eps3, b, h, steps, epsIn, eps);
        float[] rwF = rwBuf = RnnKernels.sized(rwBuf, h * g);
        RnnKernels.read(rw, rwF);
        float[] rwT = rwTBuf = RnnKernels.transpose(rwF, h, g, RnnKernels.sized(rwTBuf, g * h));
        int rs = after ? g : 2 * h; // the rows of RWᵀ that δrec multiplies (all, or RW_rzᵀ)
        float[] rwTP = rwTPacked = RnnKernels.pack(rs, h, rwT, 0, h, RnnKernels.sized(rwTPacked, rs * h));
        float[] rwNTP = after
                ? null
                : (rwNTPacked = RnnKernels.pack(h, h, rwT, 2 * h * h, h, RnnKernels.sized(rwNTPacked, h * h)));
        float[] gates = f.gates();
        float[] recN = f.recN();
        float[] hidden = f.hidden();
        float[] xr = f.xr();
        float[] mask = f.mask();
        int nIn = f.nIn();
        float[] dzx = dzxF = RnnKernels.sized(dzxF, steps * b * g);
        float[] drec = drecF = RnnKernels.sized(drecF, steps * b * g);
        preparePartScratch();
        t0 = RnnKernels.lap("gru bwd: read eps", t0);
        int parts = HostThreads.split(b, b * g >= SPLIT_MIN_GATES, (part, e0, e1) -> {
            int bh = e1 - e0;
            float[] dh = part(partA, part, bh * h); // δh_t arriving from step t + 1
            Arrays.fill(dh, 0f);
            float[] dW = part(partDw, part, nIn * g); // this part's Σ_t x_tᵀ·δzx_t, h_{t−1}ᵀ·δrec_t, Σ δzx, Σ δrec
            float[] dRW = part(partDrw, part, h * g);
            float[] db = part(partDb, part, g);
            float[] dbr = part(partDbr, part, g);
            float[] dzxP = part(partB, part, bh * g); // the step's rows of δzx and δrec, packed
            float[] drecP = part(partC, part, bh * g);
            float[] drh = after ? null : part(partD, part, bh * h); // the sheet's δ(r ⊙ h_{t−1}) rows
            Arrays.fill(dW, 0f);
            Arrays.fill(dRW, 0f);
            Arrays.fill(db, 0f);
            Arrays.fill(dbr, 0f);
            for (int t = steps - 1; t >= 0; t--) {
                int zo = (t * b + e0) * g;
                for (int e = e0; e < e1; e++) {
                    int row = t * b + e;
                    int pv = t > 0 ? (row - b) * h : -1;
                    if (mask != null && mask[e * steps + t] == 0) {
                        // the state was carried over: δh_t goes to h_{t−1} whole (ε of a masked step is not used)
                        Arrays.fill(dzx, row * g, row * g + g, 0f);
                        Arrays.fill(drec, row * g, row * g + g, 0f);
                    } else if (after) {
                        RnnKernels.gruBackwardRow(
                                h,
                                eps,
                                row * h,
                                dh,
                                (e - e0) * h,
                                gates,
                                row * g,
                                recN,
                                row * h,
                                hidden,
                                pv,
                                dzx,
                                drec);
                    } else {
                        RnnKernels.gruSheetBackwardRowA(
                                h, eps, row * h, dh, (e - e0) * h, gates, row * g, hidden, pv, dzx, drec);
                    }
                }
                if (!after) {
                    // δ(r ⊙ h_{t−1}) = δa·RW_nᵀ, then δr and the direct terms of δh_{t−1} per live row
                    RnnKernels.gemmPacked(bh, h, h, dzx, zo + 2 * h, g, 1, rwNTP, rwT, 2 * h * h, h, drh, 0, h, false);
                    for (int e = e0; e < e1; e++) {
                        int row = t * b + e;
                        if (mask == null || mask[e * steps + t] != 0) {
                            RnnKernels.gruSheetBackwardRowB(
                                    h,
                                    drh,
                                    (e - e0) * h,
                                    gates,
                                    row * g,
                                    hidden,
                                    t > 0 ? (row - b) * h : -1,
                                    dh,
                                    (e - e0) * h,
                                    dzx,
                                    drec);
                        }
                    }
                }
                if (t > 0) {
                    RnnKernels.gemmPacked(bh, h, rs, drec, zo, g, 1, rwTP, rwT, 0, h, dh, 0, h, true);
                }
                // this part's share of the weight gradients, while the step's gradients are in cache (packed)
                RnnKernels.addRows(dzx, zo, bh, g, db);
                if (after) {
                    RnnKernels.addRows(drec, zo, bh, g, dbr);
                }
                RnnKernels.pack(bh, g, dzx, zo, g, dzxP);
                RnnKernels.gemmPacked(nIn, g, bh, xr, (t * b + e0) * nIn, 1, nIn, dzxP, dzx, zo, g, dW, 0, g, true);
                if (t > 0) {
                    RnnKernels.pack(bh, rs, drec, zo, g, drecP);
                    RnnKernels.gemmPacked(
                            h, rs, bh, hidden, ((t - 1) * b + e0) * h, 1, h, drecP, drec, zo, g, dRW, 0, g, true);
                    if (!after) { // dRW_n += (r ⊙ h_{t−1})ᵀ·δa_t
                        RnnKernels.pack(bh, h, dzx, zo + 2 * h, g, drecP);
                        RnnKernels.gemmPacked(
                                h, h, bh, recN, (t * b + e0) * h, 1, h, drecP, dzx, zo + 2 * h, g, dRW, 2 * h, g, true);
                    }
                }
            }
        });
        t0 = RnnKernels.lap("gru bwd: recurrence", t0);
        INDArray dZx = dZxBuf = HostArrays.detached(dZxBuf, dataType, (long) steps * b, g);
        RnnKernels.write(dZx, dzx);
        Map<String, INDArray> gv = gradientViews;
        float[] db = new float[g];
        float[] dbr = new float[g];
        float[] dW = new float[nIn * g];
        float[] dRW = new float[h * g];
        for (int p = 0; p < parts; p++) { // the parts' sums added in part order
            add(partDw[p], dW);
            add(partDrw[p], dRW);
            add(partDb[p], db);
            add(partDbr[p], dbr);
        }
        gv.get(GruParamInitializer.INPUT_WEIGHTS)
                .assign(Nd4j.createFromArray(dW).reshape(nIn, g));
        gv.get(GruParamInitializer.RECURRENT_WEIGHTS)
                .assign(Nd4j.createFromArray(dRW).reshape(h, g));
        gv.get(GruParamInitializer.BIAS).assign(Nd4j.createFromArray(db).reshape(1, g));
        if (after) {
            gv.get(GruParamInitializer.CANDIDATE_RECURRENT_BIAS)
                    .assign(Nd4j.createFromArray(Arrays.copyOfRange(dbr, 2 * h, g))
                            .reshape(1, h));
        }
        t0 = RnnKernels.lap("gru bwd: dW dRW db", t0);
        INDArray dX2 = dX2Buf = HostArrays.detached(dX2Buf, dataType, (long) steps * b, nIn);
        HostThreads.gemm(dZx, w, dX2, false, true);
        INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, new long[] {b, nIn, steps}, 'c');
        epsOut.assign(dX2.reshape('c', steps, b, nIn).permute(1, 2, 0));
        RnnKernels.lap("gru bwd: dX", t0);
        return gradientResult(gv, epsOut);
    }

    private static void add(float[] from, float[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }

    /** The gradient of the four parameters (their views) and ε_in for the end of a backward pass. */
    private Pair<Gradient, INDArray> gradientResult(Map<String, INDArray> gv, INDArray epsOut) {
        Gradient gradient = new DefaultGradient();
        for (String key : new String[] {
            GruParamInitializer.INPUT_WEIGHTS,
            GruParamInitializer.RECURRENT_WEIGHTS,
            GruParamInitializer.BIAS,
            GruParamInitializer.CANDIDATE_RECURRENT_BIAS
        }) {
            if (gv.containsKey(key)) {
                gradient.setGradientFor(key, gv.get(key));
            }
        }
        weightNoiseParams.clear();
        return new Pair<>(gradient, backpropDropOutIfPresent(HostLayer.ncw(epsOut, format())));
    }

    @Override
    public INDArray stateGradients(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        INDArray x3 = HostLayer.ncw(input, format());
        return StateSinks.record( // [B, H, T] in either layout
                x3.size(0),
                layerConf().getNOut(),
                x3.size(2),
                sink -> stateGradientSink = sink,
                () -> backpropGradient(epsilon, mgr));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        double[] sink = stateGradientSink;
        HostLayer.Pass kept = cache.take(input, () -> null);
        if (floatPath()) {
            return backwardFloat(kept instanceof FloatForward ff ? ff : forwardFloat(true, mgr), epsilon, mgr);
        }
        Forward f = kept instanceof Forward df ? df : forward(true, null, mgr);
        INDArray w = getParamWithNoise(GruParamInitializer.INPUT_WEIGHTS, true, mgr);
        INDArray rw = getParamWithNoise(GruParamInitializer.RECURRENT_WEIGHTS, true, mgr);
        boolean after = layerConf().isResetAfter();
        int b = f.b();
        int h = f.h();
        int g = 3 * h;
        int steps = f.t();
        INDArray eps3 = HostLayer.ncw(epsilon, format());
        HostLayer.checkEpsilon(name(), eps3, b, h, steps);
        double[] eps = HostArrays.read(eps3);
        double[] gates = f.gates();
        double[] recN = f.recN();
        double[] hidden = f.hidden();
        double[] mask = f.mask();
        double[] dzx = new double[steps * b * g]; // δ of the pre-activations [r, z, h̃] per row
        int rs = after ? g : 2 * h;
        double[] drec = new double[steps * b * rs]; // δ of the recurrent products (rows of h_{t−1}·RW or ·RW_rz)
        INDArray rwc = rw.dup('c');
        INDArray rwRz = columns(rw, 0, 2L * h);
        INDArray rwN = columns(rw, 2L * h, g);
        double[] h0 = f.h0();
        HostThreads.split(b, b * g >= SPLIT_MIN_GATES, (part, e0, e1) -> {
            int bh = e1 - e0;
            INDArray dRecStep = HostArrays.detached(dataType, bh, rs);
            INDArray dCandStep = HostArrays.detached(dataType, bh, h);
            INDArray back = HostArrays.detached(dataType, bh, h);
            double[] dh = new double[bh * h]; // δh_t arriving from step t + 1
            double[] backHeap = new double[bh * h];
            double[] drh = new double[bh * h];
            double[] dhp = new double[bh * h];
            double[] dan = new double[bh * h];
            for (int t = steps - 1; t >= 0; t--) {
                for (int le = 0; le < bh; le++) {
                    int e = e0 + le;
                    int row = t * b + e;
                    int zo = row * g;
                    int so = row * h;
                    boolean live = mask == null || mask[e * steps + t] != 0;
                    for (int j = 0; j < h; j++) {
                        double dht = dh[le * h + j] + (live ? eps[(e * h + j) * steps + t] : 0.0);
                        if (sink != null) {
                            sink[(e * h + j) * steps + t] = dht;
                        }
                        double prev = t > 0 ? hidden[so - b * h + j] : h0[e * h + j];
                        if (!live) { // the state was carried over: all of δh_t goes to h_{t−1}
                            dhp[le * h + j] = dht;
                            dan[le * h + j] = 0;
                            continue;
                        }
                        double zg = gates[zo + h + j];
                        double n = gates[zo + 2 * h + j];
                        double da = dht * (1 - zg) * (1 - n * n);
                        double dz = dht * (prev - n) * zg * (1 - zg);
                        dzx[zo + h + j] = dz;
                        dzx[zo + 2 * h + j] = da;
                        drec[row * rs + h + j] = dz;
                        dhp[le * h + j] = dht * zg;
                        dan[le * h + j] = da;
                    }
                }
                if (!after) { // δ(r ⊙ h_{t−1}) = δa · RW_nᵀ
                    HostArrays.write(dCandStep, dan);
                    Nd4j.gemm(dCandStep, rwN, back, false, true, 1.0, 0.0);
                    HostArrays.readInto(back, drh);
                }
                for (int le = 0; le < bh; le++) {
                    int e = e0 + le;
                    int row = t * b + e;
                    int zo = row * g;
                    int so = row * h;
                    if (mask != null && mask[e * steps + t] == 0) {
                        continue;
                    }
                    for (int j = 0; j < h; j++) {
                        double rg = gates[zo + j];
                        double prev = t > 0 ? hidden[so - b * h + j] : h0[e * h + j];
                        double dr;
                        if (after) {
                            dr = dan[le * h + j] * recN[so + j];
                            drec[row * rs + 2 * h + j] = dan[le * h + j] * rg;
                        } else {
                            dr = drh[le * h + j] * prev;
                            dhp[le * h + j] += drh[le * h + j] * rg;
                        }
                        double dar = dr * rg * (1 - rg);
                        dzx[zo + j] = dar;
                        drec[row * rs + j] = dar;
                    }
                }
                // δh_{t−1} += δrec · RWᵀ (RW_rz for the sheet's form); this part's rows of step t
                HostArrays.write(dRecStep, drec, (t * b + e0) * rs, bh * rs);
                Nd4j.gemm(dRecStep, after ? rwc : rwRz, back, false, true, 1.0, 0.0);
                HostArrays.readInto(back, backHeap);
                for (int i = 0; i < bh * h; i++) {
                    dh[i] = dhp[i] + backHeap[i];
                }
            }
        });
        // weight gradients over all steps at once
        INDArray dZx = HostArrays.detached(dataType, (long) steps * b, g);
        HostArrays.write(dZx, dzx);
        INDArray dRec = HostArrays.detached(dataType, (long) steps * b, rs);
        HostArrays.write(dRec, drec);
        double[] hpStack = new double[steps * b * h];
        System.arraycopy(f.h0(), 0, hpStack, 0, b * h);
        System.arraycopy(hidden, 0, hpStack, b * h, (steps - 1) * b * h);
        INDArray hPrev = HostArrays.detached(dataType, (long) steps * b, h);
        HostArrays.write(hPrev, hpStack);
        Map<String, INDArray> gv = gradientViews;
        INDArray gW = gv.get(GruParamInitializer.INPUT_WEIGHTS);
        INDArray gRW = gv.get(GruParamInitializer.RECURRENT_WEIGHTS);
        gW.assign(f.x2().transpose().mmul(dZx));
        if (after) {
            gRW.assign(hPrev.transpose().mmul(dRec));
        } else {
            gRW.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2L * h))
                    .assign(hPrev.transpose().mmul(dRec));
            INDArray rhStack = HostArrays.detached(dataType, (long) steps * b, h);
            HostArrays.write(rhStack, recN);
            INDArray dA = dZx.get(NDArrayIndex.all(), NDArrayIndex.interval(2L * h, g));
            gRW.get(NDArrayIndex.all(), NDArrayIndex.interval(2L * h, g))
                    .assign(rhStack.transpose().mmul(dA));
        }
        double[] db = new double[g];
        double[] dbhn = new double[h];
        for (int row = 0; row < steps * b; row++) {
            for (int k = 0; k < g; k++) {
                db[k] += dzx[row * g + k];
            }
            if (after) {
                for (int j = 0; j < h; j++) {
                    dbhn[j] += drec[row * rs + 2 * h + j];
                }
            }
        }
        INDArray gB = gv.get(GruParamInitializer.BIAS);
        gB.assign(Nd4j.create(db, new long[] {1, g}, DataType.DOUBLE).castTo(dataType));
        if (after) {
            gv.get(GruParamInitializer.CANDIDATE_RECURRENT_BIAS)
                    .assign(Nd4j.create(dbhn, new long[] {1, h}, DataType.DOUBLE)
                            .castTo(dataType));
        }
        double[] dx2 = HostArrays.read(dZx.mmul(w.transpose()));
        int nIn = f.nIn();
        double[] dx = HostArrays.batchMajor(dx2, b, nIn, steps);
        INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, new long[] {b, nIn, steps}, 'c');
        HostArrays.write(epsOut, dx);
        return gradientResult(gv, epsOut);
    }

    @Override
    public void clear() {
        super.clear();
        cache.clear();
    }
}
