package org.sheetlab.text.word2vec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SubSamplingTest {
    /** t = 10^-3, N = 10^6, so t·N = 1000 and keep = (sqrt(f/1000) + 1) · 1000/f, capped at 1. */
    @Test
    void keepProbabilityOnHandValues() {
        long n = 1_000_000;
        double t = 1e-3;
        assertThat(SubSampling.keepProbability(4000, n, t)).isCloseTo(0.75, within(1e-12)); // (2 + 1)/4
        assertThat(SubSampling.keepProbability(16000, n, t)).isCloseTo(0.3125, within(1e-12)); // (4 + 1)/16
        assertThat(SubSampling.keepProbability(100_000, n, t)).isCloseTo(0.11, within(1e-12)); // (10 + 1)/100
        assertThat(SubSampling.keepProbability(1000, n, t)).isEqualTo(1.0); // (1 + 1)/1 = 2, capped
        assertThat(SubSampling.keepProbability(10, n, t)).isEqualTo(1.0);
        // the boundary r = f/(tN) = φ² ≈ 2.618: kept always below, sometimes above
        double phi2 = (3 + Math.sqrt(5)) / 2;
        assertThat(SubSampling.keepProbability((long) Math.floor(phi2 * 1000), n, t)).isEqualTo(1.0);
        assertThat(SubSampling.keepProbability((long) Math.ceil(phi2 * 1000), n, t)).isLessThan(1.0);
        assertThat(SubSampling.keepProbability(4000, n, 0)).isEqualTo(1.0);
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> SubSampling.keepProbability(0, 10, 1e-3)).hasMessageContaining("count");
        assertThatThrownBy(() -> SubSampling.keepProbability(5, 10, -1)).hasMessageContaining("threshold");
    }
}
