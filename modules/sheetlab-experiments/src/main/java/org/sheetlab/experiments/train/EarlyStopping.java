package org.sheetlab.experiments.train;

import java.util.List;

/**
 * Sheet, Regularization: "Early stopping: regularization in time". Stop when the test loss has not improved for
 * {@code patience} epochs; the epoch with the lowest test loss is the best model.
 *
 * <p>Implemented in sheetlab's {@link Trainer} rather than with DL4J's EarlyStoppingTrainer so that it composes with
 * the trainer's atomic checkpoints and bit-identical {@code --resume} (the decision depends only on the saved history).
 */
public final class EarlyStopping {
    private EarlyStopping() {}

    /** True when the last epoch has the lowest test loss so far. */
    public static boolean isBest(List<EpochMetrics> history) {
        double last = history.get(history.size() - 1).testLoss();
        return history.stream().allMatch(m -> m.testLoss() >= last);
    }

    /** True when none of the last {@code patience} epochs improved on the best test loss before them. */
    public static boolean shouldStop(List<EpochMetrics> history, int patience) {
        if (history.size() <= patience) {
            return false;
        }
        double bestBefore = history.subList(0, history.size() - patience).stream()
                .mapToDouble(EpochMetrics::testLoss).min().orElse(Double.POSITIVE_INFINITY);
        return history.subList(history.size() - patience, history.size()).stream()
                .allMatch(m -> m.testLoss() >= bestBefore);
    }
}
