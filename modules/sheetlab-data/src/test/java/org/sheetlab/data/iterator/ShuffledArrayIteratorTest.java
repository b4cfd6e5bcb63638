package org.sheetlab.data.iterator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class ShuffledArrayIteratorTest {
    /** features row i = [i, i], labels one-hot (i mod 3). */
    private static ShuffledArrayIterator iterator(int n, int batch, boolean shuffle, long seed) {
        INDArray x = Nd4j.create(n, 2);
        INDArray y = Nd4j.zeros(n, 3);
        for (int i = 0; i < n; i++) {
            x.putScalar(i, 0, i);
            x.putScalar(i, 1, i);
            y.putScalar(i, i % 3, 1);
        }
        return new ShuffledArrayIterator(x, y, batch, shuffle, seed, null);
    }

    private static List<Integer> epochIds(ShuffledArrayIterator it) {
        List<Integer> ids = new ArrayList<>();
        while (it.hasNext()) {
            DataSet ds = it.next();
            for (int r = 0; r < ds.numExamples(); r++) {
                int id = (int) ds.getFeatures().getDouble(r, 0);
                assertThat(ds.getLabels().getDouble(r, id % 3))
                        .as("label stays with its example")
                        .isEqualTo(1.0);
                ids.add(id);
            }
        }
        return ids;
    }

    @Test
    void everyEpochIsAPermutationAndEpochsDiffer() {
        ShuffledArrayIterator it = iterator(23, 5, true, 7);
        assertThat(it.batchesPerEpoch()).isEqualTo(5);
        List<Integer> e0 = epochIds(it);
        it.reset();
        List<Integer> e1 = epochIds(it);
        assertThat(new TreeSet<>(e0)).hasSize(23);
        assertThat(new TreeSet<>(e1)).hasSize(23);
        assertThat(e0).isNotEqualTo(e1);
    }

    @Test
    void sameSeedSameOrderAndSeekResumesMidEpoch() {
        ShuffledArrayIterator a = iterator(23, 5, true, 7);
        a.seek(3, 0);
        List<Integer> full = epochIds(a);
        ShuffledArrayIterator b = iterator(23, 5, true, 7);
        b.seek(3, 2);
        assertThat(b.batchIndex()).isEqualTo(2);
        assertThat(epochIds(b)).isEqualTo(full.subList(10, 23));
        ShuffledArrayIterator other = iterator(23, 5, true, 8);
        other.seek(3, 0);
        assertThat(epochIds(other)).isNotEqualTo(full);
    }

    @Test
    void orderedIteratorKeepsFileOrderAndAShortLastBatch() {
        ShuffledArrayIterator it = iterator(7, 3, false, 0);
        List<Integer> ids = epochIds(it);
        assertThat(ids).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThatThrownBy(it::next).hasMessageContaining("exhausted");
    }

    /**
     * An autoencoder's (x, x) with reused buffers: one gather serves as features and labels (the same array, the rows
     * of the permutation); fresh buffers, or a preprocessor (which could change the features in place), keep two.
     */
    @Test
    void reusedBuffersGatherAnAutoencodersPairOnce() {
        INDArray x = Nd4j.linspace(org.nd4j.linalg.api.buffer.DataType.FLOAT, 0, 23 * 4, 1)
                .reshape('c', 23, 4);
        ShuffledArrayIterator reused = new ShuffledArrayIterator(x, x, 5, true, 7, null).reuseBuffers(true);
        ShuffledArrayIterator fresh = new ShuffledArrayIterator(x, x, 5, true, 7, null);
        for (int b = 0; b < 3; b++) {
            DataSet r = reused.next();
            DataSet f = fresh.next();
            assertThat(r.getLabels()).isSameAs(r.getFeatures());
            assertThat(r.getFeatures()).isEqualTo(f.getFeatures());
            assertThat(f.getLabels()).isNotSameAs(f.getFeatures()).isEqualTo(f.getFeatures());
        }
        ShuffledArrayIterator withPre = new ShuffledArrayIterator(x, x, 5, true, 7, null).reuseBuffers(true);
        withPre.setPreProcessor(ds -> {});
        DataSet p = withPre.next();
        assertThat(p.getLabels()).isNotSameAs(p.getFeatures()).isEqualTo(p.getFeatures());
    }

    @Test
    void rejectsMismatchedArrays() {
        assertThatThrownBy(() -> new ShuffledArrayIterator(Nd4j.zeros(4, 2), Nd4j.zeros(5, 3), 2, true, 0, null))
                .hasMessageContaining("same N");
    }

    @org.junit.jupiter.api.Test
    void gatherCopiesExactlyTheRowsPullRowsDoes() {
        for (org.nd4j.linalg.api.buffer.DataType t : new org.nd4j.linalg.api.buffer.DataType[] {
            org.nd4j.linalg.api.buffer.DataType.FLOAT, org.nd4j.linalg.api.buffer.DataType.DOUBLE
        }) {
            org.nd4j.linalg.api.ndarray.INDArray m =
                    org.nd4j.linalg.factory.Nd4j.rand(t, 50, 7).muli(10);
            int[] rows = {49, 0, 17, 17, 3};
            org.nd4j.linalg.api.ndarray.INDArray g = ShuffledArrayIterator.gather(m, rows);
            org.sheetlab.testing.NdAssert.assertBitIdentical(g, org.nd4j.linalg.factory.Nd4j.pullRows(m, 1, rows));
            org.assertj.core.api.Assertions.assertThat(g.getDouble(0, 6)).isEqualTo(m.getDouble(49, 6));
            // a view (f-order copy) takes the pullRows path and gives the same rows
            org.sheetlab.testing.NdAssert.assertBitIdentical(ShuffledArrayIterator.gather(m.dup('f'), rows), g);
        }
    }
}
