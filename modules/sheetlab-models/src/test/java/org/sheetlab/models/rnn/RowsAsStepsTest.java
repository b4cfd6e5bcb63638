package org.sheetlab.models.rnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class RowsAsStepsTest {
    /** A 2×3 image [[0, 1, 2], [3, 4, 5]]: step 0 is row 0 = (0, 1, 2), step 1 is row 1 = (3, 4, 5). */
    @Test
    void stepTIsImageRowT() {
        INDArray flat = Nd4j.createFromArray(new float[][] {{0, 1, 2, 3, 4, 5}, {10, 11, 12, 13, 14, 15}});
        INDArray seq = new RowsAsSteps(2, 3).apply(flat);
        assertThat(seq.shape()).containsExactly(2, 3, 2); // [B, columns = features, rows = steps]
        assertThat(seq.get(
                                org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                                org.nd4j.linalg.indexing.NDArrayIndex.point(1))
                        .toFloatVector())
                .containsExactly(3, 4, 5);
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < 3; c++) {
                for (int t = 0; t < 2; t++) {
                    assertThat(seq.getFloat(b, c, t)).isEqualTo(flat.getFloat(b, t * 3 + c));
                }
            }
        }
        assertThat(seq.ordering()).isEqualTo('c');
        assertThat(flat.shape()).containsExactly(2, 6);
    }

    @Test
    void preProcessorMatchesTheExperimentsOldLambda() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 784);
        DataSet ds = new DataSet(x.dup(), Nd4j.zeros(DataType.FLOAT, 5, 10));
        RowsAsSteps.FASHION_MNIST.preProcess(ds);
        assertBitIdentical(
                ds.getFeatures(), x.reshape('c', 5, 28, 28).permute(0, 2, 1).dup('c'));
        assertThatThrownBy(() -> RowsAsSteps.FASHION_MNIST.apply(Nd4j.zeros(2, 100)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[B, 784]");
    }

    @Test
    void recurrentStatesOfBothCells() {
        INDArray x = RowsAsSteps.FASHION_MNIST.apply(Nd4j.rand(DataType.FLOAT, 3, 784));
        for (RowRnnClassifier.Cell cell : RowRnnClassifier.Cell.values()) {
            MultiLayerNetwork net = new MultiLayerNetwork(
                    RowRnnClassifier.builder().setCell(cell).optHidden(8).build());
            net.init();
            INDArray s = RecurrentStates.of(net, x);
            assertThat(s.shape()).as(cell.name()).containsExactly(3, 8, 28);
            INDArray abs = Transforms.abs(s, true);
            if (cell == RowRnnClassifier.Cell.SIGN) {
                assertThat(abs.minNumber().doubleValue()).isEqualTo(1.0);
                assertThat(abs.maxNumber().doubleValue()).isEqualTo(1.0);
            } else {
                assertThat(abs.maxNumber().doubleValue()).isLessThan(1.0);
                // the last state is what LastTimeStep hands to the output layer
                INDArray last = s.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(27));
                assertBitIdentical(net.feedForward(x, false).get(1), last);
            }
        }
        MultiLayerNetwork mlp = new MultiLayerNetwork(
                org.sheetlab.models.mlp.FinalQ5Network.builder().setInputSize(4).build());
        mlp.init();
        assertThatThrownBy(() -> RecurrentStates.of(mlp, Nd4j.zeros(1, 4)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
