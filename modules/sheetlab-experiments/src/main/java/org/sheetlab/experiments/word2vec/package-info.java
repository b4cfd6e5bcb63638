/**
 * The {@code word2vec} experiment (sheet: "Word2Vec Skip-Gram", "Embedding Analogy"): skip-gram with negative sampling
 * trained by DL4J's Word2Vec on the text corpus, analogy accuracy per category, nearest neighbours, a PCA plot and the
 * vectors in the word2vec binary format.
 */
package org.sheetlab.experiments.word2vec;
