package org.sheetlab.train;

import org.sheetlab.data.source.DataSource;

/**
 * Trains the batches of one epoch for {@link LocalTrainingLoop} when they do not run one by one in this JVM: the seam
 * through which a distributed engine (the Spark loop of {@code sheetlab-spark}) reuses the harness's run folder,
 * resume, evaluation, metrics, curves, checkpoints and early stopping. It trains batches {@link Progress#batch()} to
 * {@code perEpoch - 1} of {@code epoch} from {@code train} (already positioned there) in groups, and reports each group
 * through {@link Progress#trained}; a group must not cross a multiple of {@link Progress#checkpointEvery()}, so that
 * the loop writes its mid-epoch checkpoints at the same positions as the local loop.
 */
public interface EpochTrainer {
    /** Trains the rest of {@code epoch} on the step's networks (updated in place). */
    void trainEpoch(TrainingStep step, DataSource train, int epoch, int perEpoch, Progress progress);

    /** The loop's side of {@link #trainEpoch}. */
    interface Progress {
        /** The next batch of the epoch to train. */
        int batch();

        /** The loop's mid-epoch checkpoint interval in batches (0: only at epoch ends). */
        int checkpointEvery();

        /** The run's seed. */
        long seed();

        /**
         * Records {@code batches} trained batches ({@code samples} examples, mean training loss {@code meanLoss}, begun
         * at {@link System#nanoTime()} {@code startNanos}): the epoch's sums, the divergence check, the listeners and,
         * at a multiple of the checkpoint interval, the checkpoint.
         */
        void trained(int batches, long samples, double meanLoss, long startNanos);
    }
}
