package org.sheetlab.models.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AnchorKMeansTest {
    private static final double[][] TRUE_CENTRES = {{10, 12}, {30, 20}, {60, 80}};

    /**
     * Three tight clusters of (w, h) around known sizes, each made of ± pairs of offsets (up to ±1 pixel) so that
     * each cluster's mean is exactly its known size; the boxes are shuffled.
     */
    private static INDArray clusters(long seed) {
        Random random = new Random(seed);
        List<double[]> boxes = new ArrayList<>();
        for (double[] centre : TRUE_CENTRES) {
            for (int i = 0; i < 25; i++) {
                double dw = random.nextDouble() * 2 - 1;
                double dh = random.nextDouble() * 2 - 1;
                boxes.add(new double[] {centre[0] + dw, centre[1] + dh});
                boxes.add(new double[] {centre[0] - dw, centre[1] - dh});
            }
        }
        Collections.shuffle(boxes, random);
        return Nd4j.createFromArray(boxes.toArray(new double[0][]));
    }

    @Test
    void threeTightClustersGiveTheirKnownCentresSortedByArea() {
        for (long seed : new long[] {1, 2, 3, 42}) {
            AnchorKMeans.Result result = AnchorKMeans.fit(clusters(7), 3, seed);
            double[][] priors = result.priors().toDoubleMatrix();
            assertThat(priors.length).isEqualTo(3);
            // the known sizes (10×12 = 120 < 30×20 = 600 < 60×80 = 4800) in area order, to 1e-9 (the mean of ± pairs)
            for (int c = 0; c < 3; c++) {
                assertThat(priors[c][0]).as("seed %d prior %d w", seed, c).isCloseTo(TRUE_CENTRES[c][0], within(1e-9));
                assertThat(priors[c][1]).as("seed %d prior %d h", seed, c).isCloseTo(TRUE_CENTRES[c][1], within(1e-9));
            }
            assertThat(result.meanIou()).isGreaterThan(0.9).isLessThanOrEqualTo(1.0);
        }
    }

    @Test
    void theSameSeedGivesTheSamePriorsExactly() {
        Random random = new Random(5);
        double[][] boxes = new double[200][];
        for (int i = 0; i < boxes.length; i++) {
            boxes[i] = new double[] {1 + 99 * random.nextDouble(), 1 + 99 * random.nextDouble()};
        }
        INDArray sizes = Nd4j.createFromArray(boxes);
        AnchorKMeans.Result a = AnchorKMeans.fit(sizes, 5, 11);
        AnchorKMeans.Result b = AnchorKMeans.fit(sizes.dup(), 5, 11);
        // bit-identical: compared as Java doubles, not with INDArray.equals (which allows 1e-5)
        assertThat(b.priors().ravel().toDoubleVector())
                .containsExactly(a.priors().ravel().toDoubleVector());
        assertThat(b.iterations()).isEqualTo(a.iterations());
        assertThat(a.priors().shape()).containsExactly(5, 2);
    }

    @Test
    void priorsAreSortedByAreaAndConvertToGridUnits() {
        Random random = new Random(9);
        double[][] boxes = new double[100][];
        for (int i = 0; i < boxes.length; i++) {
            boxes[i] = new double[] {1 + 60 * random.nextDouble(), 1 + 60 * random.nextDouble()};
        }
        double[][] priors =
                AnchorKMeans.fit(Nd4j.createFromArray(boxes), 4, 3).priors().toDoubleMatrix();
        for (int c = 1; c < priors.length; c++) {
            assertThat(priors[c][0] * priors[c][1]).isGreaterThanOrEqualTo(priors[c - 1][0] * priors[c - 1][1]);
        }
        INDArray pixels = Nd4j.createFromArray(new double[][] {{32, 16}, {64, 96}});
        double[][] grid = AnchorKMeans.toGridUnits(pixels, 128, 96, 4, 3).toDoubleMatrix();
        // 128/4 = 32 pixels a cell across, 96/3 = 32 down
        assertThat(grid[0]).containsExactly(1.0, 0.5);
        assertThat(grid[1]).containsExactly(2.0, 3.0);
        assertThat(pixels.getDouble(0, 0)).isEqualTo(32.0); // the input is left alone
    }

    @Test
    void theDistanceIsOneMinusIouAtACommonCentre() {
        // 2×4 and 4×2 share a 2×2 square: IoU = 4 / (8 + 8 − 4) = 1/3; a box inside another: area ratio
        assertThat(AnchorKMeans.iou(new double[] {2, 4}, new double[] {4, 2})).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(AnchorKMeans.iou(new double[] {1, 1}, new double[] {2, 3})).isCloseTo(1.0 / 6, within(1e-15));
        assertThat(AnchorKMeans.iou(new double[] {5, 7}, new double[] {5, 7})).isEqualTo(1.0);
    }

    @Test
    void identicalBoxesGiveIdenticalPriorsWithoutFailing() {
        // every box equal: k-means++ has zero distances and one centroid ends up with no boxes (reseeded)
        INDArray same = Nd4j.createFromArray(new double[][] {{3, 5}, {3, 5}, {3, 5}});
        double[][] priors = AnchorKMeans.fit(same, 2, 1).priors().toDoubleMatrix();
        assertThat(priors[0]).containsExactly(3.0, 5.0);
        assertThat(priors[1]).containsExactly(3.0, 5.0);
    }

    @Test
    void badInputGivesClearErrors() {
        INDArray two = Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}});
        assertThatThrownBy(() -> AnchorKMeans.fit(two, 3, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k = 3")
                .hasMessageContaining("got 2 boxes");
        assertThatThrownBy(() -> AnchorKMeans.fit(two, 0, 1)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> AnchorKMeans.fit(Nd4j.createFromArray(new double[][] {{1, 2}, {0, 4}}), 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("box 1 has width 0.0");
        assertThatThrownBy(() -> AnchorKMeans.fit(Nd4j.createFromArray(new double[][] {{1, -2}, {3, 4}}), 1, 1))
                .hasMessageContaining("box 0 has height -2.0");
        assertThatThrownBy(() -> AnchorKMeans.fit(Nd4j.createFromArray(new double[][] {{1, Double.NaN}}), 1, 1))
                .hasMessageContaining("height NaN");
        assertThatThrownBy(() -> AnchorKMeans.fit(
                        Nd4j.createFromArray(new double[] {1, 2, 3}).reshape(1, 3), 1, 1))
                .hasMessageContaining("[N, 2]");
    }
}
