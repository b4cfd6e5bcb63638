package org.sheetlab.text.tfidf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-checkable cases: cosine, top-k order and ties, sparse layout, both weightings, and the errors. */
class TfIdfIndexTest {
    @Test
    void cosineOfHandVectors() {
        assertThat(CosineSimilarity.cosine(new double[] {1, 0}, new double[] {1, 1}))
                .isCloseTo(1 / Math.sqrt(2), within(1e-15));
        assertThat(CosineSimilarity.cosine(new double[] {1, 2, 3}, new double[] {2, 4, 6}))
                .isCloseTo(1.0, within(1e-15));
        assertThat(CosineSimilarity.cosine(new double[] {1, 0}, new double[] {0, 5}))
                .isEqualTo(0.0);
        assertThat(CosineSimilarity.cosine(new double[] {3, 4}, new double[] {-3, -4}))
                .isCloseTo(-1.0, within(1e-15));
        assertThat(CosineSimilarity.cosine(new double[] {0, 0}, new double[] {1, 1}))
                .isEqualTo(0.0); // zero vector
        SparseVector a = new SparseVector(5, new int[] {0, 3}, new double[] {3, 4});
        SparseVector b = new SparseVector(5, new int[] {3, 4}, new double[] {2, 1});
        // a·b = 4·2 = 8, |a| = 5, |b| = √5
        assertThat(CosineSimilarity.cosine(a, b)).isCloseTo(8 / (5 * Math.sqrt(5)), within(1e-15));
        assertThat(CosineSimilarity.cosine(a, b))
                .isCloseTo(CosineSimilarity.cosine(a.toDense(), b.toDense()), within(1e-15));
    }

    @Test
    void storageIsCsrWithColumnsInFirstSeenOrder() {
        TfIdfIndex index =
                TfIdfIndex.builder().add("b a b").add("c").add("").add("a c").build();
        assertThat(index.vocabulary()).containsExactly("b", "a", "c");
        SparseRows x = index.matrix();
        assertThat(x.indptr()).containsExactly(0, 2, 3, 3, 5);
        assertThat(x.indices()).containsExactly(0, 1, 2, 1, 2);
        assertThat(index.nonZeros()).isEqualTo(5);
        // df: b 1, a 2, c 2 of N = 4; d0 = "b a b": tf(b) = 2/3, tf(a) = 1/3
        assertThat(x.values()[0]).isEqualTo(2.0 / 3.0 * Math.log(4.0));
        assertThat(x.values()[1]).isEqualTo(1.0 / 3.0 * Math.log(2.0));
        assertThat(index.length(2)).isZero(); // an empty document: a zero row
        assertThat(index.vector(2).nnz()).isZero();
        SparseRows t = x.transpose();
        assertThat(t.indptr()).containsExactly(0, 1, 3, 5);
        assertThat(t.indices()).containsExactly(0, 0, 3, 1, 3);
        assertThat(t.get(1, 3)).isEqualTo(x.get(3, 1));
    }

    @Test
    void sklearnWeightingOnAHandCase() {
        TfIdfIndex index = TfIdfIndex.builder()
                .optWeighting(Weighting.SKLEARN)
                .add("x x y")
                .add("y")
                .build();
        // N = 2; df(x) = 1: idf = ln(3/2) + 1; df(y) = 2: idf = ln(3/3) + 1 = 1
        double ix = Math.log(1.5) + 1;
        assertThat(index.idf("x")).isEqualTo(ix);
        assertThat(index.idf("y")).isEqualTo(1.0);
        double norm = Math.sqrt(4 * ix * ix + 1);
        assertThat(index.tfidf("x", 0)).isCloseTo(2 * ix / norm, within(1e-15));
        assertThat(index.tfidf("y", 0)).isCloseTo(1 / norm, within(1e-15));
        assertThat(index.tfidf("y", 1)).isEqualTo(1.0);
        assertThat(index.vector(0).norm()).isCloseTo(1.0, within(1e-15));
    }

