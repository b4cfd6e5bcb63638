package org.sheetlab.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PrecisionRecallCurveTest {
    @Test
    void fourScoresByHand() {
        PrecisionRecallCurve c = PrecisionRecallCurve.of(new double[] {0.4, 0.9, 0.2, 0.8}, new int[] {1, 1, 0, 0});
        assertThat(c.size()).isEqualTo(4);
        assertThat(c.thresholds()).containsExactly(0.9, 0.8, 0.4, 0.2);
        assertThat(c.recall()).containsExactly(0.5, 0.5, 1.0, 1.0);
        assertThat(c.precision()[0]).isEqualTo(1.0);
        assertThat(c.precision()[1]).isEqualTo(0.5);
        assertThat(c.precision()[2]).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(c.precision()[3]).isEqualTo(0.5);
    }

    @Test
    void tiedScoresGiveOnePoint() {
        PrecisionRecallCurve c = PrecisionRecallCurve.of(new double[] {0.7, 0.7, 0.1}, new int[] {1, 0, 1});
        assertThat(c.thresholds()).containsExactly(0.7, 0.1);
        assertThat(c.recall()).containsExactly(0.5, 1.0);
        assertThat(c.precision()).containsExactly(0.5, 2.0 / 3);
    }
}
