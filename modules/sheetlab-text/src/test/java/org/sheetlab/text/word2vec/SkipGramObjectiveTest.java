package org.sheetlab.text.word2vec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SkipGramObjectiveTest {
    @Test
    void objectiveOnHandValues() {
        // rows: input t = (1, 0); output c = (2, 0), n = (−1, 0), z = (0, 0)
        float[] input = {1, 0};
        float[] output = {2, 0, -1, 0, 0, 0};
        // log σ(t·c) + log σ(−t·n) = log σ(2) + log σ(1)
        double expected = Math.log(1 / (1 + Math.exp(-2))) + Math.log(1 / (1 + Math.exp(-1)));
        assertThat(SkipGramObjective.objective(input, output, 2, 0, 0, new int[] {1})).isCloseTo(expected, within(1e-12));
        // zero output vectors (DL4J's syn1Neg at the start): (k + 1) · log σ(0) = −(k + 1) log 2
        assertThat(SkipGramObjective.objective(input, output, 2, 0, 2, new int[] {2, 2, 2}))
                .isCloseTo(-4 * Math.log(2), within(1e-12));
    }

    @Test
    void logSigmoidIsStableForLargeArguments() {
        assertThat(SkipGramObjective.logSigmoid(0)).isCloseTo(-Math.log(2), within(1e-15));
        assertThat(SkipGramObjective.logSigmoid(-800)).isCloseTo(-800, within(1e-9));
        assertThat(SkipGramObjective.logSigmoid(800)).isCloseTo(0, within(1e-300));
        assertThat(SkipGramObjective.logSigmoid(3)).isCloseTo(Math.log(1 / (1 + Math.exp(-3))), within(1e-15));
    }

    @Test
    void meanLossAveragesMinusTheObjective() {
        float[] input = {1, 0, 0, 1};
        float[] output = {0, 0, 0, 0};
        NoiseDistribution noise = NoiseDistribution.unigramPow(new long[] {5, 1}, 100);
        double loss = SkipGramObjective.meanLoss(input, output, 2, new int[][] {{0, 1}, {1, 0}}, noise, 5, 1);
        assertThat(loss).isCloseTo(6 * Math.log(2), within(1e-12));
    }
}
