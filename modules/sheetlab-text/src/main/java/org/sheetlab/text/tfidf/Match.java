package org.sheetlab.text.tfidf;

/**
 * One result of a {@link TfIdfIndex#search top-k search}: a document (its index in the order documents were added)
 * and its cosine similarity to the query.
 *
 * @param document the document's index, 0 ≤ document &lt; N
 * @param score cos(query, document), in [0, 1] for the non-negative TF-IDF weights
 */
public record Match(int document, double score) {}
