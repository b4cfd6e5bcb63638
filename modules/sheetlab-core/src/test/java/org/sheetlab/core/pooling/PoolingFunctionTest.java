package org.sheetlab.core.pooling;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.testing.DoublePrecision;

/** Hand-checkable windows for the sheet's Final Q1 pooling formulas (the layers are checked against PyTorch). */
@ExtendWith(DoublePrecision.class)
class PoolingFunctionTest {
    private static INDArray rows(double[][] r) {
        return Nd4j.createFromArray(r);
    }

    @Test
    void pPoolingByHand() {
        PPool p2 = new PPool(2);
        INDArray w = rows(new double[][] {{3, 4}, {0, 0}, {1, 1}});
        INDArray y = p2.forward(w);
        assertAllClose(y, rows(new double[][] {{5}, {0}, {Math.sqrt(2)}}));
        // ∂y/∂x_i = x_i^(p-1) / (Σ x^p)^((p-1)/p) = x_i / y for p = 2
        INDArray g = p2.backward(w, y, rows(new double[][] {{1}, {1}, {2}}));
        assertAllClose(g, rows(new double[][] {{0.6, 0.8}, {0, 0}, {2 / Math.sqrt(2), 2 / Math.sqrt(2)}}));
        // p = 1: the sum; its gradient is 1 everywhere (x > 0)
        assertAllClose(new PPool(1).forward(rows(new double[][] {{1, 2, 3}})), rows(new double[][] {{6}}));
        assertAllClose(
                new PPool(1)
                        .backward(rows(new double[][] {{1, 2, 3}}), rows(new double[][] {{6}}), rows(new double[][] {{1}
                        })),
                rows(new double[][] {{1, 1, 1}}));
        // p = 3 on [1, 2]: (1 + 8)^(1/3); gradient x_i^2 / 9^(2/3)
        double y3 = Math.cbrt(9);
        assertAllClose(new PPool(3).forward(rows(new double[][] {{1, 2}})), rows(new double[][] {{y3}}));
        assertAllClose(
                new PPool(3).backward(rows(new double[][] {{1, 2}}), rows(new double[][] {{y3}}), rows(new double[][] {
                    {1}
                })),
                rows(new double[][] {{1 / Math.pow(9, 2.0 / 3), 4 / Math.pow(9, 2.0 / 3)}}));
        // large p: the max, without overflow
        assertAllClose(
                new PPool(1000).forward(rows(new double[][] {{1e300, 2e300}})),
                rows(new double[][] {{2e300}}),
                1e-3,
                0);
    }

    @Test
    void logAverageByHand() {
        LogAveragePool la = new LogAveragePool();
        double ln3 = Math.log(3);
        INDArray w = rows(new double[][] {{0, ln3}, {7, 7}});
        INDArray y = la.forward(w);
        // log((1 + 3) / 2) = ln 2; equal inputs give the input
        assertAllClose(y, rows(new double[][] {{Math.log(2)}, {7}}));
        // the gradient is the softmax: [1/4, 3/4] and [1/2, 1/2]
        assertAllClose(la.backward(w, y, rows(new double[][] {{1}, {2}})), rows(new double[][] {{0.25, 0.75}, {1, 1}}));
        INDArray extreme = rows(new double[][] {{1000, -1000}});
        assertAllClose(la.forward(extreme), rows(new double[][] {{1000 - Math.log(2)}}));
    }

    @Test
    void rejectsBadP() {
        assertThatThrownBy(() -> new PPool(0.5)).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> new PPool(Double.POSITIVE_INFINITY)).hasMessageContaining("max pooling");
        assertThatThrownBy(() -> new PPool(2).forward(Nd4j.zeros(2, 2, 2))).hasMessageContaining("[N, K]");
    }
}
