package org.sheetlab.text.tfidf;

/**
 * A vocabulary word with its document frequency and IDF, e.g. a row of the "lowest IDF" table that shows which words
 * do not discriminate (Final Q6: a word in all N documents has IDF 0).
 *
 * @param word the word
 * @param documentFrequency df(w), the number of documents containing it
 * @param idf its IDF under the index's {@link Weighting}
 */
public record WordWeight(String word, int documentFrequency, double idf) {}
