package org.sheetlab.models.rnn;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;

/**
 * Sheet, "Simple RNN": an image read row by row, one row per time step. Flat images [B, rows·columns] (row-major, as
 * {@code FashionMnist} gives them) become sequences [B, columns, rows] in DL4J's NCW layout: x_t = image row t, so
 * {@code out[b, c, t] = in[b, t·columns + c]}. A {@link DataSetPreProcessor} for iterators; {@link #apply(INDArray)}
 * for a single array. Fashion-MNIST: [B, 784] → [B, 28, 28], matching {@code InputType.recurrent(28, 28)}.
 *
 * <pre>{@code
 * iterator.setPreProcessor(RowsAsSteps.FASHION_MNIST);
 * INDArray seq = RowsAsSteps.FASHION_MNIST.apply(images);   // [8, 784] → [8, 28, 28]
 * }</pre>
 */
public final class RowsAsSteps implements DataSetPreProcessor {
    private static final long serialVersionUID = 1L;

    /** 28×28 images: 28 steps of 28 pixels. */
    public static final RowsAsSteps FASHION_MNIST = new RowsAsSteps(28, 28);

    private final int rows;
    private final int columns;

    /** Images of {@code rows} × {@code columns} pixels: {@code rows} steps of {@code columns} features. */
    public RowsAsSteps(int rows, int columns) {
        require(rows >= 1, "RowsAsSteps", "rows", rows, ">= 1");
        require(columns >= 1, "RowsAsSteps", "columns", columns, ">= 1");
        this.rows = rows;
        this.columns = columns;
    }

    public int rows() {
        return rows;
    }

    public int columns() {
        return columns;
    }

    /** [B, rows·columns] → a new c-ordered [B, columns, rows]; step t is image row t. The input is not modified. */
    public INDArray apply(INDArray images) {
        if (images.rank() != 2 || images.size(1) != (long) rows * columns) {
            throw new IllegalArgumentException("RowsAsSteps(" + rows + ", " + columns + ") needs images [B, "
                    + rows * columns + "], got " + java.util.Arrays.toString(images.shape()));
        }
        return images.reshape('c', images.size(0), rows, columns)
                .permute(0, 2, 1)
                .dup('c');
    }

    /** Replaces the data set's features by {@link #apply(INDArray)} of them. */
    @Override
    public void preProcess(DataSet ds) {
        ds.setFeatures(apply(ds.getFeatures()));
    }
}
