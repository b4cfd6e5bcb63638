package org.sheetlab.data.source;

import java.util.NoSuchElementException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sequence-to-sequence pairs of token ids as a {@link DataSource} for an encoder–decoder with teacher forcing. Every
 * sequence has the same length T (pad with a padding token). A batch is a MultiDataSet with two inputs and one
 * output, all one-hot [B, V, T] FLOAT (NCW):
 * <ul>
 *   <li>input 0, the source x_1 … x_T;</li>
 *   <li>input 1, the decoder's previous outputs: the start token, then y_1 … y_{T−1} (teacher forcing);</li>
 *   <li>label 0, the target y_1 … y_T.</li>
 * </ul>
 * The order is reshuffled every epoch from (seed, epoch) alone when {@code shuffle} is set, so {@link #seek} lands on
 * the same batch as an uninterrupted run. One-hot arrays are built per batch; only the id arrays are held.
 */
public final class SequencePairDataSource implements DataSource {
    private final int[][] source;
    private final int[][] target;
    private final int vocabulary;
    private final int start;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final int steps;
    private int[] order;
    private int cursor;

    /**
     * @param source token ids [N][T], each in [0, vocabulary)
     * @param target token ids [N][T]
     * @param start the start token fed to the decoder at step 1
     */
    public SequencePairDataSource(
            int[][] source, int[][] target, int vocabulary, int start, int batchSize, boolean shuffle, long seed) {
        if (source.length != target.length || source.length == 0) {
            throw new IllegalArgumentException("sources and targets must be non-empty and equally many, got "
                    + source.length + " and " + target.length);
        }
        if (batchSize < 1 || vocabulary < 2 || start < 0 || start >= vocabulary) {
            throw new IllegalArgumentException("batch size >= 1, vocabulary >= 2 and 0 <= start < vocabulary "
                    + "required, got " + batchSize + ", " + vocabulary + ", " + start);
        }
        this.steps = source[0].length;
        for (int i = 0; i < source.length; i++) {
            check(source[i], i, "source", vocabulary);
            check(target[i], i, "target", vocabulary);
        }
        this.source = source;
        this.target = target;
        this.vocabulary = vocabulary;
        this.start = start;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        seek(0, 0);
    }

    private void check(int[] ids, int i, String what, int v) {
        if (ids.length != steps) {
            throw new IllegalArgumentException(what + " " + i + " has length " + ids.length + ", expected " + steps
                    + " like the first; pad every sequence to the same length");
        }
        for (int id : ids) {
            if (id < 0 || id >= v) {
                throw new IllegalArgumentException(
                        what + " " + i + " holds token id " + id + ", outside [0, " + v + ")");
            }
        }
    }

    public int numExamples() {
        return source.length;
    }

    @Override
    public int batchesPerEpoch() {
        return (source.length + batchSize - 1) / batchSize;
    }

    @Override
    public void seek(int epoch, int batch) {
        DataSource.checkSeekTarget(epoch, batch, batchesPerEpoch());
        if (shuffle) {
            order = org.sheetlab.data.iterator.ShuffledArrayIterator.epochPermutation(source.length, seed, epoch);
        } else {
            order = new int[source.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
        }
        cursor = Math.min(batch * batchSize, source.length);
    }

    @Override
    public boolean hasNext() {
        return cursor < source.length;
    }

    @Override
    public MultiDataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException("end of epoch: call seek(epoch, 0) to start the next one");
        }
        int n = Math.min(batchSize, source.length - cursor);
        float[] x = new float[n * vocabulary * steps];
        float[] prev = new float[n * vocabulary * steps];
        float[] y = new float[n * vocabulary * steps];
        for (int b = 0; b < n; b++) {
            int ex = order[cursor + b];
            for (int t = 0; t < steps; t++) {
                x[(b * vocabulary + source[ex][t]) * steps + t] = 1f;
                y[(b * vocabulary + target[ex][t]) * steps + t] = 1f;
                int p = t == 0 ? start : target[ex][t - 1];
                prev[(b * vocabulary + p) * steps + t] = 1f;
            }
        }
        cursor += n;
        long[] shape = {n, vocabulary, steps};
        return new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[] {Nd4j.create(x, shape, 'c'), Nd4j.create(prev, shape, 'c')},
                new INDArray[] {Nd4j.create(y, shape, 'c')});
    }

    /** One-hot [B, V, T] FLOAT of {@code ids} [B][T] (for decoding outside the source). */
    public static INDArray oneHot(int[][] ids, int vocabulary) {
        int steps = ids[0].length;
        float[] a = new float[ids.length * vocabulary * steps];
        for (int b = 0; b < ids.length; b++) {
            for (int t = 0; t < steps; t++) {
                a[(b * vocabulary + ids[b][t]) * steps + t] = 1f;
            }
        }
        return Nd4j.create(a, new long[] {ids.length, vocabulary, steps}, 'c').castTo(DataType.FLOAT);
    }

    @Override
    public int batchSize() {
        return batchSize;
    }
}
