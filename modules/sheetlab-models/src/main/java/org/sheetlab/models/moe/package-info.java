/** Mixture-of-experts classifiers (sheet, DNNs as Data Structures, Final Q4) and their dense equal-size baseline. */
package org.sheetlab.models.moe;
