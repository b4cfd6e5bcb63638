package org.sheetlab.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.settings.InvalidSettingException;
import org.sheetlab.data.source.DataSource;
import org.sheetlab.train.eval.Evaluator;
import org.sheetlab.train.eval.Networks;
import org.sheetlab.train.run.RunDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop in this JVM. For every epoch from the state's position: seek the source to (epoch, batch), run
 * the step on each batch with ND4J's random generator reseeded from (seed, epoch, batch), and checkpoint every
 * {@link TrainingConfig#checkpointEvery()} batches; then evaluate every {@link EvaluationSet}, write
 * {@code metrics.json} and {@code curves.png}, call the listeners, keep {@code best-model.zip} (with patience),
 * checkpoint, and stop early when the monitored metric stalls. At the end the main network is saved as
 * {@code model.zip} (others as {@code model-<name>.zip}).
 *
 * <p>New run or resume: with {@link TrainingConfig#resume()} and a checkpoint in the folder, the step's networks and
 * the loop state are restored from it; a folder that holds a checkpoint without resume is refused (nothing is
 * overwritten); otherwise the step starts as given. Because the batch order, the random stream and every sum depend
 * only on the loop position and the checkpoint, a run killed with {@code kill -9} and resumed ends with the same
 * parameters, bit for bit, as an uninterrupted run (same CPU type and backend).
 */
public final class LocalTrainingLoop implements TrainingLoop {
    private static final Logger log = LoggerFactory.getLogger(LocalTrainingLoop.class);

    private final RunDirectory run;
    private final TrainingConfig config;
    private final String title;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final EpochTrainer trainer;

    /**
     * @param run the run folder (metrics, curves, checkpoints and models go here)
     * @param config the loop settings
     * @param title the title of the curves
     */
    public LocalTrainingLoop(RunDirectory run, TrainingConfig config, String title) {
        this(run, config, title, null);
    }

    /**
     * The same loop with the batches of each epoch trained by {@code trainer} (e.g. on a Spark cluster) instead of
     * one by one in this JVM; everything else (resume, evaluation, metrics, curves, checkpoints, early stopping, the
     * saved models) is this loop's.
     */
    public LocalTrainingLoop(RunDirectory run, TrainingConfig config, String title, EpochTrainer trainer) {
        this.run = run;
        this.config = config;
        this.title = title;
        this.trainer = trainer;
    }

    public LocalTrainingLoop addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    public RunDirectory runDirectory() {
        return run;
    }

    @Override
    public TrainingResult fit(TrainingStep step, DataSource train, List<EvaluationSet> evaluation) {
        TrainingState state = start(step);
        for (TrainingListener l : listeners) {
            l.onStart(step, state);
        }
        boolean stopped = false;
        int perEpoch = config.batchesPerEpoch(train.batchesPerEpoch());
        for (int epoch = state.epoch; epoch < config.epochs() && !stopped; epoch++) {
            if (trainer == null) {
                trainEpoch(step, train, state, epoch, perEpoch);
            } else {
                train.seek(epoch, state.batch);
                trainer.trainEpoch(step, train, epoch, perEpoch, new Progress(step, state, epoch, perEpoch));
                requireBatches(state, epoch);
            }
            Map<String, Double> values = new LinkedHashMap<>(step.epochMetrics());
            evaluate(step.evaluationModel(), evaluation, config.maxBatches()).forEach((k, v) -> {
                if (values.put(k, v) != null) {
                    throw new IllegalStateException("metric " + k + " is reported by both the training step and an "
                            + "evaluator; rename one of them");
                }
            });
            EpochMetrics m = new EpochMetrics(
                    epoch + 1,
                    state.batch,
                    state.epochLossSum / state.epochLossCount,
                    values,
                    state.epochSeconds,
                    state.epochSamples / state.epochSeconds);
            state.history.add(m);
            log.info(String.format(
                    Locale.ROOT,
                    "epoch %d/%d: train loss %.4f, %s%.1f s, %,.0f samples/s",
                    m.epoch(),
                    config.epochs(),
                    m.trainLoss(),
                    values.isEmpty() ? "" : format(values) + ", ",
                    m.seconds(),
                    m.samplesPerSecond()));
            step.endEpoch();
            state.startEpoch(epoch + 1);
            List<EpochMetrics> history = List.copyOf(state.history);
            run.writeJson("metrics.json", Map.of("epochs", history));
            Curves.write(run, title, history);
            for (TrainingListener l : listeners) {
                l.onEpochEnd(step, history);
            }
            boolean early = config.patience() != null;
            if (early && EarlyStopping.isBest(history, config.monitor(), config.maximize())) {
                Model best = step.evaluationModel();
                run.writeFile("best-model.zip", f -> ModelSerializer.writeModel(best, f.toFile(), true));
            }
            Checkpoints.write(run, step, state);
            if (early && EarlyStopping.shouldStop(history, config.monitor(), config.maximize(), config.patience())) {
                log.info(
                        "early stopping after epoch {}: no {} improvement for {} epochs; best model in "
                                + "best-model.zip",
                        epoch + 1,
                        config.monitor(),
                        config.patience());
                stopped = true;
            }
        }
        List<EpochMetrics> history = List.copyOf(state.history);
        Curves.write(run, title, history);
        boolean main = true;
        for (Map.Entry<String, Model> e : step.networks().entrySet()) {
            String name = main ? "model.zip" : "model-" + e.getKey() + ".zip";
            main = false;
            run.writeFile(name, f -> ModelSerializer.writeModel(e.getValue(), f.toFile(), true));
        }
        for (TrainingListener l : listeners) {
            l.onEnd(step, history);
        }
        boolean stoppedEarly = config.patience() != null
                && !history.isEmpty()
                && EarlyStopping.shouldStop(history, config.monitor(), config.maximize(), config.patience());
        return new TrainingResult(run.root(), history, step, stoppedEarly);
    }

    /**
     * Test-only (KillAndResumeIT): the system property {@value #HALT_PROPERTY} = {@code N}, or {@code N@folder},
     * halts the JVM with {@link Runtime#halt} (exit code {@value #HALT_EXIT_CODE}; like {@code kill -9}, no shutdown
     * hooks or finally blocks run) right after the mid-epoch checkpoint at global batch N (epoch × batches per epoch +
     * batch, counted from the run's start) is written, in the first run that reaches it (or only in a run folder
     * named {@code folder}). It gives the kill-and-resume test a kill point that does not depend on timing. Unset, as
     * everywhere else, it does nothing.
     */
    public static final String HALT_PROPERTY = "sheetlab.test.haltAfterBatch";

    /** The exit code of a {@link #HALT_PROPERTY} halt: 128 + 9, what a shell reports for a process killed by -9. */
    public static final int HALT_EXIT_CODE = 137;

    private void haltForTestIfRequested(long globalBatch) {
        String value = System.getProperty(HALT_PROPERTY);
        if (value != null && haltRequested(value, globalBatch, run.root())) {
            System.out.flush();
            System.err.println(HALT_PROPERTY + ": halting after the checkpoint at global batch " + globalBatch + " in "
                    + run.root());
            System.err.flush();
            Runtime.getRuntime().halt(HALT_EXIT_CODE);
        }
    }

    /** Whether {@code value} ({@code N} or {@code N@folder}) asks for a halt at this batch in this run folder. */
    static boolean haltRequested(String value, long globalBatch, java.nio.file.Path runRoot) {
        String[] parts = value.trim().split("@", 2);
        long n;
        try {
            n = Long.parseLong(parts[0].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    HALT_PROPERTY + " must be N or N@folder (N a global batch number), got '" + value + "'", e);
        }
        return n == globalBatch
                && (parts.length == 1
                        || (runRoot.getFileName() != null
                                && runRoot.getFileName().toString().equals(parts[1].trim())));
    }

    /** A fresh state, or the checkpoint's (networks restored into the step) when resuming. */
    private TrainingState start(TrainingStep step) {
        if (Checkpoints.exists(run)) {
            if (!config.resume()) {
                throw InvalidSettingException.mentioning(
                        "resume",
                        false,
                        "run folder %s already holds a run (%s); use {resume} to continue it or choose another "
                                + "{outputDir|run folder}",
                        run.root(),
                        Checkpoints.FILE);
            }
            TrainingState state = Checkpoints.restore(run, step, config);
            log.info("resuming {} at epoch {}, batch {}", run.root(), state.epoch + 1, state.batch);
            return state;
        }
        TrainingState s = new TrainingState();
        s.seed = config.seed();
        s.batchSize = config.batchSize();
        s.maxBatches = config.maxBatches();
        return s;
    }

    private void trainEpoch(TrainingStep step, DataSource train, TrainingState state, int epoch, int perEpoch) {
        train.seek(epoch, state.batch);
        try (ProgressBar bar = progressBar(epoch, perEpoch, state.batch)) {
            while (state.batch < perEpoch && train.hasNext()) {
                MultiDataSet batch = train.next();
                Nd4j.getRandom().setSeed(batchSeed(config.seed(), epoch, state.batch));
                long t0 = System.nanoTime();
                double loss = step.fit(batch);
                record(
                        step,
                        state,
                        epoch,
                        perEpoch,
                        bar,
                        1,
                        batch.getFeatures(0).size(0),
                        loss,
                        t0);
            }
        }
        requireBatches(state, epoch);
    }

    /**
     * The bookkeeping after {@code batches} trained batches with mean loss {@code loss}: the epoch's sums, the
     * divergence check, the progress bar, the listeners (once, for the last of the batches) and the mid-epoch
     * checkpoint when the position reaches a multiple of {@link TrainingConfig#checkpointEvery()}.
     */
    private void record(
            TrainingStep step,
            TrainingState state,
            int epoch,
            int perEpoch,
            ProgressBar bar,
            int batches,
            long samples,
            double loss,
            long startNanos) {
        state.epochSeconds += (System.nanoTime() - startNanos) / 1e9;
        state.epochSamples += samples;
        if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException(String.format(
                    Locale.ROOT,
                    "training diverged: loss is %s at " + "epoch %d, batch %d; lower the learning rate",
                    loss,
                    epoch + 1,
                    state.batch));
        }
        state.epochLossSum += loss * batches;
        state.epochLossCount += batches;
        state.batch += batches;
        if (bar != null) {
            bar.stepBy(batches);
            bar.setExtraMessage(String.format(
                    Locale.ROOT,
                    " loss %.4f | %,.0f samples/s",
                    state.epochLossSum / state.epochLossCount,
                    state.epochSamples / state.epochSeconds));
        }
        for (TrainingListener l : listeners) {
            l.onBatch(step, epoch, state.batch - 1, loss);
        }
        if (config.checkpointEvery() > 0 && state.batch % config.checkpointEvery() == 0 && state.batch < perEpoch) {
            Checkpoints.write(run, step, state);
            haltForTestIfRequested((long) epoch * perEpoch + state.batch);
        }
    }

    /** What an {@link EpochTrainer} reports its batches through. */
    private final class Progress implements EpochTrainer.Progress {
        private final TrainingStep step;
        private final TrainingState state;
        private final int epoch;
        private final int perEpoch;

        Progress(TrainingStep step, TrainingState state, int epoch, int perEpoch) {
            this.step = step;
            this.state = state;
            this.epoch = epoch;
            this.perEpoch = perEpoch;
        }

        @Override
        public int batch() {
            return state.batch;
        }

        @Override
        public int checkpointEvery() {
            return config.checkpointEvery();
        }

        @Override
        public long seed() {
            return config.seed();
        }

        @Override
        public void trained(int batches, long samples, double meanLoss, long startNanos) {
            if (batches < 1) {
                throw new IllegalArgumentException("batches must be >= 1, got " + batches);
            }
            record(step, state, epoch, perEpoch, null, batches, samples, meanLoss, startNanos);
            log.info(String.format(
                    Locale.ROOT,
                    "epoch %d/%d: batch %d/%d, loss %.4f, %,.0f samples/s",
                    epoch + 1,
                    config.epochs(),
                    state.batch,
                    perEpoch,
                    state.epochLossSum / state.epochLossCount,
                    state.epochSamples / state.epochSeconds));
        }
    }

    private void requireBatches(TrainingState state, int epoch) {
        if (state.epochLossCount == 0) {
            throw InvalidSettingException.mentioning(
                    "batchSize",
                    config.batchSize(),
                    "the training data has no batches in epoch %s; check the dataset and {batchSize} (%s)",
                    epoch + 1,
                    config.batchSize());
        }
    }

    /**
     * Runs every evaluation set through the model (at most {@code maxBatches} batches each, from the start, in
     * order) and returns the values by metric key.
     */
    public static Map<String, Double> evaluate(Model model, List<EvaluationSet> sets, Integer maxBatches) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (EvaluationSet set : sets) {
            DataSource data = set.data();
            data.seek(0, 0);
            set.evaluators().forEach(Evaluator::reset);
            int batches = 0;
            while (data.hasNext() && (maxBatches == null || batches < maxBatches)) {
                MultiDataSet batch = data.next();
                INDArray[] outputs = Networks.output(model, batch);
                for (Evaluator e : set.evaluators()) {
                    e.add(batch, outputs, model);
                }
                batches++;
            }
            for (Evaluator e : set.evaluators()) {
                e.result().forEach((k, v) -> values.put(set.key(k), v));
            }
        }
        return values;
    }

    /** The seed of ND4J's random generator for one batch: a SplitMix64 mix of (seed, epoch, batch). */
    static long batchSeed(long seed, int epoch, int batch) {
        long z = seed * 0x9E3779B97F4A7C15L + ((long) epoch << 32) + batch;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static String format(Map<String, Double> values) {
        StringBuilder sb = new StringBuilder();
        values.forEach(
                (k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.4f", k, v)));
        return sb.toString();
    }

    private ProgressBar progressBar(int epoch, int perEpoch, int start) {
        if (!config.progressBar()) {
            return null;
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, config.epochs()))
                .setInitialMax(perEpoch == Integer.MAX_VALUE ? -1 : perEpoch)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .showSpeed()
                .setUnit(" batches", 1)
                .build();
        bar.stepTo(start);
        return bar;
    }
}
