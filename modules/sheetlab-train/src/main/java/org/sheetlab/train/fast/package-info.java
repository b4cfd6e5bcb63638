/**
 * Fast training steps for the sheet's networks without DL4J's general {@code fit} machinery (see the CPU-speed
 * issue): {@link org.sheetlab.train.fast.FastCore}, the one fast path any MultiLayerNetwork or ComputationGraph takes
 * when its updater, regularisation and listeners are supported (the network's own layers compute the passes; a
 * vectorised kernel applies Adam, SGD or Nesterov momentum, L1/L2, weight decay and gradient normalisation over the
 * flat views with DL4J's semantics); {@link org.sheetlab.train.fast.FastStep}, the harness step around it;
 * {@link org.sheetlab.train.fast.DenseAdamStep}, the hand-written backprop of the plain dense softmax MLP with Adam;
 * and {@link org.sheetlab.train.fast.StepSelection}, the {@code --step auto|fast|fit} choice with its recorded reason.
 */
package org.sheetlab.train.fast;
