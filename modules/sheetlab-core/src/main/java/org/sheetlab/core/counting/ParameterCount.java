package org.sheetlab.core.counting;

/**
 * Sheet, "Parameter &amp; Activation Counting": the closed-form parameter counts of single layers.
 *
 * <ul>
 *   <li>Dense: params = n_in × n_out + n_out (bias). Dense(300) on Input(400): 400·300 + 300 = 120,300.</li>
 *   <li>Conv: params = K² × C_in × C_out + C_out (bias), for a square K×K kernel.</li>
 *   <li>Max/average pooling: no parameters.</li>
 * </ul>
 */
public final class ParameterCount {
    private ParameterCount() {}

    /** n_in × n_out + n_out. */
    public static long dense(long nIn, long nOut) {
        requirePositive("dense", "n_in", nIn);
        requirePositive("dense", "n_out", nOut);
        return Math.addExact(Math.multiplyExact(nIn, nOut), nOut);
    }

    /** K² × C_in × C_out + C_out for a K×K kernel. */
    public static long conv(long kernel, long channelsIn, long channelsOut) {
        return conv(kernel, kernel, channelsIn, channelsOut);
    }

    /** K_h × K_w × C_in × C_out + C_out for a rectangular kernel. */
    public static long conv(long kernelH, long kernelW, long channelsIn, long channelsOut) {
        requirePositive("conv", "K_h", kernelH);
        requirePositive("conv", "K_w", kernelW);
        requirePositive("conv", "C_in", channelsIn);
        requirePositive("conv", "C_out", channelsOut);
        return Math.addExact(
                Math.multiplyExact(Math.multiplyExact(kernelH * kernelW, channelsIn), channelsOut), channelsOut);
    }

    /** Max and average pooling have no parameters. */
    public static long pooling() {
        return 0;
    }

    static void requirePositive(String what, String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + ": " + name + " must be positive, got " + value);
        }
    }
}
