package org.sheetlab.text.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ProjectionTest {
    /**
     * Points s·u + e·w with u = (1,2,2)/3, w = (2,1,−2)/3 orthonormal, s = −2..2 and e = ±0.1 alternating: the first
     * component is ±u with coordinates ±s (shifted by the centring), the second ±w with ±e.
     */
    @Test
    void recoversTheTwoDirectionsOfConstructedPoints() {
        double[] u = {1 / 3.0, 2 / 3.0, 2 / 3.0};
        double[] w = {2 / 3.0, 1 / 3.0, -2 / 3.0};
        double[] s = {-2, -1, 0, 1, 2};
        double[] e = {0.1, -0.1, 0.1, -0.1, 0.1};
        float[][] rows = new float[5][3];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 3; j++) {
                rows[i][j] = (float) (s[i] * u[j] + e[i] * w[j] + 5); // offset removed by the centring
            }
        }
        double[] variance = new double[2];
        double[][] p = Projection.pca2(rows, variance);
        double sign0 = Math.signum(p[4][0]);
        double meanE = 0.02;
        for (int i = 0; i < 5; i++) {
            assertThat(sign0 * p[i][0]).isCloseTo(s[i], within(1e-5));
            assertThat(Math.abs(p[i][1])).isCloseTo(Math.abs(e[i] - meanE), within(1e-5));
        }
        assertThat(variance[0]).isCloseTo(10 / 4.0, within(1e-5)); // Σ s² / (n − 1)
        assertThat(variance[1]).isCloseTo(sampleVariance(e), within(1e-5));
    }

    private static double sampleVariance(double[] x) {
        double mean = 0;
        for (double v : x) {
            mean += v / x.length;
        }
        double s = 0;
        for (double v : x) {
            s += (v - mean) * (v - mean);
        }
        return s / (x.length - 1);
    }
}
