/**
 * Encoder–decoder networks with and without additive (Bahdanau) attention (sheet, Attention Mechanism):
 * {@link org.sheetlab.models.attention.Seq2SeqNetwork} (one-hot x [B, V, T] and previous tokens [B, V, T] → p [B, V,
 * T]), greedy decoding with it ({@link org.sheetlab.models.attention.Seq2SeqDecoder}), and the word-reversal task with
 * its exact-reversal-by-length metric ({@link org.sheetlab.models.attention.Reversal}).
 */
package org.sheetlab.models.attention;
