/**
 * TF-IDF and cosine similarity (sheet section "TF-IDF &amp; Cosine Similarity", Final Q6): a sparse document × word
 * index ({@link org.sheetlab.text.tfidf.TfIdfIndex}) weighted as the sheet defines it or as scikit-learn's
 * {@code TfidfVectorizer} does ({@link org.sheetlab.text.tfidf.Weighting}), cosine similarity
 * ({@link org.sheetlab.text.tfidf.CosineSimilarity}) and top-k search over the collection.
 *
 * <p>Storage is compressed sparse rows ({@link org.sheetlab.text.tfidf.SparseRows}): an N-document, V-word index holds
 * its nnz non-zero weights and never allocates an N × V matrix.
 */
package org.sheetlab.text.tfidf;
