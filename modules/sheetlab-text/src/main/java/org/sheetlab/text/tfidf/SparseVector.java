package org.sheetlab.text.tfidf;

import java.util.Arrays;

/**
 * A sparse vector of dimension V: the non-zero entries as strictly increasing {@code indices} with their
 * {@code values} (both of length nnz). A query's TF-IDF vector, or a copy of one document row of a {@link SparseRows}.
 *
 * @param dimension V, the length of the dense vector it stands for
 * @param indices the positions of the stored entries, strictly increasing, each in [0, V)
 * @param values the stored entries, same length as {@code indices}
 */
public record SparseVector(int dimension, int[] indices, double[] values) {
    public SparseVector {
        if (indices.length != values.length) {
            throw new IllegalArgumentException(
                    "indices and values differ in length: " + indices.length + " vs " + values.length);
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= dimension || (i > 0 && indices[i] <= indices[i - 1])) {
                throw new IllegalArgumentException("indices must increase strictly within [0, " + dimension
                        + "); position " + i + " holds " + indices[i]);
            }
        }
    }

    /** The number of stored entries. */
    public int nnz() {
        return indices.length;
    }

    /** The entry at {@code index} (0 when it is not stored). */
    public double get(int index) {
        int at = Arrays.binarySearch(indices, index);
        return at >= 0 ? values[at] : 0.0;
    }

    /** ‖v‖ = sqrt(Σ v_i²), summed in index order. */
    public double norm() {
        double sum = 0;
        for (double v : values) {
            sum += v * v;
        }
        return Math.sqrt(sum);
    }

    /** v · w by merging the two index lists; both must have the same dimension. */
    public double dot(SparseVector w) {
        if (w.dimension != dimension) {
            throw new IllegalArgumentException("dimensions differ: " + dimension + " vs " + w.dimension);
        }
        double sum = 0;
        int i = 0;
        int j = 0;
        while (i < indices.length && j < w.indices.length) {
            if (indices[i] == w.indices[j]) {
                sum += values[i++] * w.values[j++];
            } else if (indices[i] < w.indices[j]) {
                i++;
            } else {
                j++;
            }
        }
        return sum;
    }

    /** The dense vector (length V): for small cases and tests only. */
    public double[] toDense() {
        double[] dense = new double[dimension];
        for (int i = 0; i < indices.length; i++) {
            dense[indices[i]] = values[i];
        }
        return dense;
    }
}
