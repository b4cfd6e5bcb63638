/**
 * Convolutions for the sheet's CNNs (Convolutions section: O = ⌊(W − K + 2P)/S⌋ + 1, parameters (K·K·C + 1)·F).
 * {@link org.sheetlab.layers.conv.FastConvolution2D} is DL4J's {@code ConvolutionLayer} (same configuration, same
 * parameter layout, same gradients) with the im2col and col2im steps done by host loops instead of libnd4j's strided
 * kernels, which dominate DL4J's CPU convolution in M2.1 (and, where the natives have it, through libnd4j's oneDNN
 * conv2d ops). {@link org.sheetlab.layers.conv.FastDeconvolution2D} is DL4J's {@code Deconvolution2D} the same way:
 * the transposed convolution as col2im of one GEMM, sharing the index maps and host loops.
 */
package org.sheetlab.layers.conv;
