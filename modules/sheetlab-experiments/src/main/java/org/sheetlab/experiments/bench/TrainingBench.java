package org.sheetlab.experiments.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.sheetlab.data.iterator.ShuffledArrayIterator;
import org.sheetlab.train.fast.FastCore;
import org.sheetlab.train.fast.StepSelection;
import picocli.CommandLine.Option;

/**
 * A training-throughput benchmark: samples/s of a training step over full-size shuffled Fashion-MNIST batches, timed
 * after untimed warm-up batches, against the same network in PyTorch ({@code bench/<peer>.py}, which takes the same
 * {@code --batch-size}, {@code --batches} and {@code --warmup}).
 *
 * <p>The warm-ups are long enough for the JIT to have compiled the step's kernels (the Vector API code runs boxed,
 * many times slower, until C2 has compiled it), since a training run spends its epochs in that state: cnn 500
 * batches, final-q5, vae and gan 300, gan-conv 30 (about 6 s), lstm and gru 200, on both sides. Measured on
 * 2026-12-06 (2-vCPU Xeon, our side alone): cnn 6,189 samples/s after 10 warm-up batches, 7,813 after 400; vae
 * 40,157 after 20, 45,087 after 300; gan 25,314 and 27,162; gan-conv 595 after 10, 619 after 60; final-q5's fit
 * step at batch 128 24,697 after 50, 25,925 after 500. Before that day the warm-ups were 10 to 50 batches.
 */
abstract class TrainingBench extends Bench {
    @Option(names = "--batch-size", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--step",
            description = "The training step: auto (the fast step where the network allows it, else fit), fast or "
                    + "fit. Without --measure every round measures the default step and, beside it, fit, and the "
                    + "output shows both figures, their ratio and both losses after the timed steps "
                    + "(default: ${DEFAULT-VALUE}).")
    String step = "auto";

    TrainingBench(int batchSize, int batches, int warmup) {
        super(batches, warmup);
        this.batchSize = batchSize;
    }

    /** The setting the sheetlab side and the peer share: batch size, timed and warm-up batches. */
    List<Object> setting() {
        return List.of("--batch-size", batchSize, "--batches", batches, "--warmup", warmup);
    }

    /**
     * The rounds of a training benchmark: per round, sheetlab's measurement ({@code sheetlab[-key]-<r>.json}, the
     * setting plus {@code sheetlabArgs}), {@link #alsoMeasure}, and the peer {@code bench/<script>} at both thread
     * settings (the setting, the Fashion-MNIST folder, plus {@code peerArgs}).
     */
    void rounds(String key, String script, List<Object> sheetlabArgs, List<Object> peerArgs)
            throws IOException, InterruptedException {
        List<Object> peer = new ArrayList<>(setting());
        peer.addAll(List.of("--data-dir", dataDir()));
        peer.addAll(peerArgs);
        for (int r = 1; r <= rounds; r++) {
            List<Object> ours = new ArrayList<>(setting());
            ours.addAll(sheetlabArgs);
            sheetlab(file("sheetlab", key, r), ours.toArray());
            if (comparesSteps()) {
                ours.addAll(List.of("--step", "fit"));
                sheetlab(file("fit", key, r), ours.toArray());
            }
            alsoMeasure(key, r);
            peers(key, r, script, peer.toArray());
        }
        if (comparesSteps()) {
            printStepComparison(key);
        }
    }

    /** Whether {@link #rounds} measures DL4J's fit beside the default step (a benchmark that does so itself: no). */
    boolean comparesSteps() {
        return true;
    }

    /**
     * The default step against fit, from the same rounds of this command (so the ratio holds on a loaded machine):
     * median samples/s of each, fast/fit, and each one's mean training loss over its last timed batches (the ratio
     * counts only if the two losses agree).
     */
    void printStepComparison(String key) throws IOException {
        List<Double> fast = new ArrayList<>();
        List<Double> fit = new ArrayList<>();
        List<Double> fastLoss = new ArrayList<>();
        List<Double> fitLoss = new ArrayList<>();
        String chosen = "?";
        for (int r = 1; r <= rounds; r++) {
            com.fasterxml.jackson.databind.JsonNode a = org.sheetlab.train.run.RunDirectory.JSON.readTree(
                    out.resolve(file("sheetlab", key, r)).toFile());
            com.fasterxml.jackson.databind.JsonNode b = org.sheetlab.train.run.RunDirectory.JSON.readTree(
                    out.resolve(file("fit", key, r)).toFile());
            fast.add(a.get("samplesPerSecond").asDouble());
            fit.add(b.get("samplesPerSecond").asDouble());
            fastLoss.add(a.path("finalLoss").asDouble(Double.NaN));
            fitLoss.add(b.path("finalLoss").asDouble(Double.NaN));
            chosen = a.path("step").asText("?");
        }
        double f = median(fast);
        double d = median(fit);
        System.out.printf(
                Locale.ROOT,
                "%s%s: step %s %,.0f samples/s, fit %,.0f samples/s, %s/fit %.2f; training loss over the last timed "
                        + "batches: %s %.4f, fit %.4f (medians of %d rounds)%n",
                name(),
                key.isEmpty() ? "" : " " + key,
                chosen,
                f,
                d,
                chosen,
                f / d,
                chosen,
                median(fastLoss),
                median(fitLoss),
                rounds);
    }

