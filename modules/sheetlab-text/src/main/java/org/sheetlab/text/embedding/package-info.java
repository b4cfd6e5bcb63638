/**
 * Word vectors (sheet section "Word2Vec Skip-Gram" and the Embedding Analogy box): the table of vectors every trainer
 * produces ({@link org.sheetlab.text.embedding.WordEmbeddings}).
 */
package org.sheetlab.text.embedding;
