package org.sheetlab.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class CalibrationTest {
    @Test
    void eceByHand() {
        // 4 predictions: confidences 0.9, 0.9 (one right, one wrong), 0.6, 0.6 (both right); 10 bins
        var p = Nd4j.createFromArray(new double[][] {{0.9, 0.1}, {0.9, 0.1}, {0.4, 0.6}, {0.4, 0.6}});
        Calibration.Bins b = Calibration.reliability(p, new int[] {0, 1, 1, 1}, 10);
        // bin 9: conf 0.9, acc 0.5 → |0.4|·2/4; bin 6: conf 0.6, acc 1 → |0.4|·2/4
        assertThat(b.ece()).isCloseTo(0.4, within(1e-12));
        assertThat(b.count()[9]).isEqualTo(2);
        assertThat(b.count()[6]).isEqualTo(2);
        assertThat(b.accuracy()[9]).isEqualTo(0.5);
        assertThat(b.confidence()[0]).isNaN();
        // perfectly calibrated: confidence 1 and always right
        assertThat(Calibration.reliability(Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}}), new int[] {0, 1}, 5)
                        .ece())
                .isZero();
    }

    @Test
    void accuracyAndEntropySplitByHand() {
        // predictions 0, 0, 1, 1 against labels 0, 1, 1, 1: three right
        var p = Nd4j.createFromArray(new double[][] {{0.9, 0.1}, {0.9, 0.1}, {0.4, 0.6}, {0.4, 0.6}});
        int[] labels = {0, 1, 1, 1};
        assertThat(Calibration.accuracy(p, labels)).isEqualTo(0.75);
        var u = Nd4j.createFromArray(0.1, 0.7, 0.2, 0.3);
        Calibration.Split s = Calibration.byCorrectness(p, u, labels);
        assertThat(s.accuracy()).isEqualTo(0.75);
        assertThat(s.meanRight()).isCloseTo((0.1 + 0.2 + 0.3) / 3, within(1e-12));
        assertThat(s.meanWrong()).isCloseTo(0.7, within(1e-12));
        assertThat(Calibration.byCorrectness(p, u, new int[] {0, 0, 1, 1}).meanWrong())
                .isNaN();
        assertThat(Calibration.ece(p, labels, 10)).isCloseTo(0.4, within(1e-12));
    }

    @Test
    void pointsAreTheNonEmptyBins() {
        var p = Nd4j.createFromArray(new double[][] {{0.9, 0.1}, {0.9, 0.1}, {0.4, 0.6}, {0.4, 0.6}});
        double[][] xy = Calibration.reliability(p, new int[] {0, 1, 1, 1}, 10).points();
        assertThat(xy[0]).containsExactly(0.6, 0.9);
        assertThat(xy[1]).containsExactly(1.0, 0.5);
    }
}
