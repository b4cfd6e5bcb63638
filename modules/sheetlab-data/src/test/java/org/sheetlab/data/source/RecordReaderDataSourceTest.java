package org.sheetlab.data.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.sheetlab.data.DatasetException;

/** The streamed CSV source on a small file the test writes: 10 records "i, class, 10i + 0.5" after a header line. */
class RecordReaderDataSourceTest {
    @TempDir
    Path tmp;

    /** Record i: features (i, 10i + 0.5), label i mod 3 in column 1. */
    private Path csv(int n) throws IOException {
        StringBuilder sb = new StringBuilder("x,class,y\n");
        for (int i = 0; i < n; i++) {
            sb.append(i)
                    .append(',')
                    .append(i % 3)
                    .append(',')
                    .append(10 * i + 0.5)
                    .append('\n');
        }
        return Files.writeString(tmp.resolve("small.csv"), sb.toString());
    }

    private RecordReaderDataSource source(int batch, int shuffleBuffer, long seed) throws IOException {
        return RecordReaderDataSource.csv(csv(10), 1, ',', 1, 3, batch, shuffleBuffer, seed);
    }

    private static List<MultiDataSet> epoch(DataSource s) {
        List<MultiDataSet> out = new ArrayList<>();
        while (s.hasNext()) {
            out.add(s.next());
        }
        return out;
    }

    /** The record ids (feature 0) of a batch. */
    private static List<Integer> ids(MultiDataSet b) {
        List<Integer> ids = new ArrayList<>();
        for (int r = 0; r < b.getFeatures(0).rows(); r++) {
            ids.add(b.getFeatures(0).getInt(r, 0));
        }
        return ids;
    }

    @Test
    void orderedBatchesWithAPartialLastBatch() throws IOException {
        try (RecordReaderDataSource s = source(4, 0, 0)) {
            assertThat(s.numExamples()).isEqualTo(10);
            assertThat(s.numFeatures()).isEqualTo(2);
            assertThat(s.numOutcomes()).isEqualTo(3);
            assertThat(s.batchesPerEpoch()).isEqualTo(3);
            assertThat(s.batchSize()).isEqualTo(4);
            List<MultiDataSet> batches = epoch(s);
            assertThat(batches).hasSize(3);
            assertThat(batches.get(0).getFeatures(0).shape()).containsExactly(4, 2);
            assertThat(batches.get(0).getLabels(0).shape()).containsExactly(4, 3);
            assertThat(batches.get(2).getFeatures(0).shape()).containsExactly(2, 2);
            assertThat(ids(batches.get(0))).containsExactly(0, 1, 2, 3);
            assertThat(ids(batches.get(2))).containsExactly(8, 9);
            // record 5: features (5, 50.5), label 2 one-hot
            assertThat(batches.get(1).getFeatures(0).getDouble(1, 1)).isEqualTo(50.5);
            assertThat(batches.get(1).getLabels(0).getRow(1).toDoubleVector()).containsExactly(0, 0, 1);
            assertThat(batches.get(1).getLabels(0).sumNumber().doubleValue()).isEqualTo(4.0);
            assertThatThrownBy(s::next).isInstanceOf(NoSuchElementException.class);
            // the next epoch reads the same order again
            s.seek(1, 0);
            assertThat(epoch(s).stream().map(RecordReaderDataSourceTest::ids).toList())
                    .isEqualTo(batches.stream()
                            .map(RecordReaderDataSourceTest::ids)
                            .toList());
        }
    }

    @Test
    void seekEqualsUninterruptedIterationBitForBit() throws IOException {
        for (int buffer : new int[] {0, 4, 10}) {
            List<List<MultiDataSet>> uninterrupted = new ArrayList<>();
            try (RecordReaderDataSource s = source(3, buffer, 7)) {
                for (int e = 0; e < 3; e++) {
                    s.seek(e, 0);
                    uninterrupted.add(epoch(s));
                }
            }
            try (RecordReaderDataSource s = source(3, buffer, 7)) {
                for (int e = 2; e >= 0; e--) { // out of order on purpose
                    for (int b = 0; b < s.batchesPerEpoch(); b++) {
                        s.seek(e, b);
                        List<MultiDataSet> rest = epoch(s);
                        assertThat(rest).hasSize(s.batchesPerEpoch() - b);
                        for (int k = 0; k < rest.size(); k++) {
                            MultiDataSet expected = uninterrupted.get(e).get(b + k);
                            assertBitIdentical(rest.get(k).getFeatures(0), expected.getFeatures(0));
                            assertBitIdentical(rest.get(k).getLabels(0), expected.getLabels(0));
                        }
                    }
                }
                s.seek(1, s.batchesPerEpoch());
                assertThat(s.hasNext()).isFalse();
            }
        }
    }

    @Test
    void theShuffleBufferPermutesWithinChunksPerEpoch() throws IOException {
        try (RecordReaderDataSource s = source(5, 4, 3)) {
            List<Integer> e0 = new ArrayList<>();
            epoch(s).forEach(b -> e0.addAll(ids(b)));
            s.seek(1, 0);
            List<Integer> e1 = new ArrayList<>();
            epoch(s).forEach(b -> e1.addAll(ids(b)));
            for (List<Integer> order : List.of(e0, e1)) {
                // chunks of 4 records: {0..3}, {4..7}, {8, 9}, each shuffled in place
                assertThat(new HashSet<>(order.subList(0, 4))).isEqualTo(Set.of(0, 1, 2, 3));
                assertThat(new HashSet<>(order.subList(4, 8))).isEqualTo(Set.of(4, 5, 6, 7));
                assertThat(new HashSet<>(order.subList(8, 10))).isEqualTo(Set.of(8, 9));
            }
            assertThat(e0).isNotEqualTo(e1).isNotEqualTo(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        }
    }

    @Test
    void aBadLabelColumnIsAClearError() throws IOException {
        Path file = csv(10);
        assertThatThrownBy(() -> RecordReaderDataSource.csv(file, 1, ',', 5, 3, 4, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label column 5 is outside the 3 columns");
        // column 2 holds 0.5, 10.5, ...: not class ids
        assertThatThrownBy(() -> RecordReaderDataSource.csv(file, 1, ',', 2, 3, 4, 0, 0))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("record 1 has '0.5' in label column 2, not a class id in 0..2");
        // column 0 holds 0..9: record 4 has 3, outside 3 classes
        assertThatThrownBy(() -> RecordReaderDataSource.csv(file, 1, ',', 0, 3, 4, 0, 0))
                .hasMessageContaining("record 4 has '3' in label column 0");
        // the header line read as data
        assertThatThrownBy(() -> RecordReaderDataSource.csv(file, 0, ',', 1, 3, 4, 0, 0))
                .hasMessageContaining("record 1 has 'class' in label column 1");
        assertThatThrownBy(() -> RecordReaderDataSource.csv(tmp.resolve("none.csv"), 1, ',', 1, 3, 4, 0, 0))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("not found");
    }
}
