package org.sheetlab.text.word2vec;

/**
 * Sub-sampling of frequent words (sheet section "Word2Vec Skip-Gram"; Mikolov et al. 2013): before training, each
 * occurrence of word w is kept with probability
 *
 * <pre>
 *   keep(w) = min(1, (sqrt(f(w) / (t·N)) + 1) · t·N / f(w))
 * </pre>
 *
 * <p>with f(w) the corpus count of w, N the number of words in the corpus and t the threshold ({@code sampling}, 10^-3
 * by default in word2vec.c, "useful range (0, 1e-5)"). This is the formula the original C tool implements (word2vec.c,
 * {@code ran = (sqrt(cn / (sample * train_words)) + 1) * (sample * train_words) / cn}) and the one DL4J's
 * {@code SkipGram.applySubsampling} implements, both keeping an occurrence when {@code ran} is at least a uniform draw
 * in [0, 1). It is not the paper's 1 − sqrt(t / f): with r = f / (tN) the relative frequency over the threshold,
 * keep = (sqrt(r) + 1) / r = 1/sqrt(r) + 1/r, so every word with r ≤ φ² ≈ 2.618 (φ the golden ratio) is always kept and a
 * very frequent one is kept about 1/sqrt(r) of the time.
 */
public final class SubSampling {
    private SubSampling() {}

    /**
     * keep(w) above.
     *
     * @param count f(w), at least 1
     * @param totalWords N, at least {@code count}
     * @param threshold t, greater than 0 (0 disables sub-sampling: every word is kept)
     */
    public static double keepProbability(long count, long totalWords, double threshold) {
        if (count < 1 || totalWords < count) {
            throw new IllegalArgumentException(
                    "need 1 <= count <= totalWords, got count " + count + ", totalWords " + totalWords);
        }
        if (threshold < 0) {
            throw new IllegalArgumentException("threshold must be >= 0 (0 = no sub-sampling), got " + threshold);
        }
        if (threshold == 0) {
            return 1.0;
        }
        double tn = threshold * totalWords;
        return Math.min(1.0, (Math.sqrt(count / tn) + 1) * tn / count);
    }
}
