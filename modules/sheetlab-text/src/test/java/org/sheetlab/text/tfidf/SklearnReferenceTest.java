package org.sheetlab.text.tfidf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sheetlab.testing.ReferenceValues;

/**
 * {@link Weighting#SKLEARN} with {@link Tokenizers#sklearn} against scikit-learn's {@code TfidfVectorizer} (defaults)
 * on 400 real WordNet glosses: reference/tfidf_sklearn.py wrote the vocabulary, idf, the whole tf-idf matrix and
 * top-k results. Values agree to 1e-15 (float64 rounding: sklearn sums a row's squares in another order).
 */
class SklearnReferenceTest {
    static ReferenceValues ref;
    static List<String> documents;
    static TfIdfIndex index;

    @BeforeAll
    static void load() throws IOException {
        ref = ReferenceValues.load("/reference/tfidf_sklearn.json");
        documents = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                SklearnReferenceTest.class.getResourceAsStream("/reference/wordnet_glosses.txt"),
                StandardCharsets.UTF_8))) {
            r.lines().forEach(documents::add);
        }
        index = TfIdfIndex.builder()
                .optWeighting(Weighting.SKLEARN)
                .optTokenizer(Tokenizers::sklearn)
                .addAll(documents.stream())
                .build();
    }

    @Test
    void tokensAndVocabularyAreSklearns() {
        JsonNode tokens = ref.root().get("tokens");
        for (int d = 0; d < tokens.size(); d++) {
            List<String> expected = new ArrayList<>();
            tokens.get(d).forEach(t -> expected.add(t.asText()));
            assertThat(Tokenizers.sklearn(documents.get(d))).as("document " + d).isEqualTo(expected);
        }
        assertThat(index.documents())
                .isEqualTo(ref.root().get("documents").asInt())
                .isEqualTo(400);
        List<String> vocabulary = new ArrayList<>();
        ref.root().get("vocabulary").forEach(w -> vocabulary.add(w.asText()));
        assertThat(index.vocabulary()).containsExactlyInAnyOrderElementsOf(vocabulary);
    }

    @Test
    void idfMatchesSklearns() {
        JsonNode vocabulary = ref.root().get("vocabulary");
        JsonNode idf = ref.root().get("idf");
        JsonNode df = ref.root().get("df");
        for (int c = 0; c < vocabulary.size(); c++) {
            String w = vocabulary.get(c).asText();
            assertThat(index.documentFrequency(w))
                    .as("df " + w)
                    .isEqualTo(df.get(c).asInt());
            assertThat(index.idf(w)).as("idf " + w).isCloseTo(idf.get(c).asDouble(), within(1e-15));
        }
    }

    @Test
    void everyMatrixEntryMatchesSklearns() {
        JsonNode vocabulary = ref.root().get("vocabulary");
        JsonNode m = ref.root().get("matrix");
        int[] indptr = ints(m.get("indptr"));
        int[] indices = ints(m.get("indices"));
        double[] data = ReferenceValues.array(m.get("data")).toDoubleVector();
        assertThat(index.nonZeros()).isEqualTo(data.length);
        double worst = 0;
        for (int d = 0; d < index.documents(); d++) {
            assertThat(index.vector(d).nnz()).as("entries of row " + d).isEqualTo(indptr[d + 1] - indptr[d]);
            for (int k = indptr[d]; k < indptr[d + 1]; k++) {
                double ours = index.tfidf(vocabulary.get(indices[k]).asText(), d);
                worst = Math.max(worst, Math.abs(ours - data[k]));
            }
        }
        assertThat(worst).as("largest |ours - sklearn| over all entries").isLessThanOrEqualTo(1e-15);
    }

    @Test
    void topKMatchesSklearnsCosineRanking() {
        for (JsonNode c : ref.cases()) {
            String query = c.get("query").asText();
            int k = c.get("k").asInt();
            List<Match> top = index.search(query, k);
            int[] expected = ints(c.get("documents"));
            double[] scores = ReferenceValues.array(c.get("scores")).toDoubleVector();
            assertThat(top)
                    .as(query)
                    .extracting(Match::document)
                    .containsExactly(java.util.Arrays.stream(expected).boxed().toArray(Integer[]::new));
            for (int i = 0; i < k; i++) {
                assertThat(top.get(i).score()).as(query + " #" + i).isCloseTo(scores[i], within(1e-15));
            }
        }
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
