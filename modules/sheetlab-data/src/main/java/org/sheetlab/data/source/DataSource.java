package org.sheetlab.data.source;

import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A seekable stream of mini-batches: what the training harness ({@code sheetlab-train}) reads, for training and for
 * evaluation. Every batch is DL4J's {@link MultiDataSet} (features, labels and their masks per input/output), which
 * feeds a {@code ComputationGraph} directly and a {@code MultiLayerNetwork} as its single input and output.
 *
 * <p>Contract: the batches of an epoch depend only on the source's own settings (seed, batch size) and the epoch
 * number, never on what was read before. {@link #seek(int, int)} therefore puts the source exactly where an
 * uninterrupted run would be, which is what makes {@code --resume} after {@code kill -9} bit-identical. Sources that
 * stream from disk (DataVec record readers, text corpora) keep only the current batch in memory; their {@code seek}
 * may skip records, but must land on the same batch.
 */
public interface DataSource extends AutoCloseable {
    /** Batches in one epoch, or {@code -1} when a streamed source does not know before it reaches the end. */
    int batchesPerEpoch();

    /** Positions the source at batch {@code batch} (0-based) of epoch {@code epoch} (0-based). */
    void seek(int epoch, int batch);

    /** True while the current epoch has batches left. */
    boolean hasNext();

    /** The next batch of the current epoch; {@link java.util.NoSuchElementException} at the end of the epoch. */
    MultiDataSet next();

    /** The nominal batch size (the last batch of an epoch may be smaller). */
    int batchSize();

    /**
     * Refuses a {@link #seek(int, int)} target outside epoch ≥ 0 and 0 ≤ batch ≤ batchesPerEpoch (batch =
     * batchesPerEpoch is the end of the epoch) with an {@link IllegalArgumentException} naming it.
     */
    static void checkSeekTarget(int epoch, int batch, int batchesPerEpoch) {
        if (epoch < 0 || batch < 0 || batch > batchesPerEpoch) {
            throw new IllegalArgumentException("cannot seek to epoch " + epoch + ", batch " + batch + " (an epoch has "
                    + batchesPerEpoch + " batches)");
        }
    }

    /** Releases files or readers; in-memory sources do nothing. */
    @Override
    default void close() {}
}
