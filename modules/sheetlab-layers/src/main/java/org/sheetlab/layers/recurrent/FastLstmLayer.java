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
    private final transient HostLayer.Cache<Forward> cache = new HostLayer.Cache<>();

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
        Forward f = cache.keep(training, forward(training, mgr));
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
        HostLayer.checkSequence(name(), input, nIn, RNNFormat.NCW);
        int b = (int) input.size(0);
        int steps = (int) input.size(2);
        if ((long) steps * b * 4 * h > Integer.MAX_VALUE - 8 || (long) steps * b * nIn > Integer.MAX_VALUE - 8) {
            throw new DL4JInvalidInputException(name() + ": sequence too long for one pass (" + steps + " steps x " + b
                    + " examples); use truncated BPTT or a smaller minibatch");
        }
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
        Forward f = cache.take(input, () -> forward(true, mgr));
        INDArray w = getParamWithNoise(LSTMParamInitializer.INPUT_WEIGHT_KEY, true, mgr);
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

        INDArray gW = gradientViews.get(LSTMParamInitializer.INPUT_WEIGHT_KEY);
        INDArray gRW = gradientViews.get(LSTMParamInitializer.RECURRENT_WEIGHT_KEY);
        INDArray gB = gradientViews.get(LSTMParamInitializer.BIAS_KEY);
        INDArray tW = detached(f.nIn(), g);
        HostThreads.gemm(f.x2(), dZ, tW, true, false);
        gW.assign(tW);
        INDArray tRW = detached(h, g);
        HostThreads.gemm(hPrev, dZ, tRW, true, false);
        gRW.assign(tRW);
        double[] db = new double[g];
        for (int row = 0; row < steps * b; row++) {
            for (int k = 0; k < g; k++) {
                db[k] += dz[row * g + k];
            }
        }
        gB.assign(Nd4j.create(db, new long[] {1, g}, DataType.DOUBLE).castTo(dataType));
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(LSTMParamInitializer.INPUT_WEIGHT_KEY, gW);
        gradient.setGradientFor(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, gRW);
        gradient.setGradientFor(LSTMParamInitializer.BIAS_KEY, gB);

        int nIn = f.nIn();
        INDArray dX2 = detached(steps * b, nIn);
        HostThreads.gemm(dZ, w, dX2, false, true);
        double[] dx2 = HostArrays.read(dX2);
        double[] dx = HostArrays.batchMajor(dx2, b, nIn, steps);
        INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, new long[] {b, nIn, steps}, 'c');
        HostArrays.write(epsOut, dx);
        weightNoiseParams.clear();
        return new Pair<>(gradient, backpropDropOutIfPresent(epsOut));
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
