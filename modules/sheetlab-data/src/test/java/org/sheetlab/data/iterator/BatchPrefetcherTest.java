package org.sheetlab.data.iterator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Prefetching hands out the same batches in the same order, and a ring of two reused arrays keeps each one intact. */
class BatchPrefetcherTest {
    private static ShuffledArrayIterator iterator(int reuseSets) {
        int n = 50;
        INDArray x = Nd4j.create(n, 2);
        INDArray y = Nd4j.zeros(n, 3);
        for (int i = 0; i < n; i++) {
            x.putScalar(i, 0, i);
            x.putScalar(i, 1, i);
            y.putScalar(i, i % 3, 1);
        }
        return new ShuffledArrayIterator(x, y, 8, true, 3, null).reuseBuffers(reuseSets);
    }

    /** The next batch as the benchmarks take it: a new epoch when one ends. */
    private static Supplier<DataSet> batches(ShuffledArrayIterator it) {
        return () -> {
            if (!it.hasNext()) {
                it.reset();
            }
            return it.next();
        };
    }

    /** The example ids of a batch, read while it is the current one. */
    private static List<Integer> ids(DataSet ds) {
        List<Integer> ids = new ArrayList<>();
        for (int r = 0; r < ds.numExamples(); r++) {
            int id = (int) ds.getFeatures().getDouble(r, 0);
            assertThat(ds.getLabels().getDouble(r, id % 3)).isEqualTo(1.0);
            ids.add(id);
        }
        return ids;
    }

    @Test
    void prefetchingGivesTheSameBatchesInTheSameOrder() throws InterruptedException {
        Supplier<DataSet> plain = batches(iterator(0));
        List<List<Integer>> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // 20 batches of 8 from 50 examples: three epochs, short last batches
            expected.add(ids(plain.get()));
        }
        List<List<Integer>> got = new ArrayList<>();
        try (BatchPrefetcher<DataSet> ahead = new BatchPrefetcher<>(batches(iterator(2)))) {
            for (int i = 0; i < 19; i++) {
                DataSet ds = ahead.next();
                Thread.sleep(1); // the next batch is gathered meanwhile, into the other arrays of the ring
                got.add(ids(ds));
            }
            got.add(ids(ahead.last()));
        }
        assertThat(got).isEqualTo(expected);
        assertThat(expected.get(0)).isNotEqualTo(expected.get(7)); // shuffled per epoch
    }

    @Test
    void aFailingSourceFailsTheNextCallAndBadRingSizesAreRefused() {
        try (BatchPrefetcher<DataSet> ahead = new BatchPrefetcher<>(() -> {
            throw new IllegalStateException("no more data");
        })) {
            assertThatThrownBy(ahead::next).hasMessage("no more data");
        }
        assertThatThrownBy(() -> iterator(-1)).hasMessageContaining("sets must be >= 0");
    }
}