    @Test
    void topKIsBestFirstWithTiesByLowerIndex() {
        TfIdfIndex index = TfIdfIndex.builder()
                .add("cat dog")
                .add("fish")
                .add("cat dog") // same as d0: the same score
                .add("cat")
                .add("bird")
                .build();
        List<Match> top = index.search("cat dog", 3);
        assertThat(top).extracting(Match::document).containsExactly(0, 2, 3);
        assertThat(top.get(0).score()).isCloseTo(1.0, within(1e-15));
        assertThat(top.get(1).score()).isEqualTo(top.get(0).score());
        // k > N: every document, the ones sharing no word last, in index order
        assertThat(index.search("cat dog", 10)).extracting(Match::document).containsExactly(0, 2, 3, 1, 4);
        // df(cat) = 3, df(dog) = 2 of N = 5; q = (½ ln(5/3), ½ ln(5/2)), d3 = (ln(5/3), 0):
        // cos = ln(5/3) / sqrt(ln(5/3)² + ln(5/2)²)
        double cat = Math.log(5.0 / 3.0);
        double dog = Math.log(5.0 / 2.0);
        assertThat(top.get(2).score()).isCloseTo(cat / Math.sqrt(cat * cat + dog * dog), within(1e-15));
    }

    @Test
    void heapTopKEqualsAFullSort() {
        TfIdfIndex.Builder b = TfIdfIndex.builder();
        java.util.Random random = new java.util.Random(7);
        for (int d = 0; d < 300; d++) {
            StringBuilder text = new StringBuilder();
            for (int t = 0; t < 12; t++) {
                text.append("w").append(random.nextInt(40)).append(' ');
            }
            b.add(text.toString());
        }
        TfIdfIndex index = b.build();
        String query = "w1 w2 w3 w5 w8";
        SparseVector q = index.vectorize(query);
        List<Match> all = java.util.stream.IntStream.range(0, index.documents())
                .mapToObj(d -> new Match(d, CosineSimilarity.cosine(q, index.vector(d))))
                .sorted(java.util.Comparator.comparingDouble(Match::score)
                        .reversed()
                        .thenComparingInt(Match::document))
                .toList();
        List<Match> top = index.search(query, 17);
        assertThat(top)
                .extracting(Match::document)
                .containsExactlyElementsOf(
                        all.subList(0, 17).stream().map(Match::document).toList());
        for (int i = 0; i < 17; i++) {
            assertThat(top.get(i).score()).isCloseTo(all.get(i).score(), within(1e-14));
        }
    }

    @Test
    void badInputGetsClearErrors() {
        assertThatThrownBy(() -> TfIdfIndex.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("collection is empty");
        TfIdfIndex index = TfIdfIndex.builder().add("a b").add("b c").build();
        assertThatThrownBy(() -> index.search("zebra unicorn", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("none of the words")
                .hasMessageContaining("zebra unicorn");
        assertThatThrownBy(() -> index.search("a", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k must be at least 1");
        assertThatThrownBy(() -> index.idf("zebra"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IDF is undefined");
        assertThatThrownBy(() -> Weighting.parse("bm25")).hasMessageContaining("use sheet or sklearn");
        assertThatThrownBy(() -> new SparseRows(3, new int[] {0, 2}, new int[] {2, 1}, new double[] {1, 1}))
                .hasMessageContaining("columns must increase");
    }

    @Test
    void unknownQueryWordsCountInTheQueryLength() {
        TfIdfIndex index = TfIdfIndex.builder().add("a b").add("b c").build();
        // q = "a zebra": |q| = 2, tf(a) = 1/2, idf(a) = ln 2
        assertThat(index.vectorize("a zebra").get(index.indexOf("a"))).isEqualTo(0.5 * Math.log(2));
    }

    @Test
    void sklearnTokenizerFollowsTheDefaultPattern() {
        assertThat(Tokenizers.sklearn("A dog's life: 2 x-ray(s), e.g. NASA!"))
                .containsExactly("dog", "life", "ray", "nasa");
        assertThat(Tokenizers.whitespace("  two  spaces\tand tab ")).containsExactly("two", "spaces", "and", "tab");
    }
}
