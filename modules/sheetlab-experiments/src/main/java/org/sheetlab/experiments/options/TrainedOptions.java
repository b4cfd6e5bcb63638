package org.sheetlab.experiments.options;

import picocli.CommandLine.Mixin;

/**
 * The options of an experiment trained with one learning rate: the run, loop and data options of
 * {@link ExperimentOptions} plus {@code --learning-rate} ({@link LearningRateOption}), which the harness checks before
 * the run. This is the usual base of a new experiment's {@code Options}: it passes its default epochs, batch size and
 * learning rate, and declares only its own options:
 *
 * <pre>{@code
 * public static final class Options extends TrainedOptions {
 *     @Option(names = "--hidden", description = "Hidden units (default: ${DEFAULT-VALUE}).")
 *     public int hidden = 64;
 *
 *     public Options() {
 *         super(5, 128, 1e-3); // epochs, batch size, learning rate
 *     }
 * }
 * }</pre>
 *
 * <p>An experiment with several optimisers or none (e.g. {@code newton}) extends {@link ExperimentOptions} instead.
 */
public abstract class TrainedOptions extends ExperimentOptions {
    @Mixin
    public LearningRateOption learningRate;

    protected TrainedOptions(int epochs, int batchSize, double learningRate) {
        super(epochs, batchSize);
        this.learningRate = new LearningRateOption(learningRate);
    }

    /** Checks the learning rate, then what a subclass adds. */
    @Override
    public void validate() {
        super.validate();
        learningRate.get();
    }
}
