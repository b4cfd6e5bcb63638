package org.sheetlab.core.backprop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The chain by hand, in mixed data types (the DL4J comparison is in sheetlab-models). */
class AvgPool1dChainDtypeTest {
    @Test
    void handCaseInWsDataType() {
        AvgPool1dChain chain = new AvgPool1dChain(2);
        INDArray x1 = Nd4j.createFromArray(new double[][] {{1, 2}});
        INDArray w = Nd4j.createFromArray(new float[][] {{0, 0, 0, 0}, {0, 0, 0, 0}});
        // w = 0: x3 = 0, σ'(0) = 1/4, so ∂L/∂x2 = δ4·(1/4)·(1/2) on each window and ∂L/∂w = x1ᵀ·that
        INDArray g = chain.gradientW(x1, w, Nd4j.createFromArray(new double[][] {{1, 2}}));
        assertThat(g.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(g.toFloatMatrix())
                .isDeepEqualTo(new float[][] {{0.125f, 0.125f, 0.25f, 0.25f}, {0.25f, 0.25f, 0.5f, 0.5f}});
        assertThatThrownBy(() -> chain.x2(x1, Nd4j.zeros(2, 3))).hasMessageContaining("divisible");
    }
}
