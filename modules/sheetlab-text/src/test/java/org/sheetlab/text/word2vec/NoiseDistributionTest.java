package org.sheetlab.text.word2vec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NoiseDistributionTest {
    private static final long[] COUNTS = {10000, 3000, 1000, 300, 100, 30, 10, 3, 1};

    @Test
    void probabilitiesAreCountsToTheThreeQuartersOverZ() {
        NoiseDistribution noise = NoiseDistribution.unigramPow(COUNTS, 1_000_000);
        // by hand: 100^0.75 = 31.6227766..., so a word 100x more frequent is drawn 31.6x as often
        assertThat(noise.probability(0) / noise.probability(4)).isCloseTo(31.6227766, within(1e-6));
        double z = 0;
        for (long c : COUNTS) {
            z += Math.pow(c, 0.75);
        }
        for (int w = 0; w < COUNTS.length; w++) {
            assertThat(noise.probability(w)).isCloseTo(Math.pow(COUNTS[w], 0.75) / z, within(1e-15));
        }
    }

    /** The table gives word w in about size·P_n(w) cells: one cell of rounding at each end of its run. */
    @Test
    void tableRunsHaveTheNoiseProbabilityShare() {
        int size = 100_000;
        NoiseDistribution noise = NoiseDistribution.unigramPow(COUNTS, size);
        long[] cells = new long[COUNTS.length];
        for (int w : noise.table()) {
            cells[w]++;
        }
        for (int w = 0; w < COUNTS.length; w++) {
            assertThat((double) cells[w]).isCloseTo(size * noise.probability(w), within(2.0));
        }
    }

    /**
     * Sampled frequencies match p^(3/4)/Z: Pearson's chi-square over the 9 words of 10^6 draws stays below the 0.999
     * quantile of chi-square with 8 degrees of freedom, 26.12 (a correct sampler fails this 1 time in 1000; the seed is
     * fixed, so the test is deterministic). The table has 10^7 cells, so its rounding (at most 1e-7 per word) moves
     * the expected counts by 0.1 of a draw, far below the sampling noise.
     */
    @Test
    void sampledFrequenciesMatchTheDistributionByChiSquare() {
        NoiseDistribution noise = NoiseDistribution.unigramPow(COUNTS, 10_000_000);
        int n = 1_000_000;
        long[] seen = new long[COUNTS.length];
        Random random = new Random(2026);
        for (int i = 0; i < n; i++) {
            seen[noise.sample(random)]++;
        }
        double chi2 = 0;
        for (int w = 0; w < COUNTS.length; w++) {
            double expected = n * noise.probability(w);
            chi2 += (seen[w] - expected) * (seen[w] - expected) / expected;
        }
        assertThat(chi2).isLessThan(26.12);
        // the same draws are far from the plain unigram distribution (power 1)
        double total = 0;
        for (long c : COUNTS) {
            total += c;
        }
        double chi2Unigram = 0;
        for (int w = 0; w < COUNTS.length; w++) {
            double expected = n * COUNTS[w] / total;
            chi2Unigram += (seen[w] - expected) * (seen[w] - expected) / expected;
        }
        assertThat(chi2Unigram).isGreaterThan(1000);
    }

    @Test
    void powerZeroIsUniformAndOneIsUnigram() {
        NoiseDistribution uniform = NoiseDistribution.of(COUNTS, 0, 1000);
        NoiseDistribution unigram = NoiseDistribution.of(COUNTS, 1, 1000);
        double total = 0;
        for (long c : COUNTS) {
            total += c;
        }
        for (int w = 0; w < COUNTS.length; w++) {
            assertThat(uniform.probability(w)).isCloseTo(1.0 / COUNTS.length, within(1e-15));
            assertThat(unigram.probability(w)).isCloseTo(COUNTS[w] / total, within(1e-15));
        }
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> NoiseDistribution.unigramPow(new long[0], 10)).hasMessageContaining("empty");
        assertThatThrownBy(() -> NoiseDistribution.unigramPow(new long[] {3, 0}, 10))
                .hasMessageContaining("word 1");
        assertThatThrownBy(() -> NoiseDistribution.unigramPow(COUNTS, 5)).hasMessageContaining("tableSize");
    }
}
