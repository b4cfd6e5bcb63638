package org.sheetlab.core.pooling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.testing.DoublePrecision;

/** The per-window form (host kernel) and the matrix form (ND4J ops) of each pooling function agree. */
@ExtendWith(DoublePrecision.class)
class WindowFormsAgreeTest {
    @Test
    void bothFormsGiveTheSameValuesAndGradients() {
        Nd4j.getRandom().setSeed(5);
        INDArray rows = Nd4j.randn(DataType.DOUBLE, 50, 6).muli(3);
        rows.putRow(0, Nd4j.zeros(DataType.DOUBLE, 1, 6)); // an all-zero window
        rows.putScalar(1, 2, 0.0); // a zero inside a window
        INDArray dy = Nd4j.randn(DataType.DOUBLE, 50, 1);
        for (PoolingFunction f : List.of(
                new PPool(1), new PPool(2), new PPool(3), new PPool(2.7), new PPool(40), new LogAveragePool())) {
            INDArray y = f.forward(rows.dup());
            INDArray g = f.backward(rows.dup(), y, dy);
            double[] grad = new double[6];
            double[] partials = new double[6];
            for (int r = 0; r < 50; r++) {
                double[] w = rows.getRow(r).toDoubleVector();
                double yw = f.forwardWindow(w, 6);
                assertThat(yw).as("%s row %d", f, r).isCloseTo(y.getDouble(r, 0), within(1e-9 * (1 + Math.abs(yw))));
                f.backwardWindow(w, 6, yw, dy.getDouble(r, 0), grad);
                double yp = f.forwardWindow(w, 6, partials);
                assertThat(yp).as("%s row %d, with partials", f, r).isEqualTo(yw);
                for (int i = 0; i < 6; i++) {
                    assertThat(grad[i]).as("%s row %d grad %d", f, r, i).isCloseTo(g.getDouble(r, i), within(1e-9));
                    assertThat(dy.getDouble(r, 0) * partials[i])
                            .as("%s row %d partial %d", f, r, i)
                            .isCloseTo(g.getDouble(r, i), within(1e-9));
                }
            }
        }
    }
}
