package org.sheetlab.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.factory.Nd4j;

class BinaryConfusionTest {
    @Test
    void theSheetsFormulasByHand() {
        BinaryConfusion c = new BinaryConfusion(8, 80, 10, 2);
        assertThat(c.accuracy()).isEqualTo(88.0 / 100);
        assertThat(c.recall()).isEqualTo(8.0 / 10);
        assertThat(c.precision()).isEqualTo(8.0 / 18);
        assertThat(new BinaryConfusion(0, 5, 0, 0).recall()).isNaN();
    }

    @Test
    void countsAtAThresholdMatchDl4jEvaluation() {
        Random r = new Random(3);
        int n = 200;
        double[] scores = new double[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextDouble() < 0.3 ? 1 : 0;
            scores[i] = Math.min(1, Math.max(0, 0.35 * labels[i] + 0.65 * r.nextDouble()));
        }
        for (double t : new double[] {0.3, 0.5, 0.7}) {
            BinaryConfusion c = BinaryConfusion.at(scores, labels, t);
            double[][] probs = new double[n][2];
            double[][] oneHot = new double[n][2];
            for (int i = 0; i < n; i++) {
                probs[i][1] = scores[i];
                probs[i][0] = 1 - scores[i];
                oneHot[i][labels[i]] = 1;
            }
            Evaluation e = new Evaluation(t);
            e.eval(Nd4j.createFromArray(oneHot), Nd4j.createFromArray(probs));
            assertThat(c.accuracy()).isCloseTo(e.accuracy(), within(1e-12));
            assertThat(c.recall()).isCloseTo(e.recall(1), within(1e-12));
            assertThat(c.precision()).isCloseTo(e.precision(1), within(1e-12));
        }
    }

    @Test
    void thresholdForRecallReachesTheTargetAndNoHigherThresholdDoes() {
        double[] scores = {0.95, 0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1, 0.05};
        int[] labels = {1, 1, 0, 1, 0, 1, 0, 0, 1, 0};
        // 5 positives; recall ≥ 0.8 needs 4 of them: scores 0.95, 0.9, 0.7, 0.4 → threshold 0.4
        double t = BinaryConfusion.thresholdForRecall(scores, labels, 0.8);
        assertThat(t).isEqualTo(0.4);
        assertThat(BinaryConfusion.at(scores, labels, t).recall()).isEqualTo(4 / 5.0);
        assertThat(BinaryConfusion.at(scores, labels, Math.nextUp(t)).recall()).isEqualTo(3 / 5.0);
        assertThat(BinaryConfusion.thresholdForRecall(scores, labels, 1.0)).isEqualTo(0.1);
        assertThatThrownBy(() -> BinaryConfusion.thresholdForRecall(scores, new int[10], 0.9))
                .hasMessageContaining("no positive");
    }
}
