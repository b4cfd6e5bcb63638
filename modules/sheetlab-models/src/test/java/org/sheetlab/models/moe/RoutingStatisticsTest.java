package org.sheetlab.models.moe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class RoutingStatisticsTest {
    /**
     * Gates of 5 inputs over E = 3 experts, K = 3 classes (class 2 has no inputs), in two batches. By hand: class 0
     * (rows 1, 2): mean (0.45, 0.35, 0.2), top experts 0 and 1; class 1 (rows 3–5): mean (0.5/3, 1/3, 0.5), top
     * experts 2, 0 (tie 0/1: the first) and 1 (tie 1/2: the first).
     */
    @Test
    void meanGateAndTopShareOfAConstructedGateOutput() {
        MoeClassifier.RoutingStatistics s = new MoeClassifier.RoutingStatistics(3, 3);
        s.add(Nd4j.createFromArray(new double[][] {{0.7, 0.2, 0.1}, {0.1, 0.1, 0.8}}), new int[] {0, 1});
        s.add(
                Nd4j.createFromArray(new float[][] {{0.2f, 0.5f, 0.3f}, {0.4f, 0.4f, 0.2f}, {0.0f, 0.5f, 0.5f}}),
                Nd4j.createFromArray(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 1, 0}}));
        assertThat(s.counts()).containsExactly(2, 3, 0);
        double[][] mean = s.meanGate();
        double[][] expectedMean = {{0.45, 0.35, 0.2}, {0.5 / 3, 1.0 / 3, 0.5}, {0, 0, 0}};
        for (int c = 0; c < 3; c++) {
            for (int e = 0; e < 3; e++) {
                // the float batch's values are float roundings of the decimals
                assertThat(mean[c][e]).as("class %d expert %d", c, e).isCloseTo(expectedMean[c][e], within(1e-7));
            }
        }
        assertThat(s.topShare()[0]).containsExactly(0.5, 0.5, 0.0);
        assertThat(s.topShare()[1]).containsExactly(1.0 / 3, 1.0 / 3, 1.0 / 3);
        assertThat(s.topShare()[2]).containsExactly(0.0, 0.0, 0.0);
        assertThat(s.meanGate()).as("reading does not change the totals").isDeepEqualTo(mean);
    }

    @Test
    void badGatesAreNamed() {
        MoeClassifier.RoutingStatistics s = new MoeClassifier.RoutingStatistics(2, 3);
        assertThatThrownBy(() -> s.add(Nd4j.zeros(2, 4), new int[] {0, 1})).hasMessageContaining("[B, 3]");
        assertThatThrownBy(() -> s.add(Nd4j.zeros(1, 3), new int[] {2})).hasMessageContaining("class 2");
    }

    @Test
    void routingOfANetworkCountsEveryInputOnceByItsLabel() {
        MultiLayerNetwork net = new MultiLayerNetwork(MoeClassifier.builder()
                .setInputSize(6)
                .optExperts(3)
                .optExpertSize(4)
                .optTopK(2)
                .optClasses(3)
                .optSeed(2)
                .build());
        net.init();
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, 7, 6);
        int[] cls = {0, 2, 2, 1, 0, 2, 2};
        INDArray y = Nd4j.zeros(DataType.FLOAT, 7, 3);
        for (int i = 0; i < cls.length; i++) {
            y.putScalar(i, cls[i], 1.0);
        }
        List<DataSet> batches = new DataSet(x, y).batchBy(3);
        MoeClassifier.RoutingStatistics s = MoeClassifier.routing(net, new ListDataSetIterator<>(batches, 3));
        assertThat(s.counts()).containsExactly(2, 1, 4);
        for (double[] row : s.topShare()) {
            assertThat(Arrays.stream(row).sum()).isCloseTo(1.0, within(1e-12));
        }
        for (double[] row : s.meanGate()) {
            assertThat(Arrays.stream(row).sum()).isCloseTo(1.0, within(1e-6)); // the gates are a distribution
        }
        MultiLayerNetwork dense = new MultiLayerNetwork(MoeClassifier.builder()
                .setInputSize(6)
                .optClasses(3)
                .setKind(MoeClassifier.Kind.DENSE)
                .build());
        dense.init();
        assertThatThrownBy(() -> MoeClassifier.routing(dense, new ListDataSetIterator<>(batches, 3)))
                .hasMessageContaining("no MixtureOfExperts layer");
    }
}
