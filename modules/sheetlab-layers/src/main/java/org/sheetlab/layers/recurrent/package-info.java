/**
 * Sheet section "Simple RNN" (Final Q7): {@link org.sheetlab.layers.recurrent.SignRnn}, the sign-RNN
 * s_t = sign(W·s_{t−1} + U·x_t), o_t = ReLU(V·s_t), with the sheet's shapes W(h,h), U(h,x), V(out,h), trained through
 * a straight-through estimator and full backpropagation through time, with masks for variable-length sequences.
 */
package org.sheetlab.layers.recurrent;
