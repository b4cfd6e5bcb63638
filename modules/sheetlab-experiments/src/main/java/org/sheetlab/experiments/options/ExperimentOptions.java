package org.sheetlab.experiments.options;

import org.sheetlab.experiments.run.ExperimentRun;
import org.sheetlab.train.TrainingConfig;
import org.sheetlab.train.run.RunDirectory;
import picocli.CommandLine.Mixin;

/**
 * The options every training experiment takes: the run options, the loop options and {@code --data-dir}, as picocli
 * mixins. An experiment's {@code Options} extends this class, passes its default epochs and batch size, and adds its
 * own options (and {@link LearningRateOption} where it has one learning rate).
 */
public abstract class ExperimentOptions {
    @Mixin
    public RunOptions run = new RunOptions();

    @Mixin
    public LoopOptions loop = new LoopOptions();

    @Mixin
    public DataDirOption dataDir = new DataDirOption();

    protected ExperimentOptions(int epochs, int batchSize) {
        loop.epochs = epochs;
        loop.batchSize = batchSize;
    }

    /** The harness config of these options (monitoring the test loss). */
    public TrainingConfig config() {
        return ExperimentRun.config(run, loop);
    }

    /** A config builder preset from these options, for experiments that monitor another metric. */
    public TrainingConfig.Builder configBuilder() {
        return ExperimentRun.configBuilder(run, loop);
    }

    /** The run folder of {@code experiment} ({@code --output-dir} or a new dated one; checked for --resume). */
    public RunDirectory open(String experiment) {
        return ExperimentRun.open(experiment, run, loop.resume);
    }
}
