package org.sheetlab.layers.recurrent;

import java.util.Arrays;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.LSTM;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.threads.HostThreads;
import org.sheetlab.layers.HostArrays;
import org.sheetlab.layers.HostLayer;
import org.sheetlab.layers.LayerWiring;

/**
 * The runtime layer behind {@link FastLSTM}: DL4J's LSTM with its full-sequence forward and backward passes replaced
 * where the fast path applies (CPU backend, NCW data, no mask, sigmoid gates and tanh activation, FLOAT or DOUBLE):
 *
 * <ul>
 *   <li>the input projections of all T steps are one product [T·B, n_in]·W, the recurrent product h_{t−1}·RW one
 *       product per step, and the gate arithmetic a plain loop over the [B, 4H] step in double precision;
 *   <li>backpropagation through time keeps the per-step pre-activation gradients δz_t [T·B, 4H] and forms dW, dRW,
 *       db and the input gradient with one product each after the loop (δh_{t−1} = δz_t·RWᵀ inside it).
 * </ul>
 *
 * Everything else (masks, NWC data, other activations, truncated BPTT, {@code rnnTimeStep} and stored state) is
 * DL4J's own implementation, which computes the same function. The forward results of a training pass are kept for
 * the backward pass of the same input array.
 */
public final class FastLstmLayer extends LSTM implements StateGradientRecording {
    /** Where a {@link #stateGradients} call collects ∂L/∂s_t; null outside such a call. */
    private transient double[] stateGradientSink;

