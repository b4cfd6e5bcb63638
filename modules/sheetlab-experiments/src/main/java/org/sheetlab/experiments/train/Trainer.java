package org.sheetlab.experiments.train;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.sheetlab.data.iterator.ShuffledArrayIterator;
import org.sheetlab.experiments.run.RunDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link MultiLayerNetwork} classifier epoch by epoch and keeps the run folder current.
 *
 * <p>After every epoch: test loss and accuracy, {@code metrics.json}, the caller's per-epoch hook (plots), and a
 * checkpoint. Within an epoch: a checkpoint every {@link TrainingOptions#checkpointEvery} batches. A checkpoint is one
 * zip ({@value #CHECKPOINT}): the network with its updater state (ModelSerializer) plus the {@link TrainingState}
 * as JSON, written to a temporary file and moved into place, so a run killed at any moment resumes from a consistent
 * state. Because the batch order depends only on (seed, epoch), the resumed run sees the same batches.
 */
public final class Trainer {
    private static final Logger log = LoggerFactory.getLogger(Trainer.class);
    public static final String CHECKPOINT = "checkpoint.zip";
    static final String STATE_ENTRY = "sheetlab-training-state.json";

    private final RunDirectory run;
    private final TrainingOptions options;
    private Consumer<List<EpochMetrics>> onEpoch = h -> {};

    public Trainer(RunDirectory run, TrainingOptions options) {
        this.run = run;
        this.options = options;
    }

    /** Called after every epoch with the history so far (e.g. to redraw curves). */
    public Trainer onEpoch(Consumer<List<EpochMetrics>> hook) {
        this.onEpoch = hook;
        return this;
    }

    /** A network and the loop state restored from a checkpoint. */
    public record Restored(MultiLayerNetwork network, TrainingState state) {}

    /** True when the run folder holds a checkpoint. */
    public boolean hasCheckpoint() {
        return Files.isRegularFile(run.resolve(CHECKPOINT));
    }

    /** Restores the network (with updater state) and loop position; a corrupt file gives a clear error. */
    public Restored restore() {
        Path file = run.resolve(CHECKPOINT);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--resume: no checkpoint in " + run.root() + " (expected " + CHECKPOINT
                    + "); start a new run without --resume");
        }
        MultiLayerNetwork net;
        TrainingState state;
        try {
            net = ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true);
            String json = ModelSerializer.getObjectFromFile(file.toFile(), STATE_ENTRY);
            state = RunDirectory.JSON.readValue(json, TrainingState.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--resume: the checkpoint " + file + " is corrupt or unreadable ("
                    + e.getMessage() + "); delete it to start over, or restore it from a backup", e);
        }
        if (state.seed != options.seed || state.batchSize != options.batchSize
                || !java.util.Objects.equals(state.maxBatches, options.maxBatches)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--resume: the checkpoint in %s was made "
                    + "with --seed %d --batch-size %d --max-batches %s; resume with the same values (got %d, %d, %s)",
                    run.root(), state.seed, state.batchSize, state.maxBatches, options.seed, options.batchSize,
                    options.maxBatches));
        }
        return new Restored(net, state);
    }

    /** A fresh loop state for a new run. */
    public TrainingState freshState() {
        TrainingState s = new TrainingState();
        s.seed = options.seed;
        s.batchSize = options.batchSize;
        s.maxBatches = options.maxBatches;
        return s;
    }

    /**
     * Runs epochs {@code state.epoch} .. {@code options.epochs − 1}, continuing from {@code state.batch}.
     *
     * @return the full per-epoch history
     */
    public List<EpochMetrics> fit(MultiLayerNetwork net, TrainingState state, ShuffledArrayIterator train,
            ShuffledArrayIterator test) {
        int perEpoch = options.maxBatches == null ? train.batchesPerEpoch()
                : Math.min(options.maxBatches, train.batchesPerEpoch());
        for (int epoch = state.epoch; epoch < options.epochs; epoch++) {
            train.seek(epoch, state.batch);
            try (ProgressBar bar = progressBar(epoch, perEpoch, state.batch)) {
                while (state.batch < perEpoch && train.hasNext()) {
                    DataSet ds = train.next();
                    long t0 = System.nanoTime();
                    net.fit(ds);
                    double loss = net.score();
                    state.epochSeconds += (System.nanoTime() - t0) / 1e9;
                    state.epochSamples += ds.numExamples();
                    if (!Double.isFinite(loss)) {
                        throw new TrainingDivergedException(String.format(Locale.ROOT, "training diverged: loss is %s at "
                                + "epoch %d, batch %d; lower the learning rate", loss, epoch + 1, state.batch));
                    }
                    state.epochLossSum += loss;
                    state.epochLossCount++;
                    state.batch++;
                    if (bar != null) {
                        bar.step();
                        bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f | %,.0f samples/s",
                                state.epochLossSum / state.epochLossCount, state.epochSamples / state.epochSeconds));
                    }
                    if (options.checkpointEvery > 0 && state.batch % options.checkpointEvery == 0
                            && state.batch < perEpoch) {
                        checkpoint(net, state);
                    }
                }
            }
            double[] lossAcc = evaluate(net, test, options.maxBatches);
            EpochMetrics m = new EpochMetrics(epoch + 1, state.batch, state.epochLossSum / state.epochLossCount,
                    lossAcc[0], lossAcc[1], state.epochSeconds, state.epochSamples / state.epochSeconds);
            state.history.add(m);
            log.info(String.format(Locale.ROOT, "epoch %d/%d: train loss %.4f, test loss %.4f, test accuracy %.4f, "
                    + "%.1f s, %,.0f samples/s", m.epoch(), options.epochs, m.trainLoss(), m.testLoss(),
                    m.testAccuracy(), m.seconds(), m.samplesPerSecond()));
            net.incrementEpochCount(); // drives per-epoch schedules (ScheduleType.EPOCH); saved with the checkpoint
            state.epoch = epoch + 1;
            state.batch = 0;
            state.epochLossSum = 0;
            state.epochLossCount = 0;
            state.epochSeconds = 0;
            state.epochSamples = 0;
            run.writeJson("metrics.json", java.util.Map.of("epochs", state.history));
            onEpoch.accept(List.copyOf(state.history));
            if (options.patience != null && EarlyStopping.isBest(state.history)) {
                run.writeFile("best-model.zip", f -> ModelSerializer.writeModel(net, f.toFile(), true));
            }
            checkpoint(net, state);
            if (options.patience != null && EarlyStopping.shouldStop(state.history, options.patience)) {
                log.info("early stopping after epoch {}: no test-loss improvement for {} epochs; best model in "
                        + "best-model.zip", epoch + 1, options.patience);
                break;
            }
        }
        return List.copyOf(state.history);
    }

    /** Mean loss (weighted by batch size) and accuracy of {@code net} on {@code data}, at most maxBatches batches. */
    public static double[] evaluate(MultiLayerNetwork net, ShuffledArrayIterator data, Integer maxBatches) {
        data.seek(0, 0);
        Evaluation eval = new Evaluation(data.totalOutcomes());
        double lossSum = 0;
        long n = 0;
        int batches = 0;
        while (data.hasNext() && (maxBatches == null || batches < maxBatches)) {
            DataSet ds = data.next();
            eval.eval(ds.getLabels(), net.output(ds.getFeatures(), false));
            lossSum += net.score(ds, false) * ds.numExamples();
            n += ds.numExamples();
            batches++;
        }
        return new double[] {lossSum / n, eval.accuracy()};
    }

    /** Writes the network, updater state and loop state as one zip, atomically. */
    public void checkpoint(MultiLayerNetwork net, TrainingState state) {
        String json;
        try {
            json = RunDirectory.JSON.writeValueAsString(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run.writeFile(CHECKPOINT, tmp -> {
            File f = tmp.toFile();
            ModelSerializer.writeModel(net, f, true);
            ModelSerializer.addObjectToFile(f, STATE_ENTRY, json);
        });
    }

    private ProgressBar progressBar(int epoch, int perEpoch, int start) {
        if (options.quiet) {
            return null;
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, options.epochs))
                .setInitialMax(perEpoch)
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
