package org.sheetlab.text.word2vec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sheetlab.text.embedding.WordEmbeddings;

class FastSkipGramTest {
    /** word2vec.c's table sigmoid written from its definition: σ at the left end of the bin ⌊(f + 6)·83⌋ of width 12/1000. */
    private static double tableSigmoid(double f) {
        int bin = (int) Math.floor((f + 6) * 83);
        double x = (bin / 1000.0 * 2 - 1) * 6;
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void onePairUpdateIsTheFormulaForOnePositiveAndOneNegative() {
        // V = 3 words, d = 2; context 0, center 1 (label 1), the one negative drawn is word 2 (a table of one entry)
        float[] syn0 = {0.5f, -0.25f, 0f, 0f, 0f, 0f};
        float[] syn1 = {0f, 0f, 0.3f, 0.2f, -0.4f, 0.1f};
        FastSkipGram.Worker w = new FastSkipGram.Worker(syn0, syn1, 2, new int[] {2}, 1, 7);
        w.alpha = 0.1f;
        w.trainPair(0, 1);

        double[] x = {0.5, -0.25};
        double[] yPos = {0.3, 0.2};
        double[] yNeg = {-0.4, 0.1};
        double gPos = (1 - tableSigmoid(x[0] * yPos[0] + x[1] * yPos[1])) * 0.1; // f = 0.1
        double gNeg = (0 - tableSigmoid(x[0] * yNeg[0] + x[1] * yNeg[1])) * 0.1; // f = -0.225
        double[] e = new double[2];
        double[] yPosNew = new double[2];
        double[] yNegNew = new double[2];
        for (int c = 0; c < 2; c++) {
            e[c] = gPos * yPos[c] + gNeg * yNeg[c];
            yPosNew[c] = yPos[c] + gPos * x[c];
            yNegNew[c] = yNeg[c] + gNeg * x[c];
        }
        for (int c = 0; c < 2; c++) {
            assertThat((double) syn1[2 + c]).isCloseTo(yPosNew[c], within(1e-7));
            assertThat((double) syn1[4 + c]).isCloseTo(yNegNew[c], within(1e-7));
            assertThat((double) syn0[c]).isCloseTo(x[c] + e[c], within(1e-7));
        }
        // the rows of the other words are untouched
        assertThat(Arrays.copyOfRange(syn0, 2, 6)).containsOnly(0f);
        assertThat(Arrays.copyOfRange(syn1, 0, 2)).containsOnly(0f);
        // the table sigmoid is σ near f: word2vec.c's index scale is the integer 1000/6/2 = 83, not 83.3, so it reads
        // σ(x) at x = 12·⌊(f + 6)·83⌋/1000 − 6 ∈ (0.996 f − 0.036, 0.996 f − 0.024]: within 0.25 · 0.06 = 0.015
        assertThat((double) FastSkipGram.tableSigmoid(0.1f)).isCloseTo(1 / (1 + Math.exp(-0.1)), within(0.015));
    }

    @Test
    void aNegativeDrawEqualToTheCenterIsSkipped() {
        float[] syn0 = {0.5f, -0.25f, 0f, 0f};
        float[] syn1 = {0f, 0f, 0.3f, 0.2f};
        // the table only holds word 1, the center: the negatives are all skipped, only the positive update remains
        FastSkipGram.Worker w = new FastSkipGram.Worker(syn0, syn1, 2, new int[] {1}, 3, 7);
        w.alpha = 0.1f;
        w.trainPair(0, 1);
        double g = (1 - tableSigmoid(0.1)) * 0.1;
        assertThat((double) syn1[2]).isCloseTo(0.3 + g * 0.5, within(1e-7));
        assertThat((double) syn0[0]).isCloseTo(0.5 + g * 0.3, within(1e-7));
    }

    @Test
    void learningRateDecaysLinearlyToAFloor() {
        assertThat(FastSkipGram.learningRate(0.025f, 0, 1_000_000)).isEqualTo(0.025f);
        assertThat((double) FastSkipGram.learningRate(0.025f, 250_000, 1_000_000))
                .isCloseTo(0.025 * (1 - 250_000 / 1_000_001.0), within(1e-8));
        assertThat((double) FastSkipGram.learningRate(0.025f, 999_999, 1_000_000))
                .isCloseTo(0.025 * 1e-4, within(1e-10)); // 0.025 · 2e-6 is below the floor 0.025 · 1e-4
        assertThat((double) FastSkipGram.learningRate(0.025f, 2_000_000, 1_000_000))
                .isCloseTo(0.025 * 1e-4, within(1e-10));
    }

    @Test
    void subSamplingKeepsWordsWithTheFormulasProbability() {
        // s·T = 1e-3 · 1e6 = 1000: keep(c) = (sqrt(c/1000) + 1) · 1000/c
        float[] keep = FastSkipGram.keepProbabilities(new long[] {10, 1000, 100_000}, 1e-3, 1_000_000);
        assertThat((double) keep[0]).isCloseTo((Math.sqrt(0.01) + 1) * 100, within(1e-4)); // 110: always kept
        assertThat((double) keep[1]).isCloseTo(2.0, within(1e-6));
        assertThat((double) keep[2]).isCloseTo((10 + 1) * 0.01, within(1e-6)); // 0.11
        assertThat(FastSkipGram.keepProbabilities(new long[] {10}, 0, 1000)).isEmpty(); // no sub-sampling
    }

    @Test
    void theUnigramTableGivesEachWordItsShareOfCountToThe075() {
        long[] counts = {1, 16, 81};
        int[] table = FastSkipGram.unigramTable(counts, 1_000_000);
        double sum = 1 + 8 + 27; // c^0.75
        int[] seen = new int[3];
        for (int t : table) {
            seen[t]++;
        }
        for (int i = 0; i < 3; i++) {
            assertThat(seen[i] / 1e6).isCloseTo(Math.pow(counts[i], 0.75) / sum, within(1e-5));
        }
    }

    @Test
    void oneThreadIsDeterministicForASeed() {
        FastSkipGram.Corpus corpus = FastSkipGram.Corpus.of(topicSentences(300, 5), 1);
        FastSkipGram.Builder b =
                FastSkipGram.builder().dimension(16).epochs(2).sample(1e-3).threads(1);
        WordEmbeddings first = b.seed(3).build().train(corpus);
        WordEmbeddings second = b.seed(3).build().train(corpus);
        WordEmbeddings other = b.seed(4).build().train(corpus);
        assertThat(Arrays.equals(first.table(), second.table())).isTrue();
        assertThat(Arrays.equals(first.table(), other.table())).isFalse();
        assertThat(first.words()).isEqualTo(second.words()).doesNotContain(FastSkipGram.LINE_END);
    }

    @Test
    void wordsSharingTheirContextsEndUpNearestToEachOther() {
        // 10 topics of 6 words; each sentence draws its words from one topic only, so words of a topic share contexts
        FastSkipGram.Corpus corpus = FastSkipGram.Corpus.of(topicSentences(3000, 11), 1);
        WordEmbeddings e = FastSkipGram.builder()
                .dimension(20)
                .epochs(5)
                .sample(0)
                .minCount(1)
                .threads(2)
                .build()
                .train(corpus);
        assertThat(e.size()).isEqualTo(60);
        for (int i = 0; i < e.size(); i++) {
            String word = e.word(i);
            String nearest = nearest(e, i);
            assertThat(topic(nearest)).as("nearest to %s is %s", word, nearest).isEqualTo(topic(word));
        }
    }

    @Test
    void vocabularyIsLineEndThenWordsByCountAndRareWordsAreDropped() {
        FastSkipGram.Corpus corpus =
                FastSkipGram.Corpus.of(List.of(List.of("b", "a", "b", "c"), List.of("b", "a", "</s>", "d")), 2);
        assertThat(corpus.words()).containsExactly(FastSkipGram.LINE_END, "b", "a");
        // b a b | b a | (c and d dropped; the </s> token is a line end, as word2vec.c reads it)
        assertThat(corpus.tokens).containsExactly(1, 2, 1, 0, 1, 2, 0, 0);
        assertThat(corpus.tokenCount()).isEqualTo(8);
    }

    @Test
    void badSettingsAndEmptyCorporaAreRefusedWithTheReason() {
        assertThatThrownBy(() -> FastSkipGram.builder().window(0)).hasMessageContaining("window must be at least 1");
        assertThatThrownBy(() -> FastSkipGram.builder().sample(-1)).hasMessageContaining("sample must be ≥ 0");
        FastSkipGram.Corpus rare = FastSkipGram.Corpus.of(List.of(List.of("a", "b")), 5);
        assertThatThrownBy(() -> FastSkipGram.builder().build().train(rare))
                .hasMessageContaining("no word with at least 5 occurrences");
    }

    private static List<List<String>> topicSentences(int sentences, long seed) {
        Random random = new Random(seed);
        List<List<String>> out = new ArrayList<>();
        for (int s = 0; s < sentences; s++) {
            int topic = random.nextInt(10);
            List<String> sentence = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                sentence.add("t" + topic + "w" + random.nextInt(6));
            }
            out.add(sentence);
        }
        return out;
    }

    private static String topic(String word) {
        return word.substring(0, word.indexOf('w'));
    }

    private static String nearest(WordEmbeddings e, int i) {
        float[] x = e.vector(i);
        double best = Double.NEGATIVE_INFINITY;
        int arg = -1;
        for (int j = 0; j < e.size(); j++) {
            if (j == i) {
                continue;
            }
            float[] y = e.vector(j);
            double dot = 0;
            double nx = 0;
            double ny = 0;
            for (int c = 0; c < x.length; c++) {
                dot += x[c] * y[c];
                nx += x[c] * x[c];
                ny += y[c] * y[c];
            }
            double cos = dot / Math.sqrt(nx * ny);
            if (cos > best) {
                best = cos;
                arg = j;
            }
        }
        return e.word(arg);
    }
}
