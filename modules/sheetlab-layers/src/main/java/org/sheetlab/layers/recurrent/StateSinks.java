package org.sheetlab.layers.recurrent;

import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How the host recurrent layers implement {@link StateGradientRecording#stateGradients}: their backward pass adds
 * ∂L/∂s_t into a sink array when one is installed, and this runs that pass with a fresh sink.
 */
final class StateSinks {
    private StateSinks() {}

    /**
     * Installs a zeroed sink of B·H·T doubles with {@code install}, runs {@code backward}, removes the sink again
     * ({@code install} with null, also when the pass fails) and returns the sink as [B, H, T] in DOUBLE.
     */
    static INDArray record(long b, long h, long steps, Consumer<double[]> install, Runnable backward) {
        double[] out = new double[(int) (b * h * steps)];
        install.accept(out);
        try {
            backward.run();
        } finally {
            install.accept(null);
        }
        return Nd4j.create(out, new long[] {b, h, steps}, DataType.DOUBLE);
    }
}
