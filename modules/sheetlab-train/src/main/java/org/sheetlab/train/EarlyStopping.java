package org.sheetlab.train;

import java.util.List;

/**
 * Sheet, Regularization: "Early stopping: regularization in time". Stop when the monitored metric (the test loss by
 * default) has not improved for {@code patience} epochs; the epoch with the best value is the best model.
 *
 * <p>Part of sheetlab's loop rather than DL4J's EarlyStoppingTrainer so that it composes with the loop's atomic
 * checkpoints and bit-identical resume: the decision depends only on the saved history.
 */
public final class EarlyStopping {
    private EarlyStopping() {}

    /** True when the last epoch has the best value of {@code metric} so far (ties count as best). */
    public static boolean isBest(List<EpochMetrics> history, String metric, boolean maximize) {
        double last = signed(history.get(history.size() - 1), metric, maximize);
        return history.stream().allMatch(m -> signed(m, metric, maximize) >= last);
    }

    /** True when none of the last {@code patience} epochs improved on the best value before them. */
    public static boolean shouldStop(List<EpochMetrics> history, String metric, boolean maximize, int patience) {
        if (history.size() <= patience) {
            return false;
        }
        double bestBefore = history.subList(0, history.size() - patience).stream()
                .mapToDouble(m -> signed(m, metric, maximize))
                .min()
                .orElse(Double.POSITIVE_INFINITY);
        return history.subList(history.size() - patience, history.size()).stream()
                .allMatch(m -> signed(m, metric, maximize) >= bestBefore);
    }

    /** The metric as a value to minimise. */
    private static double signed(EpochMetrics m, String metric, boolean maximize) {
        double v = m.metric(metric);
        return maximize ? -v : v;
    }
}
