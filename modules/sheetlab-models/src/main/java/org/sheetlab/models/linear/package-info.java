/**
 * Sheet sections "Hessian &amp; 2nd-Order Optimization" and "Newton Step": linear models whose loss is convex, so the
 * Hessian is positive semi-definite and Newton's step w ← w − (H + λI)⁻¹∇L is a descent step.
 * {@link org.sheetlab.models.linear.SoftmaxRegression}: p̂ = softmax(W x + b), shapes [B, n_in] → [B, K].
 */
package org.sheetlab.models.linear;
