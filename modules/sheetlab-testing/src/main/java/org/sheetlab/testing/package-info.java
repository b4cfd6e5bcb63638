/**
 * Shared test helpers for every sheetlab module: a JUnit extension that runs a test class in ND4J DOUBLE precision and
 * restores the previous defaults afterwards, element-wise INDArray assertions, DL4J gradient checks with their result
 * asserted, JSON and ModelSerializer round trips, and a reader for the reference values that committed scripts produced
 * from an independent implementation (PyTorch, NumPy). The DL4J helpers need deeplearning4j-nn, which this module
 * declares optional: a module that uses them declares it itself.
 */
package org.sheetlab.testing;
