/**
 * Sheet section "Pooling Gradients" (Final Q1) as DL4J layers: {@link org.sheetlab.layers.pooling.PPooling2D} and
 * {@link org.sheetlab.layers.pooling.LogAveragePooling2D} pool k×k windows like DL4J's SubsamplingLayer (kernel,
 * stride, padding; NCHW input [B, C, H, W] → [B, C, O_h, O_w] with O = ⌊(W − K + 2P)/S⌋ + 1);
 * {@link org.sheetlab.layers.pooling.GlobalPPooling} and {@link org.sheetlab.layers.pooling.GlobalLogAveragePooling}
 * pool whole feature maps [B, C, H, W] or sequences [B, C, T] to [B, C]. Forward and backward passes are explicit ND4J
 * code (im2col, a row-wise reduction from {@code org.sheetlab.core.pooling}, col2im), not SameDiff.
 */
package org.sheetlab.layers.pooling;
