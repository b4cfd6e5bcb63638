package org.sheetlab.data.source;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.sheetlab.data.iterator.ShuffledArrayIterator;

/**
 * A {@link DataSource} over in-memory arrays: a {@link ShuffledArrayIterator} (features [N, F], labels [N, C],
 * reshuffled per epoch from (seed, epoch)), with an optional {@link DataSetPreProcessor} applied to each batch (for
 * example one that reads image rows as time steps, [b, 784] → [b, 28, 28]).
 */
public final class ArrayDataSource implements DataSource {
    private final ShuffledArrayIterator iterator;

    public ArrayDataSource(ShuffledArrayIterator iterator) {
        this.iterator = iterator;
    }

    /** The same source with {@code preProcessor} applied to every batch. */
    public ArrayDataSource withPreProcessor(DataSetPreProcessor preProcessor) {
        iterator.setPreProcessor(preProcessor);
        return this;
    }

    /**
     * The same source gathering every batch into the same arrays (see {@link ShuffledArrayIterator#reuseBuffers}):
     * each batch is valid until the next {@link #next()}, which is how the training loop uses it.
     */
    public ArrayDataSource withReusedBuffers() {
        iterator.reuseBuffers(true);
        return this;
    }

    @Override
    public int batchesPerEpoch() {
        return iterator.batchesPerEpoch();
    }

    @Override
    public void seek(int epoch, int batch) {
        iterator.seek(epoch, batch);
    }

    @Override
    public boolean hasNext() {
        return iterator.hasNext();
    }

    @Override
    public MultiDataSet next() {
        return toMulti(iterator.next());
    }

    @Override
    public int batchSize() {
        return iterator.batch();
    }

    /** Number of examples N. */
    public int numExamples() {
        return iterator.numExamples();
    }

    /** Number of classes C (label columns). */
    public int numOutcomes() {
        return iterator.totalOutcomes();
    }

    /** A single-input, single-output MultiDataSet over the same arrays (no copy). */
    public static MultiDataSet toMulti(DataSet ds) {
        return new org.nd4j.linalg.dataset.MultiDataSet(
                ds.getFeatures(), ds.getLabels(), ds.getFeaturesMaskArray(), ds.getLabelsMaskArray());
    }

    /** The DataSet view of a single-input, single-output MultiDataSet (no copy), for a MultiLayerNetwork. */
    public static DataSet toDataSet(MultiDataSet mds) {
        if (mds.numFeatureArrays() != 1 || mds.numLabelsArrays() != 1) {
            throw new IllegalArgumentException("a MultiLayerNetwork takes one input and one output array, got "
                    + mds.numFeatureArrays() + " inputs and " + mds.numLabelsArrays() + " outputs; use a "
                    + "ComputationGraph for several");
        }
        return new DataSet(
                mds.getFeatures(0), mds.getLabels(0), mds.getFeaturesMaskArray(0), mds.getLabelsMaskArray(0));
    }
}
