/**
 * Experiment {@code pooling}: the same small CNN on Fashion-MNIST with max, average, p-pooling (p = 2, 3) and
 * log-average pooling (sheet, Final Q1); test accuracy and time per epoch in one table and plot.
 */
package org.sheetlab.experiments.pooling;
