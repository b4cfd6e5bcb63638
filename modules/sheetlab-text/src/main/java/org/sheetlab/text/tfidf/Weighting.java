package org.sheetlab.text.tfidf;

/**
 * How a {@link TfIdfIndex} weights a word in a document.
 *
 * <ul>
 *   <li>{@link #SHEET}: the sheet's definitions (section "TF-IDF &amp; Cosine Similarity", Final Q6), natural log, no
 *       smoothing, no normalisation:
 *       <pre>
 *   TF(w,d)     = count(w,d) / |d|          |d| = number of tokens of d
 *   IDF(w)      = ln(N / df(w))             N documents, df(w) of them contain w
 *   TF-IDF(w,d) = TF(w,d) × IDF(w)</pre>
 *       A word in all N documents gets IDF = ln(1) = 0, hence TF-IDF 0 in every document.
 *   <li>{@link #SKLEARN}: scikit-learn's {@code TfidfVectorizer} with its defaults ({@code smooth_idf=True},
 *       {@code sublinear_tf=False}, {@code norm='l2'}):
 *       <pre>
 *   tf(w,d)  = count(w,d)                   raw counts
 *   idf(w)   = ln((1 + N) / (1 + df(w))) + 1
 *   x(w,d)   = tf × idf, then each document row divided by its Euclidean norm</pre>
 *       No idf is 0, so no word is ignored entirely; rows have unit length, so cosine is a dot product.
 * </ul>
 *
 * <p>DL4J's {@code org.deeplearning4j.bagofwords.vectorizer.TfidfVectorizer} (deeplearning4j-nlp 1.0.0-M2.1) uses the
 * sheet's TF but {@code MathUtils.idf(N, df) = log10(N / df)}: its values are the {@link #SHEET} values divided by
 * ln 10 (and its cosines are the same, since a constant factor cancels).
 */
public enum Weighting {
    /** The sheet's TF = count/|d|, IDF = ln(N/df), TF-IDF = TF × IDF, rows not normalised. */
    SHEET {
        @Override
        public double tf(int count, int length) {
            return (double) count / length;
        }

        @Override
        public double idf(long documents, long documentFrequency) {
            return Math.log((double) documents / documentFrequency);
        }

        @Override
        public boolean normalisesRows() {
            return false;
        }
    },

    /** scikit-learn's TfidfVectorizer defaults: tf = count, idf = ln((1+N)/(1+df)) + 1, rows l2-normalised. */
    SKLEARN {
        @Override
        public double tf(int count, int length) {
            return count;
        }

        @Override
        public double idf(long documents, long documentFrequency) {
            // the same operations, in the same order, as sklearn's TfidfTransformer.fit (float64 throughout)
            return Math.log((double) (documents + 1) / (double) (documentFrequency + 1)) + 1.0;
        }

        @Override
        public boolean normalisesRows() {
            return true;
        }
    };

    /**
     * The term-frequency factor of a word that occurs {@code count} times in a document of {@code length} tokens.
     */
    public abstract double tf(int count, int length);

    /** The inverse document frequency of a word found in {@code documentFrequency} of {@code documents} documents. */
    public abstract double idf(long documents, long documentFrequency);

    /** True when each document's (and query's) vector is divided by its Euclidean norm. */
    public abstract boolean normalisesRows();

    /** Parses a CLI name: {@code sheet} or {@code sklearn} (any case). */
    public static Weighting parse(String name) {
        for (Weighting w : values()) {
            if (w.name().equalsIgnoreCase(name.strip())) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown TF-IDF weighting '" + name + "'; use sheet or sklearn");
    }
}
