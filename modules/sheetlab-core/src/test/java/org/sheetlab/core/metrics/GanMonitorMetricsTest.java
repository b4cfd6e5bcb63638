package org.sheetlab.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The GAN monitor's figures on inputs with hand-computed answers. */
class GanMonitorMetricsTest {
    /** A(0, 0), B(0, 4), C(3, 4): |AB| = 4, |AC| = 5, |BC| = 3, mean over all pairs 4 (consecutive pairs: 3.5). */
    @Test
    void diversityIsTheMeanDistanceOverAllPairs() {
        INDArray x = Nd4j.createFromArray(new double[][] {{0, 0}, {0, 4}, {3, 4}});
        assertThat(SampleDiversity.meanPairwiseDistance(x)).isEqualTo(4.0);
        assertThat(SampleDiversity.meanPairwiseDistance(x.castTo(DataType.FLOAT)))
                .isEqualTo(4.0);
        // the corners of a unit square: four sides of 1 and two diagonals of √2
        INDArray square = Nd4j.createFromArray(new double[][] {{0, 0}, {1, 0}, {1, 1}, {0, 1}});
        assertThat(SampleDiversity.meanPairwiseDistance(square)).isCloseTo((4 + 2 * Math.sqrt(2)) / 6, within(1e-15));
        // identical samples (total collapse): 0
        assertThat(SampleDiversity.meanPairwiseDistance(Nd4j.ones(DataType.FLOAT, 5, 784)))
                .isZero();
        assertThatThrownBy(() -> SampleDiversity.meanPairwiseDistance(Nd4j.ones(1, 3)))
                .hasMessageContaining("n >= 2");
    }

    /** Rows' arg max: 0, 2, 2, 1 (tie 1/2: the first), 2 of 5 samples over K = 4 classes. */
    @Test
    void classSharesAndCoverageByHand() {
        INDArray p = Nd4j.createFromArray(new double[][] {
            {0.7, 0.1, 0.1, 0.1},
            {0.1, 0.1, 0.8, 0.0},
            {0.0, 0.2, 0.6, 0.2},
            {0.1, 0.4, 0.4, 0.1},
            {0.3, 0.0, 0.5, 0.2}
        });
        double[] shares = ClassShares.of(p);
        assertThat(shares).containsExactly(0.2, 0.2, 0.6, 0.0);
        assertThat(ClassShares.coverage(shares)).isEqualTo(3);
        assertThat(ClassShares.coverage(shares, 0.25)).isEqualTo(1);
        assertThat(ClassShares.coverage(shares, 0.0)).isEqualTo(4);
        assertThatThrownBy(() -> ClassShares.of(Nd4j.ones(3))).hasMessageContaining("[N, K]");
    }

    /**
     * Exactly 5% is covered: 250 of the experiment's 5,000 final samples in a class. (The old experiment code added
     * 1/N per sample, and 250 additions of 1/5000 make 0.04999…, so that class was not counted.)
     */
    @Test
    void exactlyFivePercentIsCovered() {
        int n = 5000;
        INDArray p = Nd4j.zeros(DataType.FLOAT, n, 10);
        for (int i = 0; i < n; i++) {
            p.putScalar(i, i < 250 ? 3 : 7, 1.0);
        }
        double[] shares = ClassShares.of(p);
        assertThat(ClassShares.coverage(shares)).as("classes 3 and 7 covered").isEqualTo(2);
        assertThat(shares[3]).isEqualTo(0.05);
        assertThat(shares[7]).isEqualTo(0.95);
    }
}
