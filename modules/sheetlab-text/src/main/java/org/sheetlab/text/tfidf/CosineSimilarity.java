package org.sheetlab.text.tfidf;

/**
 * Cosine similarity (sheet section "TF-IDF &amp; Cosine Similarity"):
 *
 * <pre>
 *   cos(v, w) = v · w / (‖v‖ ‖w‖)</pre>
 *
 * for two vectors of the same length V (dense {@code double[V]} or {@link SparseVector}s of dimension V). A zero
 * vector has no direction; its cosine with anything is taken as 0 (as scikit-learn's {@code cosine_similarity} gives),
 * so that a document made only of words present in every document (all weights 0) matches nothing.
 */
public final class CosineSimilarity {
    private CosineSimilarity() {}

    /** cos(v, w) of two dense vectors of the same length; 0 when either is the zero vector. */
    public static double cosine(double[] v, double[] w) {
        if (v.length != w.length) {
            throw new IllegalArgumentException("vectors differ in length: " + v.length + " vs " + w.length);
        }
        double dot = 0;
        double vv = 0;
        double ww = 0;
        for (int i = 0; i < v.length; i++) {
            dot += v[i] * w[i];
            vv += v[i] * v[i];
            ww += w[i] * w[i];
        }
        return of(dot, Math.sqrt(vv), Math.sqrt(ww));
    }

    /** cos(v, w) of two sparse vectors of the same dimension; 0 when either is the zero vector. */
    public static double cosine(SparseVector v, SparseVector w) {
        return of(v.dot(w), v.norm(), w.norm());
    }

    /** dot / (normV · normW), or 0 when a norm is 0. */
    static double of(double dot, double normV, double normW) {
        return normV == 0 || normW == 0 ? 0.0 : dot / (normV * normW);
    }
}
