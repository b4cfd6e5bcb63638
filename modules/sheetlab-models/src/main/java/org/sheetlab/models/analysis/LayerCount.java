package org.sheetlab.models.analysis;

import java.util.Arrays;

/**
 * One row of a {@link NetworkCount}: a layer (or the network input) with its output shape per example, its parameter
 * count and its activation count per example (= the product of the output shape, the sheet's "layer_output_dim").
 *
 * @param name layer or vertex name ("input" for the network input)
 * @param type the DL4J layer class name, or "Input"
 * @param outputShape per-example output shape, e.g. [300] or [16, 14, 14]
 * @param parameters trainable and non-trainable parameters held by the layer
 * @param activationsPerSample number of output values per example
 */
public record LayerCount(String name, String type, long[] outputShape, long parameters, long activationsPerSample) {
    /** The activation count for a batch: batch × layer_output_dim. */
    public long activationsForBatch(long batchSize) {
        return Math.multiplyExact(batchSize, activationsPerSample);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerCount that
                && name.equals(that.name)
                && type.equals(that.type)
                && Arrays.equals(outputShape, that.outputShape)
                && parameters == that.parameters
                && activationsPerSample == that.activationsPerSample;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(outputShape);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(outputShape) + " params=" + parameters + " activations="
                + activationsPerSample;
    }
}
