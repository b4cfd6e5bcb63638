/**
 * Sheet section "Simple RNN" (Final Q7 sign variant): sequence classifiers that read an image row by row
 * ({@link org.sheetlab.models.rnn.RowRnnClassifier}: a sign-RNN s_t = sign(W s_{t−1} + U x_t) or a tanh SimpleRnn,
 * softmax on the last step), the row-as-timestep reshaping [B, rows·columns] → [B, columns, rows] with x_t = image
 * row t ({@link org.sheetlab.models.rnn.RowsAsSteps}), and the hidden states s_1 … s_T [B, h, T] of a trained network
 * ({@link org.sheetlab.models.rnn.RecurrentStates}).
 */
package org.sheetlab.models.rnn;
