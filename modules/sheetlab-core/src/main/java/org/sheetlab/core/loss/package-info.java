/**
 * Sheet section "Loss Functions": MSE, binary cross-entropy and categorical cross-entropy exactly as the sheet writes
 * them, each normalised by 1/B (B = batch size), with their gradients. Javadoc on each class states how it relates to
 * DL4J's {@code LossMSE}, {@code LossBinaryXENT} and {@code LossMCXENT}, which a network is trained with.
 */
package org.sheetlab.core.loss;
