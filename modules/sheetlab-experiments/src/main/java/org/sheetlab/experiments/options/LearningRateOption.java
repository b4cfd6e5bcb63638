package org.sheetlab.experiments.options;

import picocli.CommandLine.Option;

/** {@code --learning-rate}, validated in one place. A picocli mixin; experiments set their default. */
public final class LearningRateOption {
    @Option(
            names = "--learning-rate",
            paramLabel = "<rate>",
            description = "Learning rate of the optimiser (default: ${DEFAULT-VALUE}).")
    public double value = 1e-3;

    public LearningRateOption() {}

    public LearningRateOption(double value) {
        this.value = value;
    }

    /** The rate, after checking it is a positive finite number. */
    public double get() {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("--learning-rate must be a positive number, got " + value);
        }
        return value;
    }
}