    private static final long serialVersionUID = 1L;
    private static final boolean CPU = "CPU"
            .equalsIgnoreCase(Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend"));

    /** What a training forward pass keeps for its backward pass (heap, double, time-major: row t·B + b). */
    private final transient HostLayer.Cache<HostLayer.Pass> cache = new HostLayer.Cache<>();

    public FastLstmLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    record Forward(
            INDArray input, // the layer input this was computed from
            int b,
            int nIn,
            int t,
            int h,
            INDArray x2, // [T·B, n_in] native, time-major input rows
            double[] gates, // [T·B·4H] activated gates [a, f, o, i] per row
            double[] cells, // [T·B·H] C_t
            double[] tanhCells, // [T·B·H] HostArrays.tanh(C_t)
            double[] hidden) // [T·B·H] h_t
            implements HostLayer.Pass {}

    /** {@link Forward} of the FLOAT pass ({@link #floatPath}): the same arrays in float. */
    record FloatForward(
            INDArray input,
            int b,
            int nIn,
            int t,
            int h,
            float[] xr, // [T·B·n_in] time-major input rows
            float[] gates, // [T·B·4H] activated gates [a, f, o, i] per row
            float[] cells, // [T·B·H] C_t
            float[] tanhCells, // [T·B·H] tanh(C_t)
            float[] hidden) // [T·B·H] h_t
            implements HostLayer.Pass {}

    private boolean fastPath() {
        return CPU
                && helper == null
                && maskArray == null
                && input != null
                && input.rank() == 3
                && layerConf().getRnnDataFormat() == RNNFormat.NCW
                && layerConf().getGateActivationFn() instanceof ActivationSigmoid
                && layerConf().getActivationFn() instanceof ActivationTanH
                && (dataType == DataType.FLOAT || dataType == DataType.DOUBLE)
                && input.dataType() == dataType;
    }

    /**
     * The FLOAT pass: the fast path in FLOAT, its per-step products and gate arithmetic in {@link RnnKernels} (Vector
     * API where the JVM has it) on heap floats. DOUBLE (gradient checks) and state-gradient recording keep the double
     * loops.
     */
    private boolean floatPath() {
        return fastPath() && dataType == DataType.FLOAT && stateGradientSink == null && !RnnKernels.referenceOnly;
    }

    @Override
    public INDArray activate(INDArray input, boolean training, LayerWorkspaceMgr mgr) {
        setInput(input, mgr);
        return activate(training, mgr);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        if (!fastPath()) {
            return super.activate(training, mgr);
        }
        applyDropOutIfNecessary(training, mgr);
        if (floatPath()) {
            FloatForward f = forwardFloat(training, mgr);
            cache.keep(training, f);
            INDArray out =
                    mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {f.b(), f.h(), f.t()}, 'c');
            float[] o = outBuf = RnnKernels.sized(outBuf, f.b() * f.h() * f.t());
            RnnKernels.batchMajor(f.hidden(), f.b(), f.h(), f.t(), o);
            RnnKernels.write(out, o);
            return out;
        }
        Forward f = forward(training, mgr);
        cache.keep(training, f);
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {f.b(), f.h(), f.t()}, 'c');
        HostArrays.write(out, HostArrays.batchMajor(f.hidden(), f.b(), f.h(), f.t()));
        return out;
    }

    /** Per-thread arrays of one part of the batch, reused while the shapes stay the same. */
    private static final class Scratch {
        INDArray state; // [Bh, H]: h_{t−1} (forward) or δh_{t−1} (backward)
        INDArray step; // [Bh, 4H]: the recurrent product (forward) or δz_t (backward)
        double[] rows = new double[0];
        double[] small = new double[0];

        void ensure(DataType type, int bh, int h) {
            if (state == null || state.dataType() != type || state.size(0) != bh || state.size(1) != h) {
                try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    state = Nd4j.createUninitialized(type, bh, h);
                    step = Nd4j.createUninitialized(type, bh, 4L * h);
                }
                rows = new double[bh * 4 * h];
                small = new double[bh * h];
            }
        }
    }

    private transient Scratch[] scratch;
    private transient double[] gatesBuf;
    private transient double[] cellsBuf;
    private transient double[] tanhBuf;
    private transient double[] hiddenBuf;
    private transient double[] dzBuf;
    // the FLOAT pass's heap arrays, reused while the sizes stay the same
    private transient float[] xBuf;
    private transient float[] xrBuf;
    private transient float[] gatesF;
    private transient float[] cellsF;
    private transient float[] tanhF;
    private transient float[] hiddenF;
    private transient float[] outBuf;
    private transient float[] epsBuf;
    private transient float[] epsT;
    private transient float[] dzF;
    private transient float[][] partRows;
    private transient INDArray dZBuf;
    private transient INDArray dX2Buf;
    private transient float[] wBuf;
    private transient float[] rwBuf;
    private transient float[] rwTBuf;
    private transient float[] biasBuf;
    private transient float[] wPacked;
    private transient float[] rwPacked;
    private transient float[] rwTPacked;
    private transient float[][] partSmall;
    private transient float[][] partSmall2;
    private transient float[][] partDw;
    private transient float[][] partDrw;
    private transient float[][] partDb;

    private static double[] sized(double[] old, int n) {
        return old != null && old.length == n ? old : new double[n];
    }

    /** Creates the threads' scratch holders; called before a pass is split, never from inside it. */
    private void prepareScratch() {
        if (scratch == null || scratch.length < HostThreads.maxParts()) {
            scratch = new Scratch[HostThreads.maxParts()];
            for (int i = 0; i < scratch.length; i++) {
                scratch[i] = new Scratch();
            }
        }
    }

    private Scratch scratch(int part, int bh, int h) {
        scratch[part].ensure(dataType, bh, h);
        return scratch[part];
    }

    /** Below this many gate values per step (B·4H) the batch is not split over the host threads. */
    static final int SPLIT_MIN_GATES = 4096;

    private Forward forward(boolean training, LayerWorkspaceMgr mgr) {
        INDArray w = getParamWithNoise(LSTMParamInitializer.INPUT_WEIGHT_KEY, training, mgr);
        INDArray rw = getParamWithNoise(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, training, mgr);
        double[] bias = HostArrays.read(getParamWithNoise(LSTMParamInitializer.BIAS_KEY, training, mgr));
        int nIn = (int) w.size(0);
        int h = (int) rw.size(0);
        checkSizes(nIn, h);
        int b = (int) input.size(0);
        int steps = (int) input.size(2);
        int g = 4 * h;
        // time-major input rows x2[t·B + b, k] = x[b, k, t], and their projections z = x2·W for all steps at once
        double[] x = HostArrays.read(input);
        double[] xr = HostArrays.timeMajor(x, b, nIn, steps);
        INDArray x2 = detached(steps * b, nIn);
        HostArrays.write(x2, xr);
        INDArray zx = detached(steps * b, g);
        HostThreads.gemm(x2, w, zx, false, false);
        double[] z = HostArrays.read(zx);

        // every element of these is written below, so the previous pass's arrays are reused when the sizes match
        double[] gates = gatesBuf = sized(gatesBuf, steps * b * g);
        double[] cells = cellsBuf = sized(cellsBuf, steps * b * h);
        double[] tanhCells = tanhBuf = sized(tanhBuf, steps * b * h);
        double[] hidden = hiddenBuf = sized(hiddenBuf, steps * b * h);
        INDArray rwc = rw.dup('c');
        prepareScratch();
        // the examples are independent: each part of the batch runs its whole recurrence on its own thread
        HostThreads.split(b, b * g >= SPLIT_MIN_GATES, (part, e0, e1) -> {
            int bh = e1 - e0;
            Scratch sc = scratch(part, bh, h);
            double[] r = sc.rows;
            for (int t = 0; t < steps; t++) {
                if (t > 0) {
                    Nd4j.gemm(sc.state, rwc, sc.step, false, false, 1.0, 0.0);
                    HostArrays.readInto(sc.step, r);
                }
                for (int e = e0; e < e1; e++) {
                    int row = t * b + e;
                    int zo = row * g;
                    int so = row * h;
                    int po = (row - b) * h; // the previous step's row of this example
                    int ro = (e - e0) * g;
                    for (int j = 0; j < h; j++) {
                        double za = z[zo + j] + bias[j];
                        double zf = z[zo + h + j] + bias[h + j];
                        double zo2 = z[zo + 2 * h + j] + bias[2 * h + j];
                        double zi = z[zo + 3 * h + j] + bias[3 * h + j];
                        if (t > 0) {
                            za += r[ro + j];
                            zf += r[ro + h + j];
                            zo2 += r[ro + 2 * h + j];
                            zi += r[ro + 3 * h + j];
                        }
                        double a = HostArrays.tanh(za);
                        double fg = HostArrays.sigmoid(zf);
                        double og = HostArrays.sigmoid(zo2);
                        double ig = HostArrays.sigmoid(zi);
                        double c = ig * a + (t > 0 ? fg * cells[po + j] : 0.0);
                        double tc = HostArrays.tanh(c);
                        double hv = og * tc;
                        gates[zo + j] = a;
                        gates[zo + h + j] = fg;
                        gates[zo + 2 * h + j] = og;
                        gates[zo + 3 * h + j] = ig;
                        cells[so + j] = c;
                        tanhCells[so + j] = tc;
                        hidden[so + j] = hv;
                    }
                }
                if (t + 1 < steps) {
                    HostArrays.write(sc.state, hidden, (t * b + e0) * h, bh * h); // this part's rows of h_t
                }
            }
        });
        return new Forward(input, b, nIn, steps, h, x2, gates, cells, tanhCells, hidden);
    }

    /** The input's shape against the weights, and the pass's sizes against the int indexing of the heap arrays. */
    private void checkSizes(int nIn, int h) {
        HostLayer.checkSequence(name(), input, nIn, RNNFormat.NCW);
        long b = input.size(0);
        long steps = input.size(2);
        if (steps * b * 4 * h > Integer.MAX_VALUE - 8 || steps * b * nIn > Integer.MAX_VALUE - 8) {
            throw new DL4JInvalidInputException(name() + ": sequence too long for one pass (" + steps + " steps x " + b
                    + " examples); use truncated BPTT or a smaller minibatch");
        }
    }

    /** Per-part heap scratch of n floats (index part), reused while the size stays the same. */
    private static float[] part(float[][] holder, int part, int n) {
        if (holder[part] == null || holder[part].length != n) {
            holder[part] = new float[n];
        }
        return holder[part];
    }

    private void preparePartScratch() {
        int parts = HostThreads.maxParts();
        if (partRows == null || partRows.length < parts) {
            partRows = new float[parts][];
            partSmall = new float[parts][];
            partSmall2 = new float[parts][];
            partDw = new float[parts][];
            partDrw = new float[parts][];
            partDb = new float[parts][];
        }
    }

    /**
     * The FLOAT forward pass: W and RW packed once ({@link RnnKernels#pack}); per part of the batch and step, z_t =
     * x_t·W + h_{t−1}·RW ({@link RnnKernels#gemmPacked}) into the step's rows of the gate array, whose gates are then
     * activated in place ({@link RnnKernels#lstmForwardRow}).
     */
    private FloatForward forwardFloat(boolean training, LayerWorkspaceMgr mgr) {
        INDArray w = getParamWithNoise(LSTMParamInitializer.INPUT_WEIGHT_KEY, training, mgr);
        INDArray rw = getParamWithNoise(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, training, mgr);
        INDArray bp = getParamWithNoise(LSTMParamInitializer.BIAS_KEY, training, mgr);
        int nIn = (int) w.size(0);
        int h = (int) rw.size(0);
        checkSizes(nIn, h);
        int b = (int) input.size(0);
        int steps = (int) input.size(2);
        int g = 4 * h;
        long t0 = RnnKernels.now();
        float[] wF = wBuf = RnnKernels.sized(wBuf, nIn * g);
        RnnKernels.read(w, wF);
        float[] rwF = rwBuf = RnnKernels.sized(rwBuf, h * g);
        RnnKernels.read(rw, rwF);
        float[] bias = biasBuf = RnnKernels.sized(biasBuf, g);
        RnnKernels.read(bp, bias);
        float[] wP = wPacked = RnnKernels.pack(nIn, g, wF, 0, g, RnnKernels.sized(wPacked, nIn * g));
        float[] rwP = rwPacked = RnnKernels.pack(h, g, rwF, 0, g, RnnKernels.sized(rwPacked, h * g));
        float[] x = xBuf = RnnKernels.sized(xBuf, b * nIn * steps);
        float[] xr = xrBuf = RnnKernels.sized(xrBuf, b * nIn * steps);
        RnnKernels.readTimeMajor(input, b, nIn, steps, x, xr);
        float[] gates = gatesF = RnnKernels.sized(gatesF, steps * b * g);
        float[] cells = cellsF = RnnKernels.sized(cellsF, steps * b * h);
        float[] tanhCells = tanhF = RnnKernels.sized(tanhF, steps * b * h);
        float[] hidden = hiddenF = RnnKernels.sized(hiddenF, steps * b * h);
        t0 = RnnKernels.lap("lstm fwd: read and copy in", t0);
        HostThreads.split(b, b * g >= SPLIT_MIN_GATES, (part, e0, e1) -> {
            int bh = e1 - e0;
            for (int t = 0; t < steps; t++) {
                int zo = (t * b + e0) * g; // this part's rows of step t: first the pre-activations, then the gates
                RnnKernels.gemmPacked(bh, g, nIn, xr, (t * b + e0) * nIn, nIn, 1, wP, wF, 0, g, gates, zo, g, false);
                if (t > 0) {
                    RnnKernels.gemmPacked(
                            bh, g, h, hidden, ((t - 1) * b + e0) * h, h, 1, rwP, rwF, 0, g, gates, zo, g, true);
                }
                for (int e = e0; e < e1; e++) {
                    int row = t * b + e;
                    RnnKernels.lstmForwardRow(
                            h,
                            gates,
                            row * g,
                            bias,
                            cells,
                            t > 0 ? (row - b) * h : -1,
                            gates,
                            row * g,
                            tanhCells,
                            hidden,
                            row * h);
                }
            }
        });
        RnnKernels.lap("lstm fwd: recurrence", t0);
        return new FloatForward(input, b, nIn, steps, h, xr, gates, cells, tanhCells, hidden);
    }

    /**
     * The FLOAT backward pass: per part, from the last step down, δz_t of each row ({@link RnnKernels#lstmBackwardRow}),
     * δh_{t−1} = δz_t·RWᵀ (RWᵀ packed once) and the part's dW += x_tᵀ·δz_t, dRW += h_{t−1}ᵀ·δz_t (δz_t packed once for
     * both), db += Σ δz_t ({@link RnnKernels#gemmPacked}); the parts' sums are added in part order, and ε_in = δZ·Wᵀ is
     * one BLAS product.
     */
    private Pair<Gradient, INDArray> backwardFloat(FloatForward f, INDArray epsilon, LayerWorkspaceMgr mgr) {
        INDArray rw = getParamWithNoise(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, true, mgr);
        int b = f.b();
        int h = f.h();
        int g = 4 * h;
        int steps = f.t();
        HostLayer.checkEpsilon(name(), epsilon, b, h, steps);
        long t0 = RnnKernels.now();
        float[] epsIn = epsBuf = RnnKernels.sized(epsBuf, b * h * steps);
        float[] eps = epsT = RnnKernels.sized(epsT, b * h * steps);
        RnnKernels.readTimeMajor(epsilon, b, h, steps, epsIn, eps);
        float[] rwF = rwBuf = RnnKernels.sized(rwBuf, h * g);
        RnnKernels.read(rw, rwF);
        float[] rwT = rwTBuf = RnnKernels.transpose(rwF, h, g, RnnKernels.sized(rwTBuf, g * h));
        float[] rwTP = rwTPacked = RnnKernels.pack(g, h, rwT, 0, h, RnnKernels.sized(rwTPacked, g * h));
        float[] gates = f.gates();
        float[] cells = f.cells();
        float[] tanhCells = f.tanhCells();
        float[] hidden = f.hidden();
        float[] xr = f.xr();
        int nIn = f.nIn();
        float[] dz = dzF = RnnKernels.sized(dzF, steps * b * g);
        preparePartScratch();
        t0 = RnnKernels.lap("lstm bwd: read eps", t0);
        int parts = HostThreads.split(b, b * g >= SPLIT_MIN_GATES, (part, e0, e1) -> {
            int bh = e1 - e0;
            float[] dhRec = part(partSmall, part, bh * h); // δh_t arriving from step t + 1 through RW
            float[] dcNext = part(partSmall2, part, bh * h);
            Arrays.fill(dhRec, 0f);
            Arrays.fill(dcNext, 0f);
            float[] dW = part(partDw, part, nIn * g); // this part's Σ_t x_tᵀ·δz_t, h_{t−1}ᵀ·δz_t and Σ δz_t
            float[] dRW = part(partDrw, part, h * g);
            float[] db = part(partDb, part, g);
            float[] dzP = part(partRows, part, bh * g); // δz_t of this part's rows, packed
            Arrays.fill(dW, 0f);
            Arrays.fill(dRW, 0f);
            Arrays.fill(db, 0f);
            for (int t = steps - 1; t >= 0; t--) {
                for (int e = e0; e < e1; e++) {
                    int row = t * b + e;
                    RnnKernels.lstmBackwardRow(
                            h,
                            eps,
                            row * h,
                            dhRec,
                            (e - e0) * h,
                            gates,
                            row * g,
                            cells,
                            t > 0 ? (row - b) * h : -1,
                            tanhCells,
                            row * h,
                            dcNext,
                            (e - e0) * h,
                            dz);
                }
                int zo = (t * b + e0) * g;
                if (t > 0) {
                    RnnKernels.gemmPacked(bh, h, g, dz, zo, g, 1, rwTP, rwT, 0, h, dhRec, 0, h, false);
                }
                // this part's share of the weight gradients, while δz_t is in cache (packed once for both)
                RnnKernels.addRows(dz, zo, bh, g, db);
                RnnKernels.pack(bh, g, dz, zo, g, dzP);
                RnnKernels.gemmPacked(nIn, g, bh, xr, (t * b + e0) * nIn, 1, nIn, dzP, dz, zo, g, dW, 0, g, true);
                if (t > 0) {
                    RnnKernels.gemmPacked(
                            h, g, bh, hidden, ((t - 1) * b + e0) * h, 1, h, dzP, dz, zo, g, dRW, 0, g, true);
                }
            }
        });
        t0 = RnnKernels.lap("lstm bwd: recurrence", t0);
        INDArray dZ = dZBuf = HostArrays.detached(dZBuf, dataType, (long) steps * b, g);
        RnnKernels.write(dZ, dz);
        float[] dW = new float[nIn * g];
        float[] dRW = new float[h * g];
        float[] db = new float[g];
        for (int p = 0; p < parts; p++) { // the parts' sums added in part order
            add(partDw[p], dW);
            add(partDrw[p], dRW);
            add(partDb[p], db);
        }
        RnnKernels.lap("lstm bwd: copy out and sum parts", t0);
        return gradients(
                null,
                dZ,
                Nd4j.createFromArray(dW).reshape(nIn, g),
                Nd4j.createFromArray(dRW).reshape(h, g),
                Nd4j.createFromArray(db).reshape(1, g),
                b,
                nIn,
                steps,
                mgr);
    }

    private static void add(float[] from, float[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }

    /**
     * The end of both backward passes: dW = x2ᵀ·δZ, dRW = h_prevᵀ·δZ (x2, h_prev, δZ: the time-major [T·B, ·] rows)
     * or, where x2 is null, dW and dRW as given in {@code hPrevOrDw}/{@code dRw}; db given; into the gradient views;
     * ε_in = δZ·Wᵀ back to [B, n_in, T].
     */
    private Pair<Gradient, INDArray> gradients(
            INDArray x2,
            INDArray dZ,
            INDArray hPrevOrDw,
            INDArray dRw,
            INDArray db,
            int b,
            int nIn,
            int steps,
            LayerWorkspaceMgr mgr) {
        long t0 = RnnKernels.now();
        INDArray w = getParamWithNoise(LSTMParamInitializer.INPUT_WEIGHT_KEY, true, mgr);
        long g = dZ.size(1);
        INDArray gW = gradientViews.get(LSTMParamInitializer.INPUT_WEIGHT_KEY);
        INDArray gRW = gradientViews.get(LSTMParamInitializer.RECURRENT_WEIGHT_KEY);
        INDArray gB = gradientViews.get(LSTMParamInitializer.BIAS_KEY);
        if (x2 == null) {
            gW.assign(hPrevOrDw);
            gRW.assign(dRw);
        } else {
            INDArray tW = detached(nIn, g);
            HostThreads.gemm(x2, dZ, tW, true, false);
            gW.assign(tW);
            INDArray tRW = detached(hPrevOrDw.size(1), g);
            HostThreads.gemm(hPrevOrDw, dZ, tRW, true, false);
            gRW.assign(tRW);
        }
        gB.assign(db.castTo(dataType));
        t0 = RnnKernels.lap("lstm bwd: dW dRW db", t0);
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(LSTMParamInitializer.INPUT_WEIGHT_KEY, gW);
        gradient.setGradientFor(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, gRW);
        gradient.setGradientFor(LSTMParamInitializer.BIAS_KEY, gB);
        INDArray dX2 = dX2Buf = HostArrays.detached(dX2Buf, dataType, (long) steps * b, nIn);
        HostThreads.gemm(dZ, w, dX2, false, true);
        INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, new long[] {b, nIn, steps}, 'c');
        epsOut.assign(dX2.reshape('c', steps, b, nIn).permute(1, 2, 0));
        RnnKernels.lap("lstm bwd: dX", t0);
        weightNoiseParams.clear();
        return new Pair<>(gradient, backpropDropOutIfPresent(epsOut));
    }

    /** {@inheritDoc} Needs the fast path (CPU, NCW, no mask, σ/tanh gates); otherwise fails naming the cause. */
    @Override
    public INDArray stateGradients(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        if (!fastPath()) {
            throw new IllegalStateException(name() + ": state gradients are read from FastLSTM's own backward pass, "
                    + "which covers NCW input on the CPU backend without a mask and with sigmoid/tanh gates; this "
                    + "input or configuration runs DL4J's LSTM code instead");
        }
        return StateSinks.record(
                input.size(0),
                layerConf().getNOut(),
                input.size(2),
                sink -> stateGradientSink = sink,
                () -> backpropGradient(epsilon, mgr));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        if (!fastPath()) {
            return super.backpropGradient(epsilon, mgr);
        }
        double[] sink = stateGradientSink;
        HostLayer.Pass kept = cache.take(input, () -> null);
        if (floatPath()) {
            return backwardFloat(kept instanceof FloatForward ff ? ff : forwardFloat(true, mgr), epsilon, mgr);
        }
        Forward f = kept instanceof Forward df ? df : forward(true, mgr);
        INDArray rw = getParamWithNoise(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, true, mgr);
        int b = f.b();
        int h = f.h();
        int g = 4 * h;
        int steps = f.t();
        HostLayer.checkEpsilon(name(), epsilon, b, h, steps);
        double[] epsIn = HostArrays.read(epsilon);
        double[] eps = HostArrays.timeMajor(epsIn, b, h, steps); // time-major: row t·B + b
        double[] gates = f.gates();
        double[] cells = f.cells();
        double[] tanhCells = f.tanhCells();
        double[] dz = dzBuf = sized(dzBuf, steps * b * g);
        INDArray rwc = rw.dup('c');
        prepareScratch();
        HostThreads.split(b, b * g >= SPLIT_MIN_GATES, (part, e0, e1) -> {
            int bh = e1 - e0;
            Scratch sc = scratch(part, bh, h);
            double[] dh = sc.small; // δh_t arriving from step t + 1 through RW
            double[] dcNext = new double[bh * h];
            Arrays.fill(dh, 0.0);
            for (int t = steps - 1; t >= 0; t--) {
                for (int e = e0; e < e1; e++) {
                    int row = t * b + e;
                    int zo = row * g;
                    int so = row * h;
                    int po = (row - b) * h;
                    int lo = (e - e0) * h;
                    for (int j = 0; j < h; j++) {
                        double dht = eps[so + j] + dh[lo + j];
                        if (sink != null) {
                            sink[(e * h + j) * steps + t] = dht;
                        }
                        double a = gates[zo + j];
                        double fg = gates[zo + h + j];
                        double og = gates[zo + 2 * h + j];
                        double ig = gates[zo + 3 * h + j];
                        double tc = tanhCells[so + j];
                        double dc = dht * og * (1 - tc * tc) + dcNext[lo + j];
                        double cPrev = t > 0 ? cells[po + j] : 0.0;
                        double da = dc * ig * (1 - a * a);
                        double df = dc * cPrev * fg * (1 - fg);
                        double dO = dht * tc * og * (1 - og);
                        double di = dc * a * ig * (1 - ig);
                        dz[zo + j] = da;
                        dz[zo + h + j] = df;
                        dz[zo + 2 * h + j] = dO;
                        dz[zo + 3 * h + j] = di;
                        dcNext[lo + j] = dc * fg;
                    }
                }
                if (t > 0) {
                    HostArrays.write(sc.step, dz, (t * b + e0) * g, bh * g); // this part's rows of δz_t
                    Nd4j.gemm(sc.step, rwc, sc.state, false, true, 1.0, 0.0);
                    HostArrays.readInto(sc.state, dh);
                }
            }
        });
        INDArray dZ = detached(steps * b, g);
        HostArrays.write(dZ, dz);
        // h_{t−1} rows (zeros for t = 0)
        double[] hp = new double[steps * b * h];
        System.arraycopy(f.hidden(), 0, hp, b * h, (steps - 1) * b * h);
        INDArray hPrev = detached(steps * b, h);
        HostArrays.write(hPrev, hp);
        double[] db = new double[g];
        for (int row = 0; row < steps * b; row++) {
            for (int k = 0; k < g; k++) {
                db[k] += dz[row * g + k];
            }
        }
        return gradients(
                f.x2(), dZ, hPrev, null, Nd4j.create(db, new long[] {1, g}, DataType.DOUBLE), b, f.nIn(), steps, mgr);
    }

    private String name() {
        String n = layerConf().getLayerName();
        return LayerWiring.describe("FastLSTM", n, index);
    }

    private INDArray detached(long rows, long cols) {
        return HostArrays.detached(dataType, rows, cols);
    }

    @Override
    public void clear() {
        super.clear();
        cache.clear();
    }
}
