/** The {@code char-lm} experiment: character-level LSTM and GRU language models on WordNet's English glosses. */
package org.sheetlab.experiments.charlm;
