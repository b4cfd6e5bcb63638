package org.sheetlab.models.moe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.layers.moe.MixtureOfExpertsLayer;

class MoeClassifierTest {
    private static MultiLayerNetwork net(MoeClassifier.Builder b) {
        MultiLayerNetwork n = new MultiLayerNetwork(b.build());
        n.init();
        return n;
    }

    @Test
    void parameterCountsAreTheFormulaAndTheDenseBaselineMatchesThem() {
        // E·(784·64 + 64) + (784·4 + 4) + (64 + 1)·10 = 200,960 + 3,140 + 650
        MoeClassifier.Builder moe = MoeClassifier.builder().setInputSize(784);
        assertThat(moe.moeParameters()).isEqualTo(204_750L);
        assertThat(net(moe).numParams()).isEqualTo(204_750L);
        assertThat(moe.denseWidth()).isEqualTo(258); // (204,750 − 10) / 795 = 257.5…
        MultiLayerNetwork dense = net(MoeClassifier.builder().setInputSize(784).setKind(MoeClassifier.Kind.DENSE));
        assertThat(dense.numParams()).isEqualTo(785L * 258 + 259L * 10); // 205,120
        assertThat(Math.abs(dense.numParams() - 204_750L)).isLessThanOrEqualTo(795L);
        // small hand-checkable case: n_in 3, E 2, h 2, K 2: 2·(6 + 2) + (6 + 2) + 3·2 = 30
        MoeClassifier.Builder small = MoeClassifier.builder()
                .setInputSize(3)
                .optExperts(2)
                .optExpertSize(2)
                .optClasses(2);
        assertThat(small.moeParameters()).isEqualTo(30L);
        assertThat(net(small).numParams()).isEqualTo(30L);
    }

    @Test
    void theMixtureLayerRoutesAndTheOutputsAreDistributions() {
        MultiLayerNetwork n =
                net(MoeClassifier.builder().setInputSize(12).optExperts(3).optTopK(2));
        var x = Nd4j.rand(DataType.FLOAT, 5, 12);
        var g = ((MixtureOfExpertsLayer) n.getLayer(0)).gates(x);
        assertThat(g.shape()).containsExactly(5, 3);
        for (int i = 0; i < 5; i++) {
            assertThat(g.getRow(i).sumNumber().doubleValue()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(g.getRow(i).eq(0).castTo(DataType.INT32).sumNumber().intValue())
                    .isEqualTo(1); // top-2 of 3
        }
        var p = n.output(x);
        assertThat(p.sum(1).sub(1).amaxNumber().doubleValue()).isLessThan(1e-5);
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(
                        () -> MoeClassifier.builder().setInputSize(4).optTopK(5).build())
                .isInstanceOf(org.sheetlab.core.settings.InvalidSettingException.class)
                .hasMessageContaining("topK must be between 0 (mix all experts) and experts (4), got 5");
    }
}
