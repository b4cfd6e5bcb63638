/**
 * Experiment {@code final-q5}: the sheet's Final Q5 network (Input → Dense(300, relu) → Dense(100, relu) →
 * Dense(10, softmax)) with input 784, trained on the real Fashion-MNIST.
 */
package org.sheetlab.experiments.finalq5;
