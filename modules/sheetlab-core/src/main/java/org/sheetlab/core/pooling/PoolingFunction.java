package org.sheetlab.core.pooling;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A pooling reduction over windows. Shapes: windows [N, K] (one window per row), output y [N, 1], upstream gradient
 * δ [N, 1], input gradient [N, K]. Implementations are stateless and keep the input's data type. The same formula is
 * also given per window on plain arrays ({@link #forwardWindow}, {@link #backwardWindow}), which the windowed layers'
 * host kernel uses; tests check that both forms agree.
 */
public interface PoolingFunction {
    /** y = f(window), one value per row: [N, K] → [N, 1]. */
    INDArray forward(INDArray windows);

    /** ∂L/∂x = δ·∂y/∂x for every window element: [N, K]. {@code y} is {@link #forward}'s result for the same windows. */
    INDArray backward(INDArray windows, INDArray y, INDArray dy);

    /** y for one window: the first {@code n} values of {@code window}. Same formula as {@link #forward}. */
    double forwardWindow(double[] window, int n);

    /**
     * Writes δ·∂y/∂xᵢ for one window into {@code grad[0..n)}; {@code y} is {@link #forwardWindow}'s result. Same
     * formula as {@link #backward}.
     */
    void backwardWindow(double[] window, int n, double y, double dy, double[] grad);

    /**
     * y for one window, and the local derivatives ∂y/∂xᵢ written into {@code partials[0..n)}, so that a training
     * layer's backward pass is δ·partials alone (no second evaluation of exp or pow). Same formulas as
     * {@link #forwardWindow} and {@link #backwardWindow} with δ = 1; implementations may share work between the two.
     */
    default double forwardWindow(double[] window, int n, double[] partials) {
        double y = forwardWindow(window, n);
        backwardWindow(window, n, y, 1.0, partials);
        return y;
    }

    /** Checks the [N, K] contract. */
    static void checkWindows(String name, INDArray windows) {
        if (windows.rank() != 2 || windows.size(1) < 1) {
            throw new IllegalArgumentException(name + ": expected windows as a [N, K] matrix, got shape "
                    + java.util.Arrays.toString(windows.shape()));
        }
    }
}
