package org.sheetlab.core.counting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The sheet's closed-form counts (the network-level counts are tested against DL4J in sheetlab-models). */
class ParameterCountTest {
    @Test
    void denseLayerFromTheSheet() {
        assertThat(ParameterCount.dense(400, 300)).isEqualTo(120_300);
        assertThat(ParameterCount.dense(300, 100)).isEqualTo(30_100);
        assertThat(ParameterCount.dense(100, 10)).isEqualTo(1_010);
        assertThat(ParameterCount.dense(400, 300) + ParameterCount.dense(300, 100) + ParameterCount.dense(100, 10))
                .isEqualTo(151_410);
    }

    @Test
    void convAndPooling() {
        // K² × C_in × C_out + C_out: 3×3 RGB → 64 filters = 27·64 + 64
        assertThat(ParameterCount.conv(3, 3, 64)).isEqualTo(1_792);
        assertThat(ParameterCount.conv(1, 64, 32)).isEqualTo(64 * 32 + 32); // 1×1 conv: channel projection
        assertThat(ParameterCount.conv(3, 5, 2, 4)).isEqualTo(3 * 5 * 2 * 4 + 4);
        assertThat(ParameterCount.pooling()).isZero();
    }

    @Test
    void outputSizeFormula() {
        assertThat(ConvArithmetic.outputSize(32, 3, 1, 1)).isEqualTo(32); // same
        assertThat(ConvArithmetic.outputSize(32, 3, 0, 1)).isEqualTo(30); // valid
        assertThat(ConvArithmetic.outputSize(28, 2, 0, 2)).isEqualTo(14); // 2×2 pool, stride 2
        assertThat(ConvArithmetic.outputSize(16, 3, 0, 2)).isEqualTo(7); // floor((16-3)/2)+1
        assertThat(ConvArithmetic.outputSize(224, 7, 3, 2)).isEqualTo(112); // ResNet stem
        assertThat(ConvArithmetic.samePadding(3)).isEqualTo(1);
        assertThat(ConvArithmetic.samePadding(5)).isEqualTo(2);
        for (int k = 1; k <= 11; k += 2) {
            assertThat(ConvArithmetic.outputSize(20, k, ConvArithmetic.samePadding(k), 1))
                    .isEqualTo(20);
        }
        assertThat(ConvArithmetic.validPadding()).isZero();
    }

    @Test
    void rejectsImpossibleShapes() {
        assertThatThrownBy(() -> ConvArithmetic.outputSize(4, 7, 1, 1)).hasMessageContaining("larger than the padded");
        assertThatThrownBy(() -> ConvArithmetic.samePadding(4)).hasMessageContaining("odd kernel");
        assertThatThrownBy(() -> ParameterCount.dense(0, 3)).hasMessageContaining("n_in");
        assertThatThrownBy(() -> ConvArithmetic.outputSize(4, 3, 0, 0)).hasMessageContaining("stride");
    }
}
