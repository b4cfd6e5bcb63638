package org.sheetlab.text.embedding;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.text.AnalogyQuestions;

/**
 * Cosine search over word vectors (sheet: "Embedding Analogy", v(king) − v(man) + v(woman) ≈ v(queen), cos sim in
 * [−1, +1]): nearest neighbours, analogies and the analogy accuracy of a questions-words set.
 *
 * <p>Every vector is normalised to unit length once (a zero vector stays zero and has cosine 0 with everything), so the
 * cosine of two words is the dot product of their rows. An analogy a : b :: c : ? (questions-words order, e.g.
 * {@code man king woman queen}) is answered with the words w maximising cos(w, û(b) − û(a) + û(c)) over the unit
 * vectors û, excluding a, b and c themselves: the 3CosAdd rule of word2vec.c's {@code word-analogy} /
 * {@code compute-accuracy} and gensim's {@code most_similar(positive=[b, c], negative=[a])}.
 *
 * <p>Shapes: the unit table is V × d; {@link #evaluate} scores questions in batches of 128 as one [128, d] × [d, R]
 * product (R = the candidate rows, see {@code restrict}).
 */
public final class Analogies {
    private static final int BATCH = 128;

    private final WordEmbeddings embeddings;
    private final float[] unit;
    private final int d;

    /** A word and its cosine with the query. */
    public record Neighbour(String word, double cosine) {}

    /**
     * Analogy accuracy over a question set.
     *
     * @param categories per category in file order
     * @param restrict R, the candidate rows (the R most frequent words when the vocabulary is frequency-ordered)
     */
    public record Evaluation(List<CategoryResult> categories, int restrict) {
        public int correct() {
            return categories.stream().mapToInt(CategoryResult::correct).sum();
        }

        public int answered() {
            return categories.stream().mapToInt(CategoryResult::answered).sum();
        }

        public int skipped() {
            return categories.stream().mapToInt(CategoryResult::skipped).sum();
        }

        /** correct / answered over all categories (questions with out-of-vocabulary words excluded); NaN if none. */
        public double accuracy() {
            return answered() == 0 ? Double.NaN : correct() / (double) answered();
        }

        /** answered / (answered + skipped): the share of questions whose four words all have vectors. */
        public double coverage() {
            int all = answered() + skipped();
            return all == 0 ? Double.NaN : answered() / (double) all;
        }
    }

    /**
     * One category's result.
     *
     * @param correct questions whose top answer is d
     * @param answered questions with all four words among the candidate rows
     * @param skipped questions with a word outside them (not counted in the accuracy)
     */
    public record CategoryResult(String name, int correct, int answered, int skipped) {
        public double accuracy() {
            return answered == 0 ? Double.NaN : correct / (double) answered;
        }
    }

    public Analogies(WordEmbeddings embeddings) {
        this.embeddings = embeddings;
        this.d = embeddings.dimension();
        float[] t = embeddings.table();
        this.unit = new float[t.length];
        for (int i = 0; i < embeddings.size(); i++) {
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += (double) t[i * d + j] * t[i * d + j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) {
                unit[i * d + j] = norm == 0 ? 0f : (float) (t[i * d + j] / norm);
            }
        }
    }

    public WordEmbeddings embeddings() {
        return embeddings;
    }

    private int row(String word) {
        int i = embeddings.indexOf(word);
        if (i < 0) {
            throw new IllegalArgumentException(
                    "'" + word + "' is not in the vocabulary of " + embeddings.size() + " words");
        }
        return i;
    }

    /** The unit vector û of {@code word} (length d). */
    public float[] unitVector(String word) {
        int i = row(word);
        float[] u = new float[d];
        System.arraycopy(unit, i * d, u, 0, d);
        return u;
    }

    /** cos(v(a), v(b)), in [−1, 1]. */
    public double cosine(String a, String b) {
        int i = row(a);
        int k = row(b);
        double dot = 0;
        for (int j = 0; j < d; j++) {
            dot += (double) unit[i * d + j] * unit[k * d + j];
        }
        return dot;
    }

    /** The n words closest to {@code word} by cosine, itself excluded, best first. */
    public List<Neighbour> nearest(String word, int n) {
        int i = row(word);
        float[] q = new float[d];
        System.arraycopy(unit, i * d, q, 0, d);
        return nearest(q, n, Set.of(i));
    }

    /**
     * a : b :: c : ? — the n words closest to û(b) − û(a) + û(c), excluding a, b and c. With a = man, b = king,
     * c = woman this is the sheet's v(king) − v(man) + v(woman).
     */
    public List<Neighbour> analogy(String a, String b, String c, int n) {
        int ia = row(a);
        int ib = row(b);
        int ic = row(c);
        float[] q = new float[d];
        for (int j = 0; j < d; j++) {
            q[j] = unit[ib * d + j] - unit[ia * d + j] + unit[ic * d + j];
        }
        return nearest(q, n, Set.of(ia, ib, ic));
    }

