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
                .ece()).isZero();
    }
}
