/**
 * Sheet, Attention Mechanism: {@link org.sheetlab.layers.attention.ScaledDotProductAttention}, multi-head
 * self-attention softmax(QKᵀ/√d_k)·V with explicit forward and backward passes (DL4J M2.1's SameDiff-based attention
 * layers backpropagate twice the true gradient).
 */
package org.sheetlab.layers.attention;
