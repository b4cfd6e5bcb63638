package org.sheetlab.data.source;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.data.iterator.ShuffledArrayIterator;

/**
 * A labelled dataset part held in memory: features [N, F], one-hot labels [N, C], the label ids [N] and the class
 * names (index = label id), with the two iterators every experiment uses.
 */
public record LabeledArrays(INDArray features, INDArray labels, int[] labelIds, List<String> classNames) {
    public int size() {
        return labelIds.length;
    }

    /** A training-style iterator: reshuffled each epoch from (seed, epoch). */
    public ShuffledArrayIterator shuffledIterator(int batchSize, long seed) {
        return new ShuffledArrayIterator(features, labels, batchSize, true, seed, classNames);
    }

    /** An evaluation-style iterator in stored order. */
    public ShuffledArrayIterator orderedIterator(int batchSize) {
        return new ShuffledArrayIterator(features, labels, batchSize, false, 0, classNames);
    }

    /** {@link #shuffledIterator} as a harness data source. */
    public ArrayDataSource shuffledSource(int batchSize, long seed) {
        return new ArrayDataSource(shuffledIterator(batchSize, seed));
    }

    /** {@link #orderedIterator} as a harness data source. */
    public ArrayDataSource orderedSource(int batchSize) {
        return new ArrayDataSource(orderedIterator(batchSize));
    }
}
