/**
 * The {@code tfidf-search} experiment (sheet section "TF-IDF &amp; Cosine Similarity", Final Q6): top-k cosine search
 * over the text corpus with the library's {@link org.sheetlab.text.tfidf.TfIdfIndex}, and the demonstration that a
 * word present in every document (IDF 0) does not change a ranking.
 */
package org.sheetlab.experiments.tfidf;
