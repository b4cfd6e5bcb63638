/**
 * Sheet section "Neural Style Transfer" (Final Q3) on a fixed network: {@link
 * org.sheetlab.models.vision.style.StyleTransfer}, the total loss L(G) = α L_content(C, G) + β Σ_l w_l L_style^[l](S,
 * G) (+ γ TV(G)) read from named layers of a ComputationGraph with its gradient with respect to the generated image's
 * pixels; {@link org.sheetlab.models.vision.style.StyleTransferStep}, the optimisation of the pixels (Adam, clipped to
 * the valid range) as a training-harness step; and {@link org.sheetlab.models.vision.style.StyleFeatureNet}, a small
 * VGG-shaped feature network with Keras layer names for CPU runs and tests. The closed-form losses are in
 * {@code org.sheetlab.core.style}.
 */
package org.sheetlab.models.vision.style;
