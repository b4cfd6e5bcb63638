/**
 * Sheet, Attention Mechanism: {@link org.sheetlab.layers.attention.ScaledDotProductAttention}, multi-head
 * self-attention softmax(QKᵀ/√d_k)·V with explicit forward and backward passes (DL4J M2.1's SameDiff-based attention
 * layers backpropagate twice the true gradient); {@link org.sheetlab.layers.attention.CrossAttention}, a query sequence
 * attending over another sequence's keys and values with a key (padding) mask; additive (Bahdanau) attention as a
 * layer and as two graph vertices with key masks.
 */
package org.sheetlab.layers.attention;
