package org.sheetlab.text.word2vec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.models.embeddings.inmemory.InMemoryLookupTable;
import org.deeplearning4j.models.word2vec.VocabWord;
import org.deeplearning4j.models.word2vec.wordstore.VocabCache;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.text.embedding.WordEmbeddings;

class SkipGramTest {
    @TempDir
    static Path dir;

    static Path corpus;
    static SkipGram.Trained trained;

    /** 3000 sentences of 12 words over a Zipf-like vocabulary of 40 words (word i drawn ∝ 1/(i+1)). */
    @BeforeAll
    static void train() throws IOException {
        corpus = dir.resolve("documents.txt");
        Random random = new Random(3);
        double[] cumulative = new double[40];
        double sum = 0;
        for (int i = 0; i < cumulative.length; i++) {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < 3000; s++) {
            StringBuilder line = new StringBuilder();
            for (int t = 0; t < 12; t++) {
                double u = random.nextDouble() * sum;
                int w = 0;
                while (cumulative[w] < u) {
                    w++;
                }
                line.append(t == 0 ? "" : " ").append("w").append(w);
            }
            lines.add(line.toString());
        }
        Files.write(corpus, lines);
        trained = SkipGram.builder()
                .setDocuments(corpus)
                .optLayerSize(16)
                .optWindow(3)
                .optNegative(4)
                .optSampling(1e-3)
                .optMinWordFrequency(1)
                .optEpochs(1)
                .optSeed(11)
                .optWorkers(1)
                .train();
    }

    @Test
    void trainsSkipGramWithNegativeSamplingNotHierarchicalSoftmax() {
        var config = trained.configuration();
        assertThat(config.isUseHierarchicSoftmax()).isFalse();
        assertThat(config.getNegative()).isEqualTo(4.0);
        assertThat(config.getElementsLearningAlgorithm()).isEqualTo(SkipGram.DL4J_SKIP_GRAM);
        assertThat(config.getSampling()).isEqualTo(1e-3);
        assertThat(config.getWindow()).isEqualTo(3);
        assertThat(config.getLayersSize()).isEqualTo(16);
        // the negative-sampling output vectors were trained (they start at zero), so NS really ran
        InMemoryLookupTable<VocabWord> table = (InMemoryLookupTable<VocabWord>) trained.model().getLookupTable();
        assertThat(table.getSyn1Neg()).isNotNull();
        assertThat(table.getSyn1Neg().norm2Number().doubleValue()).isGreaterThan(0.1);
    }

    @Test
    void returnsTheModelsInputVectorsInVocabularyOrder() {
        WordEmbeddings e = trained.embeddings();
        VocabCache<VocabWord> vocab = trained.model().getVocab();
        assertThat(e.size()).isEqualTo(40).isEqualTo(vocab.numWords());
        assertThat(e.dimension()).isEqualTo(16);
        for (int i = 0; i < e.size(); i++) {
            assertThat(e.word(i)).isEqualTo(vocab.wordAtIndex(i));
            double[] expected = trained.model().getWordVector(e.word(i));
            float[] actual = e.vector(i);
            for (int j = 0; j < expected.length; j++) {
                assertThat((double) actual[j]).isEqualTo((float) expected[j]);
            }
        }
        assertThat(trained.corpusWords()).isEqualTo(3000L * 12);
        assertThat(trained.wordsPerSecond()).isPositive();
    }

    /**
     * DL4J's own negative table (10^5 cells, built by InMemoryLookupTable.makeTable(.., 0.75)): each word fills
     * table·count^0.75/Z cells, up to the one-cell rounding of the run boundaries (at most 2 cells per word).
     */
    @Test
    void dl4jsNegativeTableFollowsUnigramToTheThreeQuarters() {
        InMemoryLookupTable<VocabWord> table = (InMemoryLookupTable<VocabWord>) trained.model().getLookupTable();
        INDArray cells = table.getTable();
        VocabCache<VocabWord> vocab = trained.model().getVocab();
        int v = vocab.numWords();
        long[] filled = new long[v];
        for (long a = 0; a < cells.length(); a++) {
            filled[(int) cells.getDouble(a)]++;
        }
        double z = 0;
        for (int w = 0; w < v; w++) {
            z += Math.pow(vocab.wordFrequency(vocab.wordAtIndex(w)), 0.75);
        }
        for (int w = 0; w < v; w++) {
            double expected = cells.length() * Math.pow(vocab.wordFrequency(vocab.wordAtIndex(w)), 0.75) / z;
            assertThat((double) filled[w]).as("cells of word %s", vocab.wordAtIndex(w)).isCloseTo(expected,
                    org.assertj.core.data.Offset.offset(2.0));
        }
        // and not the plain unigram distribution: the rarest word gets clearly more than its count share
        int rarest = v - 1;
        double unigramShare = cells.length() * vocab.wordFrequency(vocab.wordAtIndex(rarest))
                / (double) vocab.totalWordOccurrences();
        assertThat((double) filled[rarest]).isGreaterThan(1.5 * unigramShare);
    }

    @Test
    void badSettingsNameTheSetting() {
        assertThatThrownBy(() -> SkipGram.builder().build()).hasMessageContaining("setDocuments");
        assertThatThrownBy(() -> SkipGram.builder().setDocuments(dir.resolve("none.txt")).build())
                .hasMessageContaining("none.txt");
        assertThatThrownBy(() -> SkipGram.builder().setDocuments(corpus).optNegative(0).build())
                .hasMessageContaining("negative");
    }
}
