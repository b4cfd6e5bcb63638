/**
 * Skip-gram word2vec with negative sampling (sheet section "Word2Vec Skip-Gram"):
 * {@link org.sheetlab.text.word2vec.FastSkipGram}, the original C tool's algorithm in plain Java arrays.
 */
package org.sheetlab.text.word2vec;
