package org.sheetlab.core.counting;

/**
 * Sheet, "Convolutional Networks" and the Quick Reference: the output spatial size of a convolution or pooling window
 * O = ⌊(W − K + 2P)/S⌋ + 1 (W = input size, K = kernel, P = padding, S = stride), "same" padding P = (K − 1)/2 for odd
 * K at stride 1, and "valid" padding P = 0.
 */
public final class ConvArithmetic {
    private ConvArithmetic() {}

    /** O = ⌊(W − K + 2P)/S⌋ + 1; rejects a window that does not fit the padded input. */
    public static long outputSize(long inputSize, long kernel, long padding, long stride) {
        ParameterCount.requirePositive("conv output size", "W (input size)", inputSize);
        ParameterCount.requirePositive("conv output size", "K (kernel)", kernel);
        ParameterCount.requirePositive("conv output size", "S (stride)", stride);
        if (padding < 0) {
            throw new IllegalArgumentException("conv output size: P (padding) must be >= 0, got " + padding);
        }
        long span = inputSize - kernel + 2 * padding;
        if (span < 0) {
            throw new IllegalArgumentException(
                    "conv output size: kernel " + kernel + " is larger than the padded input "
                            + (inputSize + 2 * padding) + "; use a smaller kernel or more padding");
        }
        return Math.floorDiv(span, stride) + 1;
    }

    /** Same padding P = (K − 1)/2, which keeps O = W at stride 1; defined for odd K only. */
    public static long samePadding(long kernel) {
        ParameterCount.requirePositive("same padding", "K (kernel)", kernel);
        if (kernel % 2 == 0) {
            throw new IllegalArgumentException("same padding: P = (K-1)/2 needs an odd kernel, got K = " + kernel
                    + "; even kernels need asymmetric padding");
        }
        return (kernel - 1) / 2;
    }

    /** Valid padding: P = 0. */
    public static long validPadding() {
        return 0;
    }
}
