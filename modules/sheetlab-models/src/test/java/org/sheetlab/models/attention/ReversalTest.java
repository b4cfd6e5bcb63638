package org.sheetlab.models.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sheetlab.data.source.SequencePairDataSource;

class ReversalTest {
    @Test
    void targetsAreTheReversalPaddedToTheSteps() {
        assertThat(Reversal.reverse("word")).isEqualTo("drow");
        assertThat(Reversal.target("cat", 5)).isEqualTo("tac__");
        assertThat(Reversal.target("horse", 5)).isEqualTo("esroh");
        assertThat(Reversal.VOCABULARY.ids("cab", 5)).containsExactly(4, 2, 3, 0, 0);
        assertThat(Reversal.VOCABULARY.id(Reversal.START)).isEqualTo(1);
        assertThat(Reversal.VOCABULARY.id(Reversal.PAD)).isZero();
        assertThatThrownBy(() -> Reversal.target("horses", 5)).hasMessageContaining("more than the 5 steps");
    }

    /**
     * A hand-made batch, T = 5: of the 3-letter words one of two reverses exactly, of the 4-letter words one of three
     * (a wrong letter, a missing pad), the 5-letter word does, and the 2-letter word does not (its padding is wrong).
     */
    @Test
    void exactReversalByLengthOnAConstructedBatch() {
        List<String> words = List.of("cat", "dog", "bird", "fish", "frog", "horse", "ab");
        List<String> decoded = List.of(
                "tac__", // exact
                "gdo__", // letters swapped
                "drib_", // exact
                "hsifa", // a letter where the pad belongs
                "gorg_", // first letter wrong
                "esroh", // exact
                "ba___"); // exact
        Map<Integer, Double> acc = Reversal.exactByLength(words, decoded, 5);
        assertThat(acc).containsExactly(entry(2, 1.0), entry(3, 0.5), entry(4, 1.0 / 3), entry(5, 1.0));
        // the keys are the lengths present, in increasing order
        assertThat(acc.keySet()).containsExactly(2, 3, 4, 5);
        assertThat(Reversal.exact(words, decoded, 5))
                .as("over all lengths: 4 of 7")
                .isEqualTo(4.0 / 7);
        assertThat(Reversal.exactByLength(List.of("ab"), List.of("ba"), 5))
                .as("an unpadded decoding is not exact")
                .containsExactly(entry(2, 0.0));
        assertThatThrownBy(() -> Reversal.exactByLength(words, decoded.subList(0, 3), 5))
                .hasMessageContaining("7 words but 3 decodings");
    }

    /**
     * Greedy decoding's defining property, checked by one independent teacher-forced pass: feeding the decoder the
     * start token and its own predictions ŷ_0 … ŷ_{T−2}, the arg max at every step t is ŷ_t. Untrained network.
     */
    @Test
    void greedyDecodingIsAFixedPointOfTheTeacherForcedPass() {
        int steps = 6;
        for (boolean attention : new boolean[] {true, false}) {
            ComputationGraph graph = new ComputationGraph(Seq2SeqNetwork.builder()
                    .setVocabularySize(Reversal.VOCABULARY.size())
                    .setSteps(steps)
                    .optHidden(8)
                    .optAttentionSize(8)
                    .optAttention(attention)
                    .optSeed(3)
                    .build());
            graph.init();
            List<String> words = List.of("network", "abc", "gradient", "zebra");
            List<String> in = words.stream()
                    .map(w -> w.substring(0, Math.min(w.length(), steps)))
                    .toList();
            List<String> decoded = Reversal.decode(graph, in, steps);
            assertThat(decoded).hasSize(4).allMatch(d -> d.length() == steps);
            int[][] src = new int[in.size()][];
            int[][] prev = new int[in.size()][steps];
            for (int i = 0; i < in.size(); i++) {
                src[i] = Reversal.VOCABULARY.ids(in.get(i), steps);
                prev[i][0] = Reversal.VOCABULARY.id(Reversal.START);
                for (int t = 1; t < steps; t++) {
                    prev[i][t] = Reversal.VOCABULARY.id(decoded.get(i).charAt(t - 1));
                }
            }
            int v = Reversal.VOCABULARY.size();
            INDArray p = graph.output(
                            false, SequencePairDataSource.oneHot(src, v), SequencePairDataSource.oneHot(prev, v))[0];
            for (int i = 0; i < in.size(); i++) {
                for (int t = 0; t < steps; t++) {
                    int best = p.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.point(t))
                            .argMax()
                            .getInt(0);
                    assertThat(Reversal.VOCABULARY.symbol(best))
                            .as("attention %s, word %d, step %d", attention, i, t)
                            .isEqualTo(decoded.get(i).charAt(t));
                }
            }
            // the graph's metric is the constructed-batch metric on these decodings
            assertThat(Reversal.exactByLength(graph, in, steps)).isEqualTo(Reversal.exactByLength(in, decoded, steps));
        }
    }

    @Test
    void badBatchesAreNamed() {
        assertThatThrownBy(() -> Seq2SeqDecoder.greedy(null, new int[][] {{1, 2}, {1}}, 5, 1))
                .hasMessageContaining("same length");
        assertThatThrownBy(() -> Seq2SeqDecoder.greedy(null, new int[][] {{1, 2}}, 5, 7))
                .hasMessageContaining("start id 7");
        assertThat(Seq2SeqDecoder.greedy(null, new int[0][], 5, 1)).isEmpty();
    }
}
