/**
 * Text as token ids and as a word corpus.
 *
 * <ul>
 *   <li>{@link org.sheetlab.data.text.Vocabulary}: a fixed character alphabet whose positions are the one-hot
 *       positions of the sequence models' inputs and outputs [B, V, T] (sheet: "Simple RNN", "LSTM Gates", "GRU",
 *       "Attention Mechanism").</li>
 *   <li>{@link org.sheetlab.data.text.TextCorpus}: the English word corpus of datasets/text-corpus (one document per
 *       line, streamed), its {@link org.sheetlab.data.text.CorpusTokenizer tokenizer} and
 *       {@link org.sheetlab.data.text.CorpusWriter writer}, and the {@link org.sheetlab.data.text.CorpusBuilder
 *       builder} that datasets/text-corpus/fetch.sh runs over the Debian packages' {@link
 *       org.sheetlab.data.text.CorpusSources texts} (sheet: "TF-IDF &amp; Cosine Similarity", "Word2Vec
 *       Skip-Gram").</li>
 *   <li>{@link org.sheetlab.data.text.AnalogyQuestions}: analogy questions in Google's questions-words.txt format,
 *       and their {@link org.sheetlab.data.wordnet.AnalogySetGenerator generator} from WordNet (sheet: "Embedding
 *       Analogy").</li>
 * </ul>
 */
package org.sheetlab.data.text;
