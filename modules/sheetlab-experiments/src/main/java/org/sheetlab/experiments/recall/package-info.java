/**
 * Experiment {@code recall-first}: the sheet's melanoma lesson (Final Q2e, "use recall") on the Wisconsin
 * breast-cancer data, malignant = positive: a classifier, its precision–recall curve, and the decision threshold
 * chosen on a validation split for recall ≥ 0.98, with the test confusion matrix at 0.5 and at that threshold.
 */
package org.sheetlab.experiments.recall;
