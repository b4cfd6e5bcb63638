package org.sheetlab.core.backprop;

/**
 * A layer that can leave out its input gradient (the ε it passes down) when no one reads it: the first layer of a
 * network trained by the fast training core, whose input is the data. Torch's autograd leaves it out the same way
 * (the input does not require a gradient). While skipped, the layer still computes its parameter gradients exactly,
 * and returns a zero array of the input's shape as its ε.
 *
 * <p>The fast core switches this on around its own forward and backward pass only; outside it ({@code fit}, gradient
 * checks, input gradients asked for by a caller) every layer computes its full input gradient.
 */
public interface InputGradientOptional {
    /** Whether the next backward passes may leave out the input gradient ({@code true}) or must compute it. */
    void skipInputGradient(boolean skip);
}
