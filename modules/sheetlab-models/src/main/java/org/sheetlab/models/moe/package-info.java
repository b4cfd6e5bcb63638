/**
 * Mixture-of-experts classifiers (sheet, DNNs as Data Structures, Final Q4) and their dense equal-size baseline, with
 * the trained gate's routing per class ({@link org.sheetlab.models.moe.MoeClassifier.RoutingStatistics}: mean gate
 * [K][E] and top-expert share [K][E] from gates [B, E]).
 */
package org.sheetlab.models.moe;
