/**
 * Gradients with respect to a network's inputs (sheet: backpropagation, saliency, style transfer):
 * {@link org.sheetlab.models.gradient.InputGradients}, for MultiLayerNetworks and ComputationGraphs alike.
 */
package org.sheetlab.models.gradient;
