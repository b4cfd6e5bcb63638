package org.sheetlab.text.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sheetlab.data.text.AnalogyQuestions;
import org.sheetlab.data.text.AnalogyQuestions.Category;
import org.sheetlab.data.text.AnalogyQuestions.Question;

class AnalogiesTest {
    /**
     * Features (male, royal, fruit): man (1,0,0), woman (−1,0,0), king (1,1,0), queen (−1,1,0), apple (0,0,1),
     * boy (0.9,−0.5,0.2). By hand, with unit vectors: û(king) − û(man) + û(woman) = (1/√2 − 2, 1/√2, 0), whose cosine
     * with queen is (2 − 1/√2 + 1/√2)/√2 / |q| = √2/|q| with |q|² = (1/√2 − 2)² + 1/2, i.e. 0.95968.
     */
    static WordEmbeddings toy() {
        return new WordEmbeddings(
                List.of("man", "woman", "king", "queen", "apple", "boy"),
                new float[] {1, 0, 0, -1, 0, 0, 1, 1, 0, -1, 1, 0, 0, 0, 1, 0.9f, -0.5f, 0.2f},
                3);
    }

    @Test
    void kingMinusManPlusWomanIsQueen() {
        Analogies search = new Analogies(toy());
        List<Analogies.Neighbour> answer = search.analogy("man", "king", "woman", 3);
        assertThat(answer.get(0).word()).isEqualTo("queen");
        double s = Math.sqrt(0.5);
        double qNorm = Math.sqrt((s - 2) * (s - 2) + 0.5);
        assertThat(answer.get(0).cosine()).isCloseTo(Math.sqrt(2) / qNorm, within(1e-6)).isCloseTo(0.95968, within(1e-5));
        assertThat(answer).extracting(Analogies.Neighbour::word).doesNotContain("man", "king", "woman").hasSize(3);
        assertThat(answer.get(0).cosine()).isGreaterThanOrEqualTo(answer.get(1).cosine());
    }

    @Test
    void cosineOnHandValues() {
        Analogies search = new Analogies(toy());
        assertThat(search.cosine("king", "queen")).isCloseTo(0.0, within(1e-7));
        assertThat(search.cosine("man", "king")).isCloseTo(Math.sqrt(0.5), within(1e-7));
        assertThat(search.cosine("man", "woman")).isCloseTo(-1.0, within(1e-7));
        assertThat(search.cosine("apple", "apple")).isCloseTo(1.0, within(1e-7));
    }

    /** With b almost a, the query is almost û(c): c itself would win, so its exclusion decides the answer. */
    @Test
    void queryWordsAreExcluded() {
        WordEmbeddings e = new WordEmbeddings(
                List.of("a", "a2", "c", "near-c", "far"),
                new float[] {1, 0, 0, 1, 0.01f, 0, 0, 1, 0, 0.2f, 0.9f, 0.1f, 0, 0, 1},
                3);
        Analogies search = new Analogies(e);
        assertThat(search.analogy("a", "a2", "c", 1).get(0).word()).isEqualTo("near-c");
        assertThat(search.nearest("c", 5)).extracting(Analogies.Neighbour::word).doesNotContain("c").hasSize(4);
        assertThat(search.nearest("c", 1).get(0).word()).isEqualTo("near-c");
    }

    @Test
    void evaluationCountsCorrectWrongAndSkippedPerCategory() {
        Analogies search = new Analogies(toy());
        AnalogyQuestions questions = new AnalogyQuestions(List.of(
                new Category("royalty", List.of(
                        new Question("man", "king", "woman", "queen"), // right
                        new Question("Woman", "Queen", "Man", "King"), // right, upper case as in Google's file
                        new Question("king", "man", "queen", "apple"), // wrong: the answer is woman
                        new Question("man", "king", "woman", "princess"))), // skipped: princess has no vector
                new Category("empty", List.of(new Question("x", "y", "z", "w")))));
        Analogies.Evaluation result = search.evaluate(questions);
        assertThat(result.categories()).hasSize(2);
        Analogies.CategoryResult royalty = result.categories().get(0);
        assertThat(royalty.name()).isEqualTo("royalty");
        assertThat(royalty.correct()).isEqualTo(2);
        assertThat(royalty.answered()).isEqualTo(3);
        assertThat(royalty.skipped()).isEqualTo(1);
        assertThat(result.categories().get(1).answered()).isZero();
        assertThat(result.categories().get(1).accuracy()).isNaN();
        assertThat(result.accuracy()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(result.coverage()).isCloseTo(3 / 5.0, within(1e-12));
        // restricted to the first 4 rows (man, woman, king, queen), "apple" is out: that question is skipped too
        Analogies.Evaluation restricted = search.evaluate(questions, 4);
        assertThat(restricted.categories().get(0).answered()).isEqualTo(2);
        assertThat(restricted.categories().get(0).correct()).isEqualTo(2);
        assertThat(restricted.restrict()).isEqualTo(4);
    }

    /** The batched evaluation (one matrix product per 128 questions) agrees with analogy() question by question. */
    @Test
    void batchedEvaluationAgreesWithSingleQueries() {
        Random random = new Random(5);
        int v = 60;
        int d = 8;
        List<String> words = new ArrayList<>();
        float[] table = new float[v * d];
        for (int i = 0; i < v; i++) {
            words.add("w" + i);
            for (int j = 0; j < d; j++) {
                table[i * d + j] = (float) random.nextGaussian();
            }
        }
        Analogies search = new Analogies(new WordEmbeddings(words, table, d));
        List<Question> qs = new ArrayList<>();
        int expectedCorrect = 0;
        for (int k = 0; k < 300; k++) {
            int[] ids = random.ints(0, v).distinct().limit(3).toArray();
            String top = search.analogy(words.get(ids[0]), words.get(ids[1]), words.get(ids[2]), 1).get(0).word();
            // half the questions expect the true top answer, half a random other word
            String expected = k % 2 == 0 ? top : words.get((words.indexOf(top) + 1) % v);
            if (expected.equals(top)) {
                expectedCorrect++;
            }
            qs.add(new Question(words.get(ids[0]), words.get(ids[1]), words.get(ids[2]), expected));
        }
        Analogies.Evaluation result = search.evaluate(new AnalogyQuestions(List.of(new Category("random", qs))));
        assertThat(result.correct()).isEqualTo(expectedCorrect);
        assertThat(result.answered()).isEqualTo(300);
    }

    @Test
    void unknownWordsAreNamed() {
        Analogies search = new Analogies(toy());
        assertThatThrownBy(() -> search.nearest("prince", 3)).hasMessageContaining("'prince'");
        assertThatThrownBy(() -> search.analogy("man", "king", "girl", 3)).hasMessageContaining("'girl'");
    }
}
