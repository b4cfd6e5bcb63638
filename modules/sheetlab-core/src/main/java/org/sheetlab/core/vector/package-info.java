/**
 * Elementwise transcendental functions on the JDK Vector API ({@code jdk.incubator.vector}) for sheetlab's host
 * kernels: {@link org.sheetlab.core.vector.VectorMath} (exp, log, the logistic sigmoid, tanh). Not a sheet section: it
 * is what the sheet's activations (sigmoid, tanh), the recurrent cells' gates, the cross-entropy and the log-average
 * and p-pooling kernels compute with when they run vectorised. Loaded only by classes that themselves load only when
 * the JVM runs with {@code --add-modules jdk.incubator.vector}.
 */
package org.sheetlab.core.vector;
