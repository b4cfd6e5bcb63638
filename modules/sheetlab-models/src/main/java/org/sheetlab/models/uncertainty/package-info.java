/**
 * Sheet, DNNs as Data Structures, "Dropout at inference (Q4b)": Monte-Carlo dropout, keeping dropout active at test
 * time as a Bayesian ensemble, done so that BatchNorm still uses its running statistics.
 */
package org.sheetlab.models.uncertainty;
