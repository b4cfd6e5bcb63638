package org.sheetlab.layers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.sheetlab.core.threads.HostThreads;

/**
 * The layers' split thresholds: each follows its property (parsed by {@link HostThreads#sizeSetting}, tested in
 * HostThreadsTest), and the defaults against bench sizes.
 */
class LayerSplitRulesTest {
    /** This module's tests set the convolution threshold to 100,000 (pom) so that their small batches still split. */
    @Test
    void theThresholdsFollowTheirProperties() {
        assertThat(LayerSplitRules.CONV_MIN_MACS)
                .isEqualTo(HostThreads.sizeProperty(
                        LayerSplitRules.CONV_MIN_MACS_PROPERTY, LayerSplitRules.DEFAULT_CONV_MIN_MACS));
        assertThat(LayerSplitRules.WINDOW_POOLING_MIN_ELEMENTS)
                .isEqualTo(HostThreads.sizeProperty(
                        LayerSplitRules.WINDOW_POOLING_MIN_ELEMENTS_PROPERTY,
                        LayerSplitRules.DEFAULT_WINDOW_POOLING_MIN_ELEMENTS));
        // the run's record names the convolution rule in force
        assertThat(org.sheetlab.layers.conv.FastConvolutionLayer.pathDescription())
                .endsWith("from " + LayerSplitRules.CONV_MIN_MACS
                        + " multiply-adds B*P*K*F (-Dsheetlab.fast.convSplitMinMacs) or "
                        + LayerSplitRules.CONV_MIN_OUTPUTS + " outputs B*P*F (-Dsheetlab.fast.convSplitMinOutputs)");
        assertThat(LayerSplitRules.CONV_MIN_OUTPUTS)
                .isEqualTo(HostThreads.sizeProperty(
                        LayerSplitRules.CONV_MIN_OUTPUTS_PROPERTY, LayerSplitRules.DEFAULT_CONV_MIN_OUTPUTS));
    }

    /**
     * The default keeps the sheet CNN's convolutions at batch 64 on one thread (B·P·K·F: conv1 64·24²·25·16, conv2
     * 64·8²·400·32; one thread measured faster) and splits the DCGAN's heavy passes at batch 128 (D's second
     * convolution on 2·128 images, 256·14²·288·64, and G's first transposed convolution, 128·7²·512·64; two threads
     * needed there).
     */
    @Test
    void theConvolutionDefaultSeparatesTheCnnFromTheGansHeavyPasses() {
        long cnnConv1 = 64L * 24 * 24 * 25 * 16;
        long cnnConv2 = 64L * 8 * 8 * 400 * 32;
        long ganDConv2 = 256L * 14 * 14 * 288 * 64;
        long ganGDeconv1 = 128L * 7 * 7 * 512 * 64;
        assertThat(Math.max(cnnConv1, cnnConv2)).isLessThan(LayerSplitRules.DEFAULT_CONV_MIN_MACS);
        assertThat(Math.min(ganDConv2, ganGDeconv1)).isGreaterThanOrEqualTo(LayerSplitRules.DEFAULT_CONV_MIN_MACS);
        // D's first convolution (1 channel, 3×3, 32 outputs on 28×28: 29 M multiply-adds on 128 images) splits by its
        // outputs, the CNN's first convolution (16 outputs on 24×24) does not
        assertThat(64L * 24 * 24 * 16).isLessThan(LayerSplitRules.DEFAULT_CONV_MIN_OUTPUTS);
        assertThat(128L * 28 * 28 * 32).isGreaterThanOrEqualTo(LayerSplitRules.DEFAULT_CONV_MIN_OUTPUTS);
    }

    /**
     * The window pooling default keeps the sheet CNN's p-poolings at batch 64 unsplit (64·16 · 24² input elements)
     * and splits the pooling bench's [64, 32, 28, 28].
     */
    @Test
    void theWindowPoolingDefaultSeparatesTheCnnFromThePoolingBench() {
        assertThat(64L * 16 * 24 * 24).isLessThan(LayerSplitRules.DEFAULT_WINDOW_POOLING_MIN_ELEMENTS);
        assertThat(64L * 32 * 28 * 28).isGreaterThanOrEqualTo(LayerSplitRules.DEFAULT_WINDOW_POOLING_MIN_ELEMENTS);
    }
}
