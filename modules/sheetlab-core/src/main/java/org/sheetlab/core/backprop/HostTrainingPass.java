package org.sheetlab.core.backprop;

import java.nio.ByteBuffer;

/**
 * A parameter-free layer whose training forward and backward pass a fast training core can run on host memory, as
 * plain loops over row-major FLOAT blocks, instead of through the layer's own {@code activate}/{@code
 * backpropGradient} with their ND4J ops (e.g. the VAE's reparameterization layer: some 25 small ops on a [B, 2k]
 * input, each dispatched and allocated on its own). The results are the layer's own formulas in float, so they equal
 * its own passes up to the rounding of exp.
 *
 * <p>Buffers are native-order byte buffers, offsets counted in floats, blocks row-major [rows, width]. A forward pass
 * is followed by at most one backward pass on the same rows; the layer keeps what that backward pass needs. A
 * training forward pass here counts towards the layer's regularisation score ({@code calcRegularizationScore}) as its
 * own training forward pass would.
 */
public interface HostTrainingPass {
    /** The output width for an input of width {@code inputWidth}, or −1 when the layer cannot take it here. */
    int hostOutputWidth(int inputWidth);

    /**
     * Whether the next training pass may run here (false, for instance, while a test has fixed the layer's noise):
     * asked before every forward pass; when false the layer's own passes run.
     */
    boolean hostPassReady();

    /** The training forward pass: x [rows, in] at xOff → out [rows, out] at outOff. */
    void hostForward(ByteBuffer x, int xOff, int rows, ByteBuffer out, int outOff);

    /** The backward pass of the last {@link #hostForward}: ε [rows, out] at eOff → ε for the input [rows, in]. */
    void hostBackward(ByteBuffer eps, int eOff, int rows, ByteBuffer epsIn, int epsInOff);
}
