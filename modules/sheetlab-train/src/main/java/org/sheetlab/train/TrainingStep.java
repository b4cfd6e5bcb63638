package org.sheetlab.train;

import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * One optimisation step of a training loop: the extension point for loops of their own (a GAN's alternating
 * discriminator and generator steps, style transfer's optimisation over pixels, Newton's method). The harness
 * ({@link LocalTrainingLoop}) drives it and gives every step the same services: batches from a seekable
 * {@link org.sheetlab.data.source.DataSource}, ND4J's random generator reseeded from (seed, epoch, batch), the progress
 * bar, evaluators, {@code metrics.json} and {@code curves.png}, early stopping, and checkpoints that hold every network
 * of {@link #networks()} with its updater state, the loop position and {@link #saveState()}, from which a run killed
 * at any moment resumes bit-identically.
 *
 * <p>{@link NetworkStep} is the ordinary step ({@code fit} of a MultiLayerNetwork or ComputationGraph).
 */
public interface TrainingStep {
    /**
     * Runs one step on {@code batch} and returns the training loss on it (what the progress bar and
     * {@code trainLoss} average). A non-finite loss stops the run as diverged.
     */
    double fit(MultiDataSet batch);

    /**
     * The networks a checkpoint holds, by a stable name, in a fixed order (use a LinkedHashMap or Map.of with one
     * entry). The first is the main network: evaluators run on it and it is saved as {@code model.zip}.
     */
    Map<String, Model> networks();

    /** Replaces the networks with the ones restored from a checkpoint (same names, same classes). */
    void restore(Map<String, Model> networks);

    /** The network evaluators run on; the first of {@link #networks()} unless a step says otherwise. */
    default Model evaluationModel() {
        return networks().values().iterator().next();
    }

    /** Called after every finished epoch (before its checkpoint), e.g. to advance per-epoch schedules. */
    default void endEpoch() {}

    /**
     * The step's own figures for the epoch that just finished (e.g. a GAN's discriminator and generator losses, its
     * collapse monitor), by metric name. The loop merges them into the epoch's {@link EpochMetrics} beside the
     * evaluators' values, so they reach {@code metrics.json}, {@code curves.png}, early stopping and the experiment's
     * headline like any other metric. Called once per epoch, after the epoch's last batch and before
     * {@link #endEpoch()}; names must not clash with the evaluation sets' keys.
     */
    default Map<String, Double> epochMetrics() {
        return Map.of();
    }

    /** State of the step beyond its networks (plain JSON values), saved in every checkpoint. */
    default Map<String, Object> saveState() {
        return Map.of();
    }

    /** Restores what {@link #saveState()} returned. */
    default void restoreState(Map<String, Object> state) {}
}
