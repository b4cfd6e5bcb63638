/**
 * The {@code rnn-compare} experiment: the sheet's recurrent cells (sign-RNN, Simple RNN, LSTM, GRU) on the same task,
 * with their accuracy, time per epoch and the vanishing of ‖∂L/∂s_t‖ with the distance from the loss.
 */
package org.sheetlab.experiments.rnncompare;
