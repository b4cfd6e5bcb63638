package org.sheetlab.text.tfidf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.bagofwords.vectorizer.TfidfVectorizer;
import org.deeplearning4j.text.sentenceiterator.CollectionSentenceIterator;
import org.deeplearning4j.text.tokenization.tokenizerfactory.DefaultTokenizerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.testing.DoublePrecision;

/**
 * DL4J's own {@code TfidfVectorizer} (deeplearning4j-nlp 1.0.0-M2.1) against {@link Weighting#SHEET}. Its bytecode
 * (javap of TfidfVectorizer and org.nd4j.common.util.MathUtils) computes tf = count / |d| ({@code tfForWord}),
 * idf = {@code MathUtils.idf(N, df)} = log10(N / df) and tf-idf = tf × idf, with no smoothing and no normalisation. So
 * the exact relation is DL4J = SHEET / ln 10 for every (word, document), and cosines are equal (the constant cancels).
 * Checked on the Final Q6 notes and on 400 WordNet glosses, in DOUBLE (DL4J's transform allocates its vector in the
 * default data type).
 */
@ExtendWith(DoublePrecision.class)
class Dl4jTfidfRelationTest {
    @Test
    void dl4jValuesAreTheSheetsDividedByLn10() throws IOException {
        check(FinalQ6Test.NOTES);
        List<String> glosses = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/reference/wordnet_glosses.txt"), StandardCharsets.UTF_8))) {
            r.lines().map(line -> String.join(" ", Tokenizers.sklearn(line))).forEach(glosses::add);
        }
        check(glosses);
    }

    private static void check(List<String> documents) {
        TfidfVectorizer dl4j = new TfidfVectorizer.Builder()
                .setIterator(new CollectionSentenceIterator(documents))
                .setTokenizerFactory(new DefaultTokenizerFactory()) // whitespace, tokens unchanged
                .setMinWordFrequency(1) // keep every word (the default drops rare ones)
                .setStopWords(List.of()) // and no stop words (the default removes a list)
                .build();
        dl4j.fit();
        TfIdfIndex ours = TfIdfIndex.builder().addAll(documents.stream()).build();
        assertThat(dl4j.getVocabCache().numWords()).isEqualTo(ours.vocabularySize());
        assertThat(dl4j.getVocabCache().totalNumberOfDocs()).isEqualTo(ours.documents());
        double ln10 = Math.log(10);
        double worst = 0;
        INDArray first = null;
        for (int d = 0; d < documents.size(); d++) {
            INDArray row = dl4j.transform(documents.get(d));
            if (d == 0) {
                first = row.dup();
            }
            for (String w : ours.vocabulary()) {
                double theirs = row.getDouble(dl4j.getVocabCache().indexOf(w));
                double sheet = ours.tfidf(w, d);
                worst = Math.max(worst, Math.abs(theirs * ln10 - sheet));
                if (sheet == 0) {
                    assertThat(theirs).as(w + " in document " + d).isEqualTo(0.0);
                }
            }
            if (d > 0) {
                // cosine is unchanged by the constant factor 1/ln 10
                double dl4jCosine = CosineSimilarity.cosine(first.toDoubleVector(), row.toDoubleVector());
                assertThat(dl4jCosine).isCloseTo(ours.cosine(0, d), within(1e-14));
            }
        }
        assertThat(worst).as("max |DL4J × ln 10 − sheet|").isLessThan(1e-15);
    }
}
