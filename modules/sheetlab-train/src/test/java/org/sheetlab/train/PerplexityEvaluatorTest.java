package org.sheetlab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.train.eval.PerplexityEvaluator;

class PerplexityEvaluatorTest {
    @Test
    void perplexityIsExpOfTheMeanNegativeLogLikelihoodOverUnmaskedSteps() {
        // B = 1, V = 2, T = 3: p(label) = 0.5, 0.25, (masked 0.9)
        INDArray p = Nd4j.create(new double[] {0.5, 0.75, 0.9, 0.5, 0.25, 0.1}, new long[] {1, 2, 3}, 'c')
                .castTo(DataType.DOUBLE);
        INDArray y = Nd4j.create(new double[] {1, 0, 1, 0, 1, 0}, new long[] {1, 2, 3}, 'c')
                .castTo(DataType.DOUBLE);
        INDArray mask =
                Nd4j.create(new double[] {1, 1, 0}, new long[] {1, 3}, 'c').castTo(DataType.DOUBLE);
        PerplexityEvaluator e = new PerplexityEvaluator();
        e.reset();
        MultiDataSet batch = new MultiDataSet(new INDArray[] {p}, new INDArray[] {y}, null, new INDArray[] {mask});
        e.add(batch, new INDArray[] {p}, null);
        double nll = (-Math.log(0.5) - Math.log(0.25)) / 2;
        assertThat(e.result().get("nll")).isCloseTo(nll, within(1e-12));
        assertThat(e.result().get("perplexity")).isCloseTo(Math.sqrt(8), within(1e-12)); // exp(ln 8 / 2)
    }
}
