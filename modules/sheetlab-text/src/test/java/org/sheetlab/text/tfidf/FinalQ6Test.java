package org.sheetlab.text.tfidf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sheet's worked example (TF-IDF &amp; Cosine Similarity, Final Q6): N = 4 documents; IDF = log(4/k) for a word in k
 * of them; "Melanoma" in all 4 → IDF = log(4/4) = 0; "Dermatitis" in 3 → IDF = log(4/3) ≈ 0.288; TF-IDF = 0 for a
 * word in all documents, so it is useless for discrimination. The four notes below are made up for the example (the
 * sheet gives only the document counts); every expected value is worked out by hand from the formulas.
 */
class FinalQ6Test {
    // melanoma: 4 docs; dermatitis: 3; biopsy: 2 (d0, d3); rash: 2 (d1, d2); lesion, itching, mole: 1 each
    static final List<String> NOTES = List.of(
            "melanoma dermatitis biopsy lesion", // d0: 4 tokens
            "melanoma dermatitis rash", // d1: 3 tokens
            "melanoma dermatitis itching rash rash melanoma", // d2: 6 tokens
            "melanoma mole biopsy"); // d3: 3 tokens

    static TfIdfIndex index() {
        return TfIdfIndex.builder().addAll(NOTES.stream()).build();
    }

    @Test
    void idfIsLogOfFourOverTheDocumentCount() {
        TfIdfIndex index = index();
        assertThat(index.documents()).isEqualTo(4);
        assertThat(index.documentFrequency("melanoma")).isEqualTo(4);
        assertThat(index.idf("melanoma")).isEqualTo(0.0); // log(4/4) = 0, exactly
        assertThat(index.documentFrequency("dermatitis")).isEqualTo(3);
        assertThat(index.idf("dermatitis")).isEqualTo(Math.log(4.0 / 3.0));
        assertThat(index.idf("dermatitis")).isCloseTo(0.288, within(0.0005)); // the sheet's ≈ 0.288
        assertThat(index.idf("biopsy")).isEqualTo(Math.log(2.0)); // k = 2
        assertThat(index.idf("rash")).isEqualTo(Math.log(2.0));
        assertThat(index.idf("mole")).isEqualTo(Math.log(4.0)); // k = 1
        // natural log, not log10 (DL4J's) and not log2
        assertThat(index.idf("mole")).isCloseTo(1.3863, within(1e-4));
    }

    @Test
    void tfIsCountOverDocumentLength() {
        TfIdfIndex index = index();
        assertThat(index.length(2)).isEqualTo(6);
        assertThat(index.count("rash", 2)).isEqualTo(2);
        assertThat(index.tf("rash", 2)).isEqualTo(2.0 / 6.0);
        assertThat(index.tf("melanoma", 2)).isEqualTo(2.0 / 6.0);
        assertThat(index.tf("dermatitis", 0)).isEqualTo(1.0 / 4.0);
        assertThat(index.tf("lesion", 1)).isEqualTo(0.0);
    }

    @Test
    void tfIdfIsTfTimesIdfAndZeroForTheWordInEveryDocument() {
        TfIdfIndex index = index();
        for (int d = 0; d < 4; d++) {
            assertThat(index.tfidf("melanoma", d)).as("melanoma in d" + d).isEqualTo(0.0);
        }
        assertThat(index.tfidf("dermatitis", 0)).isEqualTo(0.25 * Math.log(4.0 / 3.0)); // ≈ 0.0719
        assertThat(index.tfidf("dermatitis", 1)).isEqualTo((1.0 / 3.0) * Math.log(4.0 / 3.0));
        assertThat(index.tfidf("dermatitis", 3)).isEqualTo(0.0); // not in d3
        assertThat(index.tfidf("rash", 2)).isEqualTo((2.0 / 6.0) * Math.log(2.0));
        assertThat(index.tfidf("mole", 3)).isEqualTo((1.0 / 3.0) * Math.log(4.0));
    }

    @Test
    void theWordInEveryDocumentDoesNotChangeAnyRanking() {
        TfIdfIndex index = index();
        List<Match> without = index.search("dermatitis rash", 4);
        List<Match> with = index.search("melanoma dermatitis rash melanoma", 4);
        assertThat(with)
                .extracting(Match::document)
                .containsExactlyElementsOf(without.stream().map(Match::document).toList());
        for (int i = 0; i < 4; i++) {
            // only the query's length changes, which scales q and cancels in the cosine
            assertThat(with.get(i).score()).isCloseTo(without.get(i).score(), within(1e-15));
        }
        // by hand: q = (dermatitis, rash) weights (1/2 ln(4/3), 1/2 ln 2); d1 = (1/3 ln(4/3), 1/3 ln 2) is parallel to
        // q
        assertThat(without.get(0).document()).isEqualTo(1);
        assertThat(without.get(0).score()).isCloseTo(1.0, within(1e-15));
        // d3 shares no weighted word with q: cosine 0, ranked last
        assertThat(without.get(3)).isEqualTo(new Match(3, 0.0));
    }

    @Test
    void aQueryOfOnlyTheWordInEveryDocumentCannotRank() {
        assertThatThrownBy(() -> index().search("melanoma", 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IDF 0")
                .hasMessageContaining("all 4 documents");
    }
}
