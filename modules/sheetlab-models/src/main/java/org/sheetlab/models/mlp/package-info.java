/**
 * Multi-layer perceptrons from the sheet: the Final Q5 network Input(n_in) → Dense(300, relu) → Dense(100, relu) →
 * Dense(10, softmax), built as a DL4J {@code MultiLayerConfiguration}.
 */
package org.sheetlab.models.mlp;