    static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        java.util.Collections.sort(v);
        int n = v.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    /**
     * How {@link #measure} trains {@code net} under {@code --step}: DL4J's fit, or the fast core
     * ({@link FastCore}) where {@code auto} finds it supported (or {@code fast} demands it). Each batch's training
     * loss goes into {@code losses}; {@code result} records the step and, for fit under auto, why.
     */
    Consumer<DataSet> trainer(Model net, LossTrail losses, Map<String, Object> result) {
        StepSelection.checkMode(step);
        Optional<String> why = step.equals("fit") ? Optional.of("--step fit") : FastCore.unsupported(net);
        if (why.isPresent() && step.equals("fast")) {
            throw new IllegalArgumentException("--step fast: " + why.get());
        }
        if (why.isPresent()) {
            core = null;
            result.put("step", "fit");
            result.put("reason", why.get());
            return ds -> {
                if (net instanceof MultiLayerNetwork m) {
                    m.fit(ds);
                    losses.add(m.score());
                } else {
                    ((ComputationGraph) net).fit(ds);
                    losses.add(((ComputationGraph) net).score());
                }
            };
        }
        FastCore core = FastCore.of(net);
        this.core = core;
        result.put("step", "fast");
        core.densePath().ifPresent(d -> result.put("densePath", d));
        core.pooling().ifPresent(d -> result.put("poolingPath", d));
        org.deeplearning4j.nn.api.Layer[] layers =
                net instanceof MultiLayerNetwork mln ? mln.getLayers() : ((ComputationGraph) net).getLayers();
        if (java.util.Arrays.stream(layers).anyMatch(l -> l instanceof org.sheetlab.layers.conv.FastConvolutionLayer)) {
            result.put("convolutionPath", org.sheetlab.layers.conv.FastConvolutionLayer.pathDescription());
        }
        return ds -> losses.add(core.fit(
                new INDArray[] {ds.getFeatures()},
                new INDArray[] {ds.getLabels()},
                ds.getFeaturesMaskArray() == null ? null : new INDArray[] {ds.getFeaturesMaskArray()},
                ds.getLabelsMaskArray() == null ? null : new INDArray[] {ds.getLabelsMaskArray()}));
    }

    /** The training losses of the last (up to) {@value #LAST} batches: their mean is a run's {@code finalLoss}. */
    static final class LossTrail {
        static final int LAST = 20;
        private final double[] last = new double[LAST];
        private int n;

        void add(double loss) {
            last[n++ % LAST] = loss;
        }

        double mean() {
            int k = Math.min(n, LAST);
            double s = 0;
            for (int i = 0; i < k; i++) {
                s += last[i];
            }
            return k == 0 ? Double.NaN : s / k;
        }
    }

    /** sheetlab's measurements beside the main one in round {@code r} (e.g. DL4J's own layer); none by default. */
    void alsoMeasure(String key, int r) throws IOException, InterruptedException {}

    /** The fast core {@link #trainer} made last (null when it chose fit): its profile goes into the measurement. */
    private FastCore core;

    /**
     * Samples/s of {@code train} over {@code batches} full-size batches after {@code warmup} untimed ones, and the
     * profile in ms per step: the batch's preparation ({@code dataMs}) and, on the fast core, the layers' forward and
     * backward passes with the loss ({@code gradientMs}), the update ({@code updateMs}) and the rest ({@code
     * otherMs}: the step's bookkeeping).
     */
    Map<String, Object> timeTraining(String label, Consumer<DataSet> train, ShuffledArrayIterator it) {
        return timeTraining(label, train, () -> nextBatch(it), it.batch());
    }

    /** {@link #timeTraining(String, Consumer, ShuffledArrayIterator)} with the batches from {@code source}. */
    Map<String, Object> timeTraining(
            String label, Consumer<DataSet> train, java.util.function.Supplier<DataSet> source, int batchSize) {
        for (int i = 0; i < warmup; i++) {
            train.accept(source.get());
        }
        if (core != null) {
            core.resetProfile();
        }
        org.sheetlab.layers.conv.ConvProfile.reset();
        long samples = 0;
        long dataNanos = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            long d0 = System.nanoTime();
            DataSet ds = source.get();
            dataNanos += System.nanoTime() - d0;
            train.accept(ds);
            samples += ds.numExamples();
        }
        long total = System.nanoTime() - t0;
        double seconds = total / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("batchSize", batchSize);
        r.put("batches", batches);
        r.put("seconds", seconds);
        r.put("samplesPerSecond", samples / seconds);
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("msPerStep", total / 1e6 / batches);
        profile.put("dataMs", dataNanos / 1e6 / batches);
        if (core != null && core.profile().steps() == batches) {
            FastCore.Profile p = core.profile();
            profile.put("gradientMs", p.gradientNanos() / 1e6 / batches);
            profile.put("updateMs", p.updateNanos() / 1e6 / batches);
            profile.put("otherMs", (total - dataNanos - p.gradientNanos() - p.updateNanos()) / 1e6 / batches);
        }
        Map<String, Object> conv = org.sheetlab.layers.conv.ConvProfile.msPerStep(batches);
        if (!conv.isEmpty()) { // -Dsheetlab.fast.profile=true: the convolution layers' passes
            profile.put("convolutionMs", conv);
        }
        r.put("profile", profile);
        System.err.printf(Locale.ROOT, "%s: profile, ms per step: %s%n", label, profile);
        System.err.printf(
                Locale.ROOT,
                "%s: %.0f samples/s (batch %d, %d batches, %.2f s)%n",
                label,
                samples / seconds,
                batchSize,
                batches,
                seconds);
        return r;
    }

    /** The next full-size batch, starting a new epoch when the current one has none left. */
    static DataSet nextBatch(ShuffledArrayIterator it) {
        if (!it.hasNext()) {
            it.reset();
        }
        DataSet ds = it.next();
        if (ds.numExamples() < it.batch()) { // keep every timed batch full-size, as the peer does
            it.reset();
            ds = it.next();
        }
        return ds;
    }
}
