/**
 * Sheet section "Pooling Gradients" (Final Q1) as closed-form functions of a window: p-pooling
 * y = (Σᵢ xᵢᵖ)^(1/p) with ∂y/∂xᵢ = δ·xᵢ^(p−1)/(Σⱼ xⱼᵖ)^((p−1)/p), and log-average pooling y = log(1/n Σᵢ exp xᵢ) with
 * ∂y/∂xᵢ = δ·softmax(x)ᵢ. Both work on a matrix of windows [N, K] (N windows of K values each) so that 2-D window
 * pooling (after im2col) and global pooling share one implementation; the DL4J layers live in sheetlab-layers.
 */
package org.sheetlab.core.pooling;
