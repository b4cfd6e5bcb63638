package org.sheetlab.text.tfidf;

/**
 * An N × V matrix in compressed sparse row (CSR) form, the storage of a {@link TfIdfIndex}: row r's stored entries
 * are {@code values[indptr[r] .. indptr[r+1])} at columns {@code indices[same range]}, columns increasing within a
 * row. Memory is (N + 1) ints + nnz ints + nnz doubles, independent of V: a 100k-word vocabulary costs nothing until a
 * document uses a word.
 *
 * <p>Shapes: {@code indptr} has N + 1 entries (indptr[0] = 0, indptr[N] = nnz); {@code indices} and {@code values}
 * have nnz entries.
 */
public final class SparseRows {
    private final int rows;
    private final int columns;
    private final int[] indptr;
    private final int[] indices;
    private final double[] values;

    /**
     * Wraps the three arrays (kept, not copied) after checking their shapes and that columns increase within each row.
     */
    public SparseRows(int columns, int[] indptr, int[] indices, double[] values) {
        if (indptr.length < 1 || indptr[0] != 0) {
            throw new IllegalArgumentException("indptr must start with 0 and have N + 1 entries");
        }
        int nnz = indptr[indptr.length - 1];
        if (indices.length != nnz || values.length != nnz) {
            throw new IllegalArgumentException("indptr ends at nnz = " + nnz + " but indices has " + indices.length
                    + " and values " + values.length + " entries");
        }
        for (int r = 0; r + 1 < indptr.length; r++) {
            if (indptr[r + 1] < indptr[r]) {
                throw new IllegalArgumentException("indptr decreases at row " + r);
            }
            for (int k = indptr[r]; k < indptr[r + 1]; k++) {
                if (indices[k] < 0 || indices[k] >= columns || (k > indptr[r] && indices[k] <= indices[k - 1])) {
                    throw new IllegalArgumentException("row " + r + ": columns must increase within [0, " + columns
                            + "), entry " + k + " is " + indices[k]);
                }
            }
        }
        this.rows = indptr.length - 1;
        this.columns = columns;
        this.indptr = indptr;
        this.indices = indices;
        this.values = values;
    }

    /** N, the number of rows (documents). */
    public int rows() {
        return rows;
    }

    /** V, the number of columns (vocabulary words). */
    public int columns() {
        return columns;
    }

    /** The number of stored entries. */
    public int nnz() {
        return indices.length;
    }

    /** Row {@code r} as a sparse vector (copies of its nnz entries). */
    public SparseVector row(int r) {
        java.util.Objects.checkIndex(r, rows);
        return new SparseVector(
                columns,
                java.util.Arrays.copyOfRange(indices, indptr[r], indptr[r + 1]),
                java.util.Arrays.copyOfRange(values, indptr[r], indptr[r + 1]));
    }

    /** The entry at (r, c): 0 when it is not stored (binary search in row r). */
    public double get(int r, int c) {
        java.util.Objects.checkIndex(r, rows);
        int at = java.util.Arrays.binarySearch(indices, indptr[r], indptr[r + 1], c);
        return at >= 0 ? values[at] : 0.0;
    }

    /** Each row's Euclidean norm, length N. */
    public double[] rowNorms() {
        double[] norms = new double[rows];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int k = indptr[r]; k < indptr[r + 1]; k++) {
                sum += values[k] * values[k];
            }
            norms[r] = Math.sqrt(sum);
        }
        return norms;
    }

    /**
     * The transpose (V × N, compressed sparse columns of this matrix): per word, the documents containing it in
     * increasing order, i.e. the inverted index search walks. Same nnz; built by a counting sort, O(N + V + nnz).
     */
    public SparseRows transpose() {
        int[] tptr = new int[columns + 1];
        for (int c : indices) {
            tptr[c + 1]++;
        }
        for (int c = 0; c < columns; c++) {
            tptr[c + 1] += tptr[c];
        }
        int[] next = java.util.Arrays.copyOf(tptr, columns);
        int[] tindices = new int[indices.length];
        double[] tvalues = new double[values.length];
        for (int r = 0; r < rows; r++) {
            for (int k = indptr[r]; k < indptr[r + 1]; k++) {
                int at = next[indices[k]]++;
                tindices[at] = r;
                tvalues[at] = values[k];
            }
        }
        return new SparseRows(rows, tptr, tindices, tvalues);
    }

    /** Bytes held by the three arrays: 4 (N + 1) + 4 nnz + 8 nnz (object headers aside). */
    public long storedBytes() {
        return 4L * indptr.length + 4L * indices.length + 8L * values.length;
    }

    /** The row pointers (not a copy): N + 1 entries. */
    public int[] indptr() {
        return indptr;
    }

    /** The column of each stored entry (not a copy): nnz entries. */
    public int[] indices() {
        return indices;
    }

    /** The stored entries (not a copy): nnz entries. */
    public double[] values() {
        return values;
    }
}
