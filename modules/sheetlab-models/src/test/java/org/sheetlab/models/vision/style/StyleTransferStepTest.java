package org.sheetlab.models.vision.style;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.source.DataSource;
import org.sheetlab.testing.DoublePrecision;

/**
 * {@link StyleTransferStep}: one step is Adam's update of the pixels by hand, in Kingma and Ba's efficient form that
 * ND4J uses (m = (1−β1) g, v = (1−β2) g², α_t = lr √(1−β2^t)/(1−β1^t), G −= α_t m / (√v + ε)), clipped to the range; the loss falls over steps; the saved state restores the exact continuation;
 * the placeholder source has the asked number of steps.
 */
@ExtendWith(DoublePrecision.class)
class StyleTransferStepTest {
    private static final double LR = 0.05;

    private static ComputationGraph net() {
        return StyleFeatureNet.builder()
                .optWidths(4, 6)
                .optInputSize(8, 8)
                .optDataType(DataType.DOUBLE)
                .optSeed(9)
                .init();
    }

    private static StyleTransfer objective(ComputationGraph graph) {
        Nd4j.getRandom().setSeed(1);
        INDArray content = Nd4j.rand(DataType.DOUBLE, 1, 3, 8, 8);
        INDArray style = Nd4j.rand(DataType.DOUBLE, 1, 3, 8, 8);
        return StyleTransfer.on(graph)
                .content("block2_conv1")
                .style(List.of("block1_conv1", "block2_conv1"))
                .weights(1, 100, 0.01)
                .targets(content, style);
    }

    @Test
    void oneStepIsAdamOnThePixelsClippedToTheRange() {
        ComputationGraph graph = net();
        StyleTransfer st = objective(graph);
        Nd4j.getRandom().setSeed(2);
        INDArray start = Nd4j.rand(DataType.DOUBLE, 1, 3, 8, 8);
        start.putScalar(0, 0.0); // a pixel at the lower bound
        StyleTransferStep step = new StyleTransferStep(st, graph, start, LR, 0, 1);
        INDArray g = st.evaluate(start).gradient();
        double loss = step.fit(null);
        assertThat(loss).isEqualTo(st.evaluate(start).total());
        double eps = 1e-8;
        for (int j = 0; j < start.length(); j++) {
            double gj = g.getDouble(j);
            double m = 0.1 * gj;
            double v = 0.001 * gj * gj;
            double alphaT = LR * Math.sqrt(1 - 0.999) / (1 - 0.9);
            double expected = Math.min(1, Math.max(0, start.getDouble(j) - alphaT * m / (Math.sqrt(v) + eps)));
            assertThat(step.image().getDouble(j)).as("pixel %d", j).isCloseTo(expected, within(1e-12));
        }
        assertThat(step.image().minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
        assertThat(step.image().maxNumber().doubleValue()).isLessThanOrEqualTo(1.0);
        assertThat(start.getDouble(0)).isEqualTo(0.0); // the caller's array is not changed
    }

    @Test
    void lossFallsAndSavedStateContinuesExactly() {
        ComputationGraph graph = net();
        StyleTransfer st = objective(graph);
        Nd4j.getRandom().setSeed(3);
        INDArray start = Nd4j.rand(DataType.DOUBLE, 1, 3, 8, 8);
        StyleTransferStep a = new StyleTransferStep(st, graph, start, LR, 0, 1);
        double first = a.fit(null);
        for (int i = 0; i < 9; i++) {
            a.fit(null);
        }
        Map<String, Object> saved = a.saveState();
        StyleTransferStep b = new StyleTransferStep(st, graph, start, LR, 0, 1);
        b.restoreState(saved);
        assertThat(b.iteration()).isEqualTo(10);
        for (int i = 0; i < 5; i++) {
            assertThat(b.fit(null)).isEqualTo(a.fit(null));
        }
        assertThat(b.image().data().asDouble()).containsExactly(a.image().data().asDouble());
        assertThat(a.history()).hasSize(15);
        assertThat(a.history().get(14)[3]).isLessThan(first);
        assertThat(a.epochMetrics()).containsKeys("content", "style", "totalVariation", "total");
    }

    @Test
    void placeholderSourceHasTheStepsOfAnEpoch() {
        DataSource s = StyleTransferStep.steps(3);
        s.seek(4, 1);
        int n = 0;
        while (s.hasNext()) {
            s.next();
            n++;
        }
        assertThat(n).isEqualTo(2);
        assertThat(s.batchesPerEpoch()).isEqualTo(3);
        assertThat(s.batchSize()).isEqualTo(1);
    }
}
