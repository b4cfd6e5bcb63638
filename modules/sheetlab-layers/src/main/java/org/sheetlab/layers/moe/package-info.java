/**
 * Sheet, DNNs as Data Structures (Final Q4): {@link org.sheetlab.layers.moe.MixtureOfExperts}, a gating network that
 * routes each input to experts (softmax gate, optional top-k, load-balancing term).
 */
package org.sheetlab.layers.moe;
