package org.sheetlab.experiments.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.layers.recurrent.FastLSTM;
import org.sheetlab.layers.recurrent.GRU;
import org.sheetlab.layers.recurrent.GruParamInitializer;
import org.sheetlab.layers.recurrent.LibNd4jRecurrentOps;
import org.sheetlab.layers.recurrent.LibNd4jRecurrentOps.LstmWeights;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Command;

/**
 * {@code sheetlab bench onednn}: our recurrent kernels against libnd4j's own ops on the same weights, at the shapes of
 * {@code bench lstm} / {@code bench gru} (batch 64, 28 steps of 28 inputs, 128 hidden units, FLOAT), forward and
 * backward of one batch, median ms per call (issue 20, "library primitives before hand-written loops"):
 *
 * <ul>
 *   <li>{@link FastLSTM}'s layer against {@code lstmLayer} + {@code lstmLayer_bp} ({@link LibNd4jRecurrentOps}), the
 *       forward pass once through libnd4j's oneDNN implementation (helpers allowed, [B, T, n_in] layout) and once
 *       through its own loop (helpers off, NCW); {@code lstmLayer_bp} has no oneDNN implementation and recomputes the
 *       forward pass inside;
 *   <li>{@link GRU} (resetAfter) against {@code gru} + {@code gru_bp} (no oneDNN implementation; gru_bp's result is
 *       not gru's gradient in M2.1, so its ratio is shown but not counted);
 *   <li>for reference, DL4J's SubsamplingLayer (max and average, 2×2 stride 2 on [64, 32, 28, 28]) forward and
 *       backward with oneDNN (helpers allowed) and without.
 * </ul>
 *
 * Before timing, the ops' outputs and gradients are compared with our layers' on the same input and weights (max abs
 * difference in the JSON). Both sides run back to back in the same JVM, in alternating rounds; the comparison runs in
 * two child JVMs, OMP_NUM_THREADS=1 (what scripts/sheetlab sets) and OMP_NUM_THREADS = cores (libnd4j's and oneDNN's
 * OpenMP threads), and takes each candidate's faster setting. The ratio is the best op's time over ours (above 1 = ours
 * faster), the worse of LSTM and GRU where the op's gradient is valid. The result is recorded as
 * {@code onednn-<date>.json} in the results folder.
 */
@Command(
        name = "onednn",
        mixinStandardHelpOptions = true,
        description = "FastLSTM / GRU forward+backward vs libnd4j's lstmLayer (oneDNN) / gru ops on the same weights, "
                + "and DL4J's pooling with and without oneDNN; median ms per batch (peer: the faster op).")
final class OneDnnRnnBench extends Bench {
    private static final int BATCH = 64;
    private static final int STEPS = 28;
    private static final int N_IN = 28;
    private static final int HIDDEN = 128;
    private static final LayerWorkspaceMgr NONE = LayerWorkspaceMgr.noWorkspaces();

    /** Above this max abs difference (FLOAT) an op does not compute what our layer computes. */
    static final double TOLERANCE = 1e-4;

    OneDnnRnnBench() {
        super(20, 5);
    }

    @Override
    boolean needsTorch() {
        return false;
    }

    @Override
    String noPeer() {
        return "no valid op";
    }

