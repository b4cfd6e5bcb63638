/**
 * Sheet section "Classification Metrics" (Final Q2e): accuracy (TP+TN)/(TP+TN+FP+FN), recall TP/(TP+FN), precision
 * TP/(TP+FP) from a binary confusion matrix, and the decision threshold that reaches a target recall ("melanoma → use
 * recall": a missed positive costs more than a false alarm); the precision–recall curve over every threshold
 * ({@link org.sheetlab.core.metrics.PrecisionRecallCurve}). Calibration (sheet Q4b, MC dropout as better uncertainty):
 * the reliability diagram, ECE = Σ_m |B_m|/n · |acc(B_m) − conf(B_m)|, top-1 accuracy and an uncertainty's mean over
 * right and wrong predictions ({@link org.sheetlab.core.metrics.Calibration}; probabilities [N, C], labels [N]).
 * GAN (mode collapse): the Fréchet distance between feature Gaussians ({@link org.sheetlab.core.metrics.FrechetDistance}),
 * the judge's class shares and coverage ({@link org.sheetlab.core.metrics.ClassShares}; probabilities [N, K]) and the
 * samples' diversity, the mean distance over all pairs ({@link org.sheetlab.core.metrics.SampleDiversity}; x [n, d]).
 */
package org.sheetlab.core.metrics;
