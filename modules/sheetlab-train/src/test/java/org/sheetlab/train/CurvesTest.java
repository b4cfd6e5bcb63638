package org.sheetlab.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The panels of curves.png: losses apart from other metrics, and series of very different sizes apart. */
class CurvesTest {
    @Test
    void aVaesKlGetsItsOwnPanelApartFromTheNegativeElbo() {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("trainLoss", new double[] {290, 272});
        series.put("testNelbo", new double[] {280, 270});
        series.put("testRecon", new double[] {275, 264});
        series.put("testKl", new double[] {5.1, 6.2});
        assertThat(Curves.panels(series))
                .containsExactly(List.of("trainLoss"), List.of("testNelbo", "testRecon"), List.of("testKl"));
    }

    @Test
    void lossesOfOneScaleShareAPanelAndAccuracyIsApart() {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("trainLoss", new double[] {0.9, 0.5});
        series.put("testLoss", new double[] {0.8, 0.45});
        series.put("testAccuracy", new double[] {0.7, 0.85});
        series.put("testPerplexity", new double[] {12, 8});
        assertThat(Curves.panels(series))
                .containsExactly(List.of("trainLoss", "testLoss"), List.of("testPerplexity"), List.of("testAccuracy"));
    }

    @Test
    void exactlyTenTimesSmallerStillSharesAndAllNaNSeriesJoinTheLargest() {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("trainLoss", new double[] {10});
        series.put("aLoss", new double[] {1});
        series.put("bLoss", new double[] {Double.NaN});
        assertThat(Curves.panels(series)).containsExactly(List.of("trainLoss", "aLoss", "bLoss"));
    }
}
