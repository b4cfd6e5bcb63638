/**
 * Sheet section "Classification Metrics" (Final Q2e): accuracy (TP+TN)/(TP+TN+FP+FN), recall TP/(TP+FN), precision
 * TP/(TP+FP) from a binary confusion matrix, and the decision threshold that reaches a target recall ("melanoma → use
 * recall": a missed positive costs more than a false alarm).
 */
package org.sheetlab.core.metrics;
