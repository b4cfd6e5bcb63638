/**
 * Shared test helpers for every sheetlab module: a JUnit extension that runs a test class in ND4J DOUBLE precision and
 * restores the previous defaults afterwards, element-wise INDArray assertions, and a reader for the reference values
 * that committed scripts produced from an independent implementation (PyTorch, NumPy).
 */
package org.sheetlab.testing;
