package org.sheetlab.core.training;

/** Sheet, Gradient Descent: "smaller batch → more updates per epoch": ⌈N / B⌉ updates for N examples. */
public final class BatchArithmetic {
    private BatchArithmetic() {}

    /** Updates (mini-batches) per epoch: ⌈N / B⌉, the last batch possibly smaller. */
    public static long updatesPerEpoch(long examples, long batchSize) {
        if (examples < 1 || batchSize < 1) {
            throw new IllegalArgumentException(
                    "examples and batch size must be >= 1, got " + examples + ", " + batchSize);
        }
        return (examples + batchSize - 1) / batchSize;
    }
}
