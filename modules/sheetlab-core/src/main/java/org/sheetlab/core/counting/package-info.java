/**
 * Sheet sections "Parameter &amp; Activation Counting" (Final Q5) and "Convolutional Networks": closed-form parameter
 * counts (dense n_in·n_out + n_out, conv K²·C_in·C_out + C_out, none for pooling) and the convolution output-size
 * arithmetic O = ⌊(W − K + 2P)/S⌋ + 1 with same padding P = (K − 1)/2. Counting a whole DL4J network configuration
 * lives in {@code org.sheetlab.models.analysis}, which needs DL4J's layer classes; this package needs ND4J only.
 */
package org.sheetlab.core.counting;
