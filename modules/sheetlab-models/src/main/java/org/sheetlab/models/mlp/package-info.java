/**
 * Multi-layer perceptrons from the sheet ("Parameter &amp; Activation Counting", Final Q5): the Final Q5 network
 * Input(n_in) → Dense(300, relu) → Dense(100, relu) → Dense(10, softmax), parameters Σ (n_in·n_out + n_out), shapes
 * [B, n_in] → [B, 300] → [B, 100] → [B, 10], built as a DL4J {@code MultiLayerConfiguration} or, with the same layers
 * and initial parameters, as a {@code ComputationGraphConfiguration}.
 */
package org.sheetlab.models.mlp;
