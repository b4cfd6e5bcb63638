/**
 * Sheet section "Parameter &amp; Activation Counting" (Final Q5) for whole networks: per-layer and total parameter and
 * activation counts of any DL4J {@code MultiLayerConfiguration} or {@code ComputationGraphConfiguration}, per sample
 * and for a batch, read off DL4J's own shape inference ({@code getLayerActivationTypes}) and parameter initializers.
 */
package org.sheetlab.models.analysis;
