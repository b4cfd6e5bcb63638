/**
 * PNG plots with XChart, written atomically into the run folder: the chart helpers the harness and the experiments
 * share. The training curves of a run ({@link org.sheetlab.train.Curves}) live with the loop that records them, since
 * they read its {@link org.sheetlab.train.EpochMetrics}; this package depends on nothing in {@code org.sheetlab.train}.
 */
package org.sheetlab.train.plot;