    /** The n rows closest by cosine to {@code query} (any length, not normalised), rows in {@code excluded} left out. */
    public List<Neighbour> nearest(float[] query, int n, Set<Integer> excluded) {
        if (query.length != d) {
            throw new IllegalArgumentException("query has length " + query.length + ", the vectors have d = " + d);
        }
        double qn = 0;
        for (float x : query) {
            qn += (double) x * x;
        }
        qn = Math.sqrt(qn);
        // a bounded list kept sorted, best first: n is small
        List<Neighbour> best = new ArrayList<>(n + 1);
        for (int i = 0; i < embeddings.size(); i++) {
            if (excluded.contains(i)) {
                continue;
            }
            double dot = 0;
            for (int j = 0; j < d; j++) {
                dot += (double) unit[i * d + j] * query[j];
            }
            double cos = qn == 0 ? 0 : dot / qn;
            if (best.size() < n || cos > best.get(best.size() - 1).cosine()) {
                int at = best.size();
                while (at > 0 && best.get(at - 1).cosine() < cos) {
                    at--;
                }
                best.add(at, new Neighbour(embeddings.word(i), cos));
                if (best.size() > n) {
                    best.remove(n);
                }
            }
        }
        return Collections.unmodifiableList(best);
    }

    /**
     * Analogy accuracy per category: a question a b c d is correct when d is the top answer of
     * {@link #analogy analogy(a, b, c)} among the first {@code restrict} rows; a question with any of its words
     * outside those rows is skipped and counted (as word2vec.c's {@code compute-accuracy}, which keeps the 30000 most
     * frequent words, and gensim's {@code evaluate_word_analogies(restrict_vocab=...)} do). Question words are
     * lower-cased (Locale.ROOT) before lookup, like the lower-cased corpus.
     *
     * @param restrict R, the candidate rows: the R most frequent words when the vocabulary is ordered by count (it is
     *     for DL4J's and the C tool's vectors); at most V, at least 4
     */
    public Evaluation evaluate(AnalogyQuestions questions, int restrict) {
        int r = Math.min(restrict, embeddings.size());
        if (r < 4) {
            throw new IllegalArgumentException("restrict must leave at least 4 candidate words, got " + restrict);
        }
        float[] slice = new float[r * d];
        System.arraycopy(unit, 0, slice, 0, r * d);
        INDArray candidatesT = Nd4j.createFromArray(slice).reshape(r, d).transpose(); // [d, R]
        List<CategoryResult> results = new ArrayList<>();
        for (AnalogyQuestions.Category category : questions.categories()) {
            List<int[]> rows = new ArrayList<>();
            int skipped = 0;
            for (AnalogyQuestions.Question q : category.questions()) {
                int[] ids = new int[4];
                boolean known = true;
                List<String> words = q.words();
                for (int k = 0; k < 4; k++) {
                    ids[k] = embeddings.indexOf(words.get(k).toLowerCase(Locale.ROOT));
                    known &= ids[k] >= 0 && ids[k] < r;
                }
                if (known) {
                    rows.add(ids);
                } else {
                    skipped++;
                }
            }
            int correct = 0;
            for (int start = 0; start < rows.size(); start += BATCH) {
                int b = Math.min(BATCH, rows.size() - start);
                float[] queries = new float[b * d];
                for (int k = 0; k < b; k++) {
                    int[] ids = rows.get(start + k);
                    for (int j = 0; j < d; j++) {
                        queries[k * d + j] = unit[ids[1] * d + j] - unit[ids[0] * d + j] + unit[ids[2] * d + j];
                    }
                }
                float[] scores = Nd4j.createFromArray(queries).reshape(b, d).mmul(candidatesT).dup('c').data()
                        .asFloat();
                for (int k = 0; k < b; k++) {
                    int[] ids = rows.get(start + k);
                    int argmax = -1;
                    float best = Float.NEGATIVE_INFINITY;
                    for (int i = 0; i < r; i++) {
                        float s = scores[k * r + i];
                        if (s > best && i != ids[0] && i != ids[1] && i != ids[2]) {
                            best = s;
                            argmax = i;
                        }
                    }
                    if (argmax == ids[3]) {
                        correct++;
                    }
                }
            }
            results.add(new CategoryResult(category.name(), correct, rows.size(), skipped));
        }
        return new Evaluation(List.copyOf(results), r);
    }

    /** {@link #evaluate(AnalogyQuestions, int)} over the whole vocabulary. */
    public Evaluation evaluate(AnalogyQuestions questions) {
        return evaluate(questions, embeddings.size());
    }

    /** Per-category accuracy as a name → accuracy map (file order), for reports. */
    public static Map<String, Double> accuracies(Evaluation evaluation) {
        Map<String, Double> m = new LinkedHashMap<>();
        evaluation.categories().forEach(c -> m.put(c.name(), c.accuracy()));
        return m;
    }
}
