package org.sheetlab.train;

import java.util.List;

/**
 * Hooks into the loop (plots of its own, probes, logging). Listeners run on the training thread; what they write
 * should go through the run folder's atomic writes, and should not depend on state that a resumed run would lack.
 */
public interface TrainingListener {
    /** Before the first batch of this process: {@code state.isFresh()} tells a new run from a resumed one. */
    default void onStart(TrainingStep step, TrainingState state) {}

    /** After every training batch. */
    default void onBatch(TrainingStep step, int epoch, int batch, double loss) {}

    /** After every epoch's evaluation, with the history so far (the last entry is this epoch). */
    default void onEpochEnd(TrainingStep step, List<EpochMetrics> history) {}

    /** After the last epoch (or early stopping). */
    default void onEnd(TrainingStep step, List<EpochMetrics> history) {}
}