    @Override
    OptionalDouble compare() throws IOException, InterruptedException {
        List<JsonNode> settings = new ArrayList<>();
        for (int omp : cores > 1 ? new int[] {1, cores} : new int[] {1}) {
            Path file = out.resolve("onednn-omp" + omp + ".json");
            child(file, omp);
            settings.add(RunDirectory.JSON.readTree(file.toFile()));
        }
        // each candidate at its faster OpenMP setting
        Map<String, Double> best = new LinkedHashMap<>();
        Map<String, Integer> bestOmp = new LinkedHashMap<>();
        for (JsonNode s : settings) {
            s.get("medianMs").fields().forEachRemaining(e -> {
                double ms = e.getValue().asDouble();
                if (!best.containsKey(e.getKey()) || ms < best.get(e.getKey())) {
                    best.put(e.getKey(), ms);
                    bestOmp.put(e.getKey(), s.get("ompThreads").asInt());
                }
            });
        }
        System.out.printf(Locale.ROOT, "%-62s %10s %10s%n", "fwd+bwd (or fwd) per batch", "median ms", "OMP thr.");
        best.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-62s %10.2f %10d%n", k, v, bestOmp.get(k)));
        JsonNode checks = settings.get(0).get("checks");
        boolean lstmValid = checks.get("lstmValid").asBoolean();
        boolean gruValid = checks.get("gruValid").asBoolean();
        Map<String, Object> ratios = new LinkedHashMap<>();
        double lstm = Math.min(best.get(LSTM_ONEDNN), best.get(LSTM_LOOP)) / best.get(LSTM_OURS);
        double gru = best.get(GRU_OP) / best.get(GRU_OURS);
        ratios.put("lstm", lstm);
        ratios.put("gru", gru);
        System.out.printf(
                Locale.ROOT,
                "lstm: %.2f (best op over FastLSTM%s); gru: %.2f (gru+gru_bp over GRU%s)%n",
                lstm,
                lstmValid ? "" : ", NOT counted: the op's result differs",
                gru,
                gruValid ? "" : ", NOT counted: gru_bp is not gru's gradient");
        OptionalDouble ratio = lstmValid || gruValid
                ? OptionalDouble.of(Math.min(lstmValid ? lstm : Double.MAX_VALUE, gruValid ? gru : Double.MAX_VALUE))
                : OptionalDouble.empty();
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("benchmark", "onednn");
        record.put("date", LocalDate.now().toString());
        record.put("cpu", cpuName());
        record.put("cores", cores);
        record.put("bestMs", best);
        record.put("bestOmpThreads", bestOmp);
        record.put("ratios", ratios);
        record.put("ratio", ratio.isPresent() ? ratio.getAsDouble() : null);
        record.put("settings", settings);
        Path dir = Files.createDirectories(
                resultsDir != null ? resultsDir : root.resolve("bench").resolve("results"));
        Path file = dir.resolve("onednn-" + LocalDate.now() + ".json");
        RunDirectory.JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), record);
        System.out.println("recorded " + file);
        return ratio;
    }

    /** {@code bench onednn --measure} in a child JVM with this JVM's flags and OMP_NUM_THREADS={@code omp}. */
    private void child(Path stdout, int omp) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current()
                .info()
                .command()
                .orElse(Paths.get(System.getProperty("java.home"), "bin", "java")
                        .toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                spec.root().userObject().getClass().getName()));
        cmd.addAll(List.of(
                "bench",
                name(),
                "--measure",
                "--seed",
                Long.toString(seed),
                "--rounds",
                Integer.toString(rounds),
                "--batches",
                Integer.toString(batches),
                "--warmup",
                Integer.toString(warmup)));
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(omp));
        run(pb, "sheetlab bench " + name() + " --measure (OMP_NUM_THREADS=" + omp + ")");
    }

    private static String cpuName() {
        try {
            return Files.readAllLines(Paths.get("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static final String LSTM_OURS = "lstm: sheetlab FastLSTM";
    static final String LSTM_ONEDNN = "lstm: lstmLayer (oneDNN, [B,T,nIn]) + lstmLayer_bp";
    static final String LSTM_LOOP = "lstm: lstmLayer (libnd4j loop, NCW) + lstmLayer_bp";
    static final String GRU_OURS = "gru: sheetlab GRU (resetAfter)";
    static final String GRU_OP = "gru: gru + gru_bp (libnd4j)";

    @Override
    Map<String, Object> measure() {
        DataType f = DataType.FLOAT;
        Nd4j.getRandom().setSeed(seed);
        boolean helpers = Nd4j.getEnvironment().helpersAllowed();
        INDArray x = Nd4j.rand(f, BATCH, N_IN, STEPS); // pixel rows in [0, 1)
        INDArray dy = Nd4j.randn(f, BATCH, HIDDEN, STEPS).muli(0.01);
        Map<String, Object> checks = new LinkedHashMap<>();
        Map<String, Runnable> timed = new LinkedHashMap<>();

        // LSTM: FastLSTM's layer and the ops on its weights
        Layer lstm = layer(
                new FastLSTM.Builder()
                        .nIn(N_IN)
                        .nOut(HIDDEN)
                        .activation(Activation.TANH)
                        .build(),
                f);
        INDArray bias = lstm.getParam(LSTMParamInitializer.BIAS_KEY);
        bias.addi(Nd4j.randn(f, bias.shape()).muli(0.1));
        INDArray w = lstm.getParam(LSTMParamInitializer.INPUT_WEIGHT_KEY);
        INDArray rw = lstm.getParam(LSTMParamInitializer.RECURRENT_WEIGHT_KEY);
        INDArray b = lstm.getParam(LSTMParamInitializer.BIAS_KEY);
        lstm.setInput(x, NONE);
        INDArray y = lstm.activate(true, NONE).dup();
        Pair<Gradient, INDArray> g = lstm.backpropGradient(dy, NONE);
        LstmWeights ow = LibNd4jRecurrentOps.lstmWeights(w, rw, b);
        double fwdOneDnn = diff(LibNd4jRecurrentOps.lstmForward(x, ow, true), y);
        Nd4j.getEnvironment().allowHelpers(false);
        double fwdLoop = diff(LibNd4jRecurrentOps.lstmForward(x, ow, false), y);
        Nd4j.getEnvironment().allowHelpers(helpers);
        LibNd4jRecurrentOps.Gradients og = LibNd4jRecurrentOps.lstmBackward(x, ow, dy);
        double dx = diff(og.dx(), g.getSecond());
        double dw = diff(og.dw(), g.getFirst().getGradientFor(LSTMParamInitializer.INPUT_WEIGHT_KEY));
        double drw = diff(og.drw(), g.getFirst().getGradientFor(LSTMParamInitializer.RECURRENT_WEIGHT_KEY));
        double db = diff(og.db(), g.getFirst().getGradientFor(LSTMParamInitializer.BIAS_KEY));
        checks.put("lstmForwardOneDnnMaxAbsDiff", fwdOneDnn);
        checks.put("lstmForwardLoopMaxAbsDiff", fwdLoop);
        checks.put("lstmDxMaxAbsDiff", dx);
        checks.put("lstmDWMaxAbsDiff", dw);
        checks.put("lstmDRWMaxAbsDiff", drw);
        checks.put("lstmDbMaxAbsDiff", db);
        checks.put(
                "lstmValid",
                Math.max(Math.max(fwdOneDnn, fwdLoop), Math.max(Math.max(dx, dw), Math.max(drw, db))) < TOLERANCE);

        // the ops' arrays, allocated once (as a wired-in op would keep them); the weights are re-laid out per call
        INDArray xNtc = Nd4j.createUninitialized(f, new long[] {BATCH, STEPS, N_IN}, 'c');
        INDArray yNtc = Nd4j.createUninitialized(f, new long[] {BATCH, STEPS, HIDDEN}, 'c');
        INDArray hLast = Nd4j.createUninitialized(f, new long[] {BATCH, HIDDEN}, 'c');
        INDArray cLast = Nd4j.createUninitialized(f, new long[] {BATCH, HIDDEN}, 'c');
        INDArray yNcw = Nd4j.createUninitialized(f, new long[] {BATCH, HIDDEN, STEPS}, 'c');
        INDArray dxOp = Nd4j.createUninitialized(f, x.shape(), 'c');
        INDArray dwx = Nd4j.createUninitialized(f, w.shape(), 'c');
        INDArray dwr = Nd4j.createUninitialized(f, rw.shape(), 'c');
        INDArray dbOp = Nd4j.createUninitialized(f, new long[] {4 * HIDDEN}, 'c');
        LibNd4jRecurrentOps.Gradients into = new LibNd4jRecurrentOps.Gradients(
                dxOp, Nd4j.create(f, w.shape()), Nd4j.create(f, rw.shape()), Nd4j.create(f, 4 * HIDDEN));
        Runnable oneDnnForward = () -> {
            LstmWeights lw = LibNd4jRecurrentOps.lstmWeights(w, rw, b);
            xNtc.assign(x.permute(0, 2, 1));
            Nd4j.exec(LibNd4jRecurrentOps.lstmOp(1, xNtc, lw, true, yNtc, hLast, cLast));
            yNcw.assign(yNtc.permute(0, 2, 1));
        };
        Runnable loopForward = () -> withoutHelpers(
                helpers,
                () -> Nd4j.exec(
                        LibNd4jRecurrentOps.lstmOp(2, x, LibNd4jRecurrentOps.lstmWeights(w, rw, b), false, yNcw)));
        Runnable opBackward = () -> {
            Nd4j.exec(LibNd4jRecurrentOps.lstmBackwardOp(
                    x, LibNd4jRecurrentOps.lstmWeights(w, rw, b), dy, dxOp, dwx, dwr, dbOp));
            LibNd4jRecurrentOps.lstmGradients(dxOp, dwx, dwr, dbOp, into);
        };
        timed.put(LSTM_OURS, () -> {
            lstm.setInput(x, NONE);
            lstm.activate(true, NONE);
            lstm.backpropGradient(dy, NONE);
        });
        timed.put(LSTM_ONEDNN, () -> {
            oneDnnForward.run();
            opBackward.run();
        });
        timed.put(LSTM_LOOP, () -> {
            loopForward.run();
            opBackward.run();
        });
        timed.put("lstm fwd only: sheetlab FastLSTM (inference)", () -> {
            lstm.setInput(x, NONE);
            lstm.activate(false, NONE);
        });
        timed.put("lstm fwd only: lstmLayer oneDNN ([B,T,nIn] copies included)", oneDnnForward);
        timed.put("lstm fwd only: lstmLayer same layout, helpers off", () -> withoutHelpers(helpers, oneDnnForward));
        timed.put("lstm fwd only: lstmLayer libnd4j loop (NCW)", loopForward);
        timed.put("lstm bwd only: lstmLayer_bp (recomputes the forward pass)", opBackward);

        // GRU (resetAfter, b_hn = 0 as initialised) and the gru ops on its weights
        Layer gru =
                layer(new GRU.Builder().nIn(N_IN).nOut(HIDDEN).resetAfter(true).build(), f);
        INDArray gw = gru.getParam(GruParamInitializer.INPUT_WEIGHTS);
        INDArray grw = gru.getParam(GruParamInitializer.RECURRENT_WEIGHTS);
        INDArray gb = gru.getParam(GruParamInitializer.BIAS);
        gb.addi(Nd4j.randn(f, gb.shape()).muli(0.1));
        gru.setInput(x, NONE);
        INDArray gy = gru.activate(true, NONE).dup();
        Pair<Gradient, INDArray> gg = gru.backpropGradient(dy, NONE);
        double gruFwd = diff(LibNd4jRecurrentOps.gruForward(x, gw, grw, gb), gy);
        LibNd4jRecurrentOps.Gradients gog = LibNd4jRecurrentOps.gruBackward(x, gw, grw, gb, dy);
        double gruDx = diff(gog.dx(), gg.getSecond());
        double gruDw = diff(gog.dw(), gg.getFirst().getGradientFor(GruParamInitializer.INPUT_WEIGHTS));
        checks.put("gruForwardMaxAbsDiff", gruFwd);
        checks.put("gruDxMaxAbsDiff", gruDx);
        checks.put("gruDWMaxAbsDiff", gruDw);
        checks.put("gruValid", Math.max(gruFwd, Math.max(gruDx, gruDw)) < TOLERANCE);
        INDArray xTbn = Nd4j.createUninitialized(f, new long[] {STEPS, BATCH, N_IN}, 'c');
        INDArray dyTbh = Nd4j.createUninitialized(f, new long[] {STEPS, BATCH, HIDDEN}, 'c');
        INDArray h0 = Nd4j.zeros(f, BATCH, HIDDEN);
        INDArray gOut = Nd4j.createUninitialized(f, new long[] {STEPS, BATCH, HIDDEN}, 'c');
        INDArray gOutNcw = Nd4j.createUninitialized(f, new long[] {BATCH, HIDDEN, STEPS}, 'c');
        INDArray[] gGrads = {
            Nd4j.createUninitialized(f, xTbn.shape(), 'c'),
            Nd4j.createUninitialized(f, h0.shape(), 'c'),
            Nd4j.createUninitialized(f, gw.shape(), 'c'),
            Nd4j.createUninitialized(f, grw.shape(), 'c'),
            Nd4j.createUninitialized(f, new long[] {3 * HIDDEN}, 'c')
        };
        INDArray gbFlat = gb.reshape(3 * HIDDEN);
        INDArray gDx = Nd4j.createUninitialized(f, x.shape(), 'c');
        timed.put(GRU_OURS, () -> {
            gru.setInput(x, NONE);
            gru.activate(true, NONE);
            gru.backpropGradient(dy, NONE);
        });
        timed.put(GRU_OP, () -> {
            xTbn.assign(x.permute(2, 0, 1));
            Nd4j.exec(LibNd4jRecurrentOps.gruOp(xTbn, h0, gw, grw, gbFlat, gOut));
            gOutNcw.assign(gOut.permute(1, 2, 0));
            dyTbh.assign(dy.permute(2, 0, 1));
            Nd4j.exec(LibNd4jRecurrentOps.gruBackwardOp(xTbn, h0, gw, grw, gbFlat, dyTbh, gGrads));
            gDx.assign(gGrads[0].permute(1, 2, 0));
        });

        // pooling for reference: DL4J's SubsamplingLayer (libnd4j maxpool2d/avgpool2d), oneDNN on and off
        INDArray px = Nd4j.rand(f, BATCH, 32, 28, 28);
        INDArray peps = Nd4j.randn(f, BATCH, 32, 14, 14);
        for (SubsamplingLayer.PoolingType type :
                new SubsamplingLayer.PoolingType[] {SubsamplingLayer.PoolingType.MAX, SubsamplingLayer.PoolingType.AVG
                }) {
            Layer pool = layer(
                    new SubsamplingLayer.Builder(type)
                            .kernelSize(2, 2)
                            .stride(2, 2)
                            .build(),
                    f);
            Runnable step = () -> {
                pool.setInput(px, NONE);
                pool.activate(true, NONE);
                pool.backpropGradient(peps, NONE);
            };
            pool.setInput(px, NONE);
            INDArray on = pool.activate(true, NONE).dup();
            INDArray onEps = pool.backpropGradient(peps, NONE).getSecond().dup();
            Nd4j.getEnvironment().allowHelpers(false);
            pool.setInput(px, NONE);
            INDArray off = pool.activate(true, NONE).dup();
            INDArray offEps = pool.backpropGradient(peps, NONE).getSecond().dup();
            Nd4j.getEnvironment().allowHelpers(helpers);
            String name = type.name().toLowerCase(Locale.ROOT);
            checks.put(name + "PoolOneDnnVsOffMaxAbsDiff", Math.max(diff(on, off), diff(onEps, offEps)));
            timed.put("pool " + name + " 2x2/2 [64,32,28,28]: SubsamplingLayer, oneDNN", step);
            timed.put(
                    "pool " + name + " 2x2/2 [64,32,28,28]: SubsamplingLayer, helpers off",
                    () -> withoutHelpers(helpers, step));
        }

        Map<String, List<Double>> ms = new LinkedHashMap<>();
        timed.keySet().forEach(k -> ms.put(k, new ArrayList<>()));
        for (Runnable r : timed.values()) {
            for (int i = 0; i < warmup; i++) {
                r.run();
            }
        }
        for (int round = 0; round < rounds; round++) { // alternating: every candidate once per round
            for (Map.Entry<String, Runnable> e : timed.entrySet()) {
                for (int i = 0; i < batches; i++) {
                    long t0 = System.nanoTime();
                    e.getValue().run();
                    ms.get(e.getKey()).add((System.nanoTime() - t0) / 1e6);
                }
            }
        }
        Map<String, Object> medians = new LinkedHashMap<>();
        ms.forEach((k, v) -> medians.put(k, median(v)));
        medians.forEach((k, v) -> System.err.printf(Locale.ROOT, "%-62s %9.2f ms%n", k, (double) v));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put(
                "impl",
                "FastLSTM / GRU layers vs libnd4j lstmLayer(_bp) / gru(_bp), FLOAT, batch " + BATCH + ", " + STEPS
                        + " steps, " + N_IN + " -> " + HIDDEN);
        r.put("ompThreads", ompThreads());
        r.put("helpersAllowed", helpers);
        r.put("rounds", rounds);
        r.put("callsPerRound", batches);
        r.put("checks", checks);
        r.put("medianMs", medians);
        return r;
    }

    /** OMP_NUM_THREADS's first level (0 when unset or not a number). */
    private static int ompThreads() {
        String omp = System.getenv("OMP_NUM_THREADS");
        try {
            return omp == null ? 0 : Integer.parseInt(omp.split(",")[0].trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void withoutHelpers(boolean helpers, Runnable r) {
        Nd4j.getEnvironment().allowHelpers(false);
        try {
            r.run();
        } finally {
            Nd4j.getEnvironment().allowHelpers(helpers);
        }
    }

    private static Layer layer(org.deeplearning4j.nn.conf.layers.Layer conf, DataType type) {
        NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                .dataType(type)
                .weightInit(WeightInit.XAVIER)
                .layer(conf)
                .build();
        long n = conf.initializer().numParams(nnc);
        Layer l = conf.instantiate(nnc, List.of(), 0, n == 0 ? null : Nd4j.create(type, 1, n), true, type);
        if (n > 0) {
            l.setBackpropGradientsViewArray(Nd4j.create(type, 1, n));
        }
        return l;
    }

    private static double diff(INDArray a, INDArray b) {
        if (a.length() == b.length() && (a.rank() <= 2 && b.rank() <= 2)) { // [n] vs [1, n]: compare as vectors
            a = a.reshape(a.length());
            b = b.reshape(b.length());
        }
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalStateException(
                    "bench onednn: shapes differ, " + Arrays.toString(a.shape()) + " vs " + Arrays.toString(b.shape()));
        }
        return a.castTo(DataType.DOUBLE)
                .sub(b.castTo(DataType.DOUBLE))
                .amaxNumber()
                .doubleValue();
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
