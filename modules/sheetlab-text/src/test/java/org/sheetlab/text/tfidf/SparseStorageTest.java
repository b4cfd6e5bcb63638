package org.sheetlab.text.tfidf;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A 100,000-word vocabulary over 2,000 documents: a dense N × V matrix of doubles would be 1.6 GB. The index's arrays
 * hold exactly nnz entries (plus N + 1 and V-sized tables), and building and searching it allocates a few megabytes,
 * measured with the JVM's per-thread allocation counter.
 */
class SparseStorageTest {
    static final int N = 2_000;
    static final int V = 100_000;
    static final int WORDS_PER_DOCUMENT = 50;

    @Test
    void aHundredThousandWordVocabularyAllocatesNoDenseMatrix() {
        // document d holds words d·50 … d·50 + 49 (each once) and the word "common" twice: V + 1 words in all
        List<List<String>> documents = new ArrayList<>(N);
        for (int d = 0; d < N; d++) {
            List<String> tokens = new ArrayList<>(WORDS_PER_DOCUMENT + 2);
            for (int i = 0; i < WORDS_PER_DOCUMENT; i++) {
                tokens.add("w" + (d * WORDS_PER_DOCUMENT + i));
            }
            tokens.add("common");
            tokens.add("common");
            documents.add(tokens);
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);

        TfIdfIndex.Builder builder = TfIdfIndex.builder();
        documents.forEach(builder::addTokens);
        TfIdfIndex index = builder.build();
        List<Match> top = index.search(List.of("w123", "w124", "common"), 5);

        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        long dense = 8L * N * (V + 1);
        assertThat(index.vocabularySize()).isEqualTo(V + 1);
        long nnz = (long) N * (WORDS_PER_DOCUMENT + 1);
        assertThat(index.nonZeros()).isEqualTo(nnz);
        SparseRows x = index.matrix();
        assertThat(x.indptr()).hasSize(N + 1);
        assertThat(x.indices()).hasSize((int) nnz);
        assertThat(x.values()).hasSize((int) nnz);
        // CSR + CSC (12 bytes per entry each), counts (4), lengths and norms (12 N), df and idf (12 V)
        assertThat(index.storedBytes())
                .isEqualTo(2 * (4L * (N + 1) + 12 * nnz)
                        - 4L * (N + 1)
                        + 4L * (V + 2)
                        + 4 * nnz
                        + 12L * N
                        + 12L * (V + 1));
        assertThat(index.storedBytes()).isLessThan(dense / 100);
        // everything the build and the search allocated, vocabulary map and growth copies included: < 1/20 of dense
        assertThat(allocated).as("bytes allocated (dense would be %,d)", dense).isLessThan(dense / 20);
        // document 2 holds w100 … w149: the only one with w123 and w124
        assertThat(top.get(0).document()).isEqualTo(2);
    }
}
