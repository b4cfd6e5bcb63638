/**
 * Experiment {@code sign-rnn}: the sheet's Final Q7 sign-RNN against a tanh SimpleRnn, both reading Fashion-MNIST
 * images row by row (28 steps of 28 pixels); test accuracy and the distribution of the hidden states.
 */
package org.sheetlab.experiments.signrnn;
