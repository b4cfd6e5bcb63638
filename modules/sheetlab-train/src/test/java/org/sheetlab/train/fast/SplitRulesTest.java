package org.sheetlab.train.fast;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.sheetlab.core.threads.HostThreads;

/**
 * The split thresholds: each follows its property (parsed by {@link HostThreads#sizeSetting}, tested in
 * HostThreadsTest), and the defaults against the benches' sizes.
 */
class SplitRulesTest {
    /** This module's tests set the product threshold to 4 M (pom) so that their small products still split. */
    @Test
    void theThresholdsFollowTheirProperties() {
        assertThat(DensePath.SPLIT_MIN_MACS)
                .isEqualTo(HostThreads.sizeProperty(
                        SplitRules.DENSE_MIN_MACS_PROPERTY, SplitRules.DEFAULT_DENSE_MIN_MACS));
        assertThat((long) FastCore.SPLIT_MIN_PARAMETERS)
                .isEqualTo(HostThreads.sizeProperty(
                        SplitRules.ADAM_MIN_PARAMETERS_PROPERTY, SplitRules.DEFAULT_ADAM_MIN_PARAMETERS));
        assertThat(ArgmaxPooling.SPLIT_MIN_ELEMENTS)
                .isEqualTo(HostThreads.sizeProperty(
                        SplitRules.POOLING_MIN_ELEMENTS_PROPERTY, SplitRules.DEFAULT_POOLING_MIN_ELEMENTS));
    }

    /**
     * The defaults keep the dense GAN's and the VAE's passes at batch 128 on one thread (measured faster there on the
     * 2-vCPU machine): their largest product (D's first layer on 2·128 rows, 256 × 784 × 256) and their largest Adam
     * pass (the VAE, 784·256·2 + 256·4 + 4·256 + … < 0.41 M parameters).
     */
    @Test
    void theDefaultsAreAboveTheDenseGanAndVaeSizes() {
        assertThat(256L * 784 * 256).isLessThan(SplitRules.DEFAULT_DENSE_MIN_MACS);
        assertThat(410_000L).isLessThan(SplitRules.DEFAULT_ADAM_MIN_PARAMETERS);
    }

    /**
     * The pooling default keeps the sheet CNN's max poolings at batch 64 on one thread (planes · input cells: 64·16 ·
     * 24² and 64·32 · 8²) and splits the DCGAN's average poolings (D on 128 images: 128·32 · 28² and 128·64 · 14²).
     */
    @Test
    void thePoolingDefaultSeparatesTheCnnFromTheGan() {
        assertThat(64L * 16 * 24 * 24).isLessThan(SplitRules.DEFAULT_POOLING_MIN_ELEMENTS);
        assertThat(128L * 64 * 14 * 14).isGreaterThanOrEqualTo(SplitRules.DEFAULT_POOLING_MIN_ELEMENTS);
    }
}
