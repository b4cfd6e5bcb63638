package org.sheetlab.experiments.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.sheetlab.core.settings.InvalidSettingException;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Mixin;

/**
 * The options every training experiment takes: the run options, the loop options and {@code --data-dir}, as picocli
 * mixins. An experiment's {@code Options} extends this class, passes its default epochs and batch size, and adds its
 * own options; one trained with a single learning rate extends {@link TrainedOptions} instead, which adds
 * {@code --learning-rate}.
 */
public abstract class ExperimentOptions {
    @Mixin
    public RunOptions run = new RunOptions();

    @Mixin
    public LoopOptions loop = new LoopOptions();

    @Mixin
    public DataDirOption dataDir = new DataDirOption();

    @Mixin
    public SparkOptions spark = new SparkOptions();

    protected ExperimentOptions(int epochs, int batchSize) {
        loop.epochs = epochs;
        loop.batchSize = batchSize;
    }

    /**
     * Checks the options shared by a family of experiments (e.g. {@link TrainedOptions}' learning rate); the harness
     * calls it before the experiment's own checks. A bad one fails with a message naming it, its value and its range.
     */
    public void validate() {
        org.sheetlab.train.fast.StepSelection.checkMode(loop.step);
        if (loop.workers > 1 && loop.step.equals("fast")) {
            throw new IllegalArgumentException("--step fast runs its own updates, which ParallelWrapper (--workers "
                    + loop.workers + ") cannot replicate; with --workers use --step fit (auto picks it)");
        }
        spark.validate(loop);
        InvalidSettingException.require(loop.workers >= 1, null, "workers", loop.workers, ">= 1 (1: no wrapper)");
        InvalidSettingException.require(
                loop.averagingFrequency >= 1, null, "averagingFrequency", loop.averagingFrequency, ">= 1");
        if (loop.workers == 1 && loop.averagingFrequency != 1) {
            throw InvalidSettingException.mentioning(
                    "averagingFrequency",
                    loop.averagingFrequency,
                    "{averagingFrequency} applies to data-parallel training only; add {workers} N (N >= 2)");
        }
        if (loop.workers > 1 && loop.workers * loop.averagingFrequency > loop.batchSize) {
            throw InvalidSettingException.mentioning(
                    "workers",
                    loop.workers,
                    "{workers} %s × {averagingFrequency} %s shards do not fit a batch of {batchSize} %s; raise "
                            + "{batchSize} or lower {workers}",
                    loop.workers,
                    loop.averagingFrequency,
                    loop.batchSize);
        }
    }

    /** The harness config of these options (monitoring the test loss). */
    public TrainingConfig config() {
        return configBuilder().build();
    }

    /** A config builder preset from these options, for experiments that monitor another metric. */
    public TrainingConfig.Builder configBuilder() {
        return TrainingConfig.builder()
                .seed(run.seed)
                .epochs(loop.epochs)
                .batchSize(loop.batchSize)
                .maxBatches(run.maxBatches)
                .checkpointEvery(loop.checkpointEvery)
                .patience(loop.patience)
                .resume(loop.resume)
                .progressBar(!run.quiet);
    }

    /**
     * The run folder of {@code experiment}: {@code --output-dir}, or {@code runs/<experiment>/<date-time>}. With
     * {@code --resume} the folder must be named and hold a run.
     */
    public RunDirectory open(String experiment) {
        if (loop.resume && run.outputDir == null) {
            throw new IllegalArgumentException("--resume needs --output-dir naming the run folder to continue");
        }
        Path out = run.outputDir != null
                ? run.outputDir
                : Paths.get(
                        "runs", experiment, LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (loop.resume && !Files.isRegularFile(out.resolve("run.json"))) {
            throw new IllegalArgumentException("--resume: no run in "
                    + out.toAbsolutePath().normalize() + " (no run.json); start a new run without --resume");
        }
        return new RunDirectory(out);
    }
}
