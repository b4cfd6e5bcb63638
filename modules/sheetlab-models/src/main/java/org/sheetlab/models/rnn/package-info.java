/**
 * Sequence classifiers from the sheet's Simple RNN section: a sign-RNN (Final Q7) or a tanh SimpleRnn reading an
 * image row by row, with a softmax on the last step.
 */
package org.sheetlab.models.rnn;
