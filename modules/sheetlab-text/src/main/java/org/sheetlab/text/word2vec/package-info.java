/**
 * Skip-gram word2vec with negative sampling (sheet section "Word2Vec Skip-Gram"): the DL4J-trained model behind a
 * sheetlab builder ({@link org.sheetlab.text.word2vec.SkipGram}), the p^(3/4) noise distribution
 * ({@link org.sheetlab.text.word2vec.NoiseDistribution}) and the sub-sampling of frequent words
 * ({@link org.sheetlab.text.word2vec.SubSampling}); and {@link org.sheetlab.text.word2vec.FastSkipGram}, the
 * original C tool's algorithm in plain Java arrays (the fast trainer {@code scripts/bench word2vec} measures).
 */
package org.sheetlab.text.word2vec;
