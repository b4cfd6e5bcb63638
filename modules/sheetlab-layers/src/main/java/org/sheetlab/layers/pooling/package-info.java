/**
 * Sheet section "Pooling Gradients" (Final Q1) as DL4J layers: {@link org.sheetlab.layers.pooling.PPooling2D} and
 * {@link org.sheetlab.layers.pooling.LogAveragePooling2D} pool k×k windows like DL4J's SubsamplingLayer (kernel,
 * stride, padding; NCHW input [B, C, H, W] → [B, C, O_h, O_w] with O = ⌊(W − K + 2P)/S⌋ + 1);
 * {@link org.sheetlab.layers.pooling.GlobalPPooling} and {@link org.sheetlab.layers.pooling.GlobalLogAveragePooling}
 * pool whole feature maps [B, C, H, W] or sequences [B, C, T] to [B, C]. Forward and backward passes are explicit
 * code, not SameDiff: the window layers run a host kernel per (example, channel) plane
 * ({@link org.sheetlab.layers.pooling.WindowPoolingLayer}; for FLOAT input with p = 2, p = 3 or log-average pooling
 * the float fast path {@code FloatWindowKernel}, exp/log with the JDK Vector API), the
 * global layers ND4J ops (a row-wise reduction from {@code org.sheetlab.core.pooling}).
 */
package org.sheetlab.layers.pooling;
