/**
 * Text as token ids for the sequence models of the sheet's "Simple RNN", "LSTM Gates", "GRU" and "Attention
 * Mechanism" sections: {@link org.sheetlab.data.text.Vocabulary}, a fixed character alphabet whose positions are the
 * one-hot positions of the models' inputs and outputs [B, V, T].
 */
package org.sheetlab.data.text;
