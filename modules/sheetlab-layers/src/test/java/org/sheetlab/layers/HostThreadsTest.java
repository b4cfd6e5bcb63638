package org.sheetlab.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The host threads (three in this module's tests, set in its pom): the row-split product for every transposition,
 * the parts covering a range exactly once, and failures in any part.
 */
class HostThreadsTest {
    @Test
    void theTestsRunWithThreeThreads() {
        assertThat(HostThreads.maxParts()).isEqualTo(3);
    }

    @Test
    void rowSplitProductEqualsOneGemmForEveryTransposition() {
        Nd4j.getRandom().setSeed(4);
        int m = 301;
        int k = 127;
        int n = 140;
        assertThat((long) m * k * n).isGreaterThanOrEqualTo(HostThreads.SPLIT_MIN_MACS);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                INDArray a = ta ? Nd4j.randn(DataType.DOUBLE, k, m) : Nd4j.randn(DataType.DOUBLE, m, k);
                INDArray b = tb ? Nd4j.randn(DataType.DOUBLE, n, k) : Nd4j.randn(DataType.DOUBLE, k, n);
                INDArray expected = Nd4j.create(DataType.DOUBLE, m, n);
                Nd4j.gemm(a, b, expected, ta, tb, 1.0, 0.0);
                INDArray c = Nd4j.create(DataType.DOUBLE, m, n);
                HostThreads.gemm(a, b, c, ta, tb);
                assertAllClose(c, expected, 1e-13, 1e-13);
            }
        }
    }

    @Test
    void partsCoverTheRangeOnceInOrder() {
        for (int n : new int[] {1, 2, 3, 10, 11}) {
            int[] seen = new int[n];
            Set<Integer> parts = ConcurrentHashMap.newKeySet();
            int used = HostThreads.split(n, true, (part, e0, e1) -> {
                parts.add(part);
                assertThat(e0).isEqualTo((int) ((long) part * n / Math.min(3, n)));
                for (int e = e0; e < e1; e++) {
                    seen[e]++;
                }
            });
            assertThat(seen).containsOnly(1);
            assertThat(used).isEqualTo(Math.min(3, n)).isEqualTo(parts.size());
        }
        assertThat(HostThreads.split(
                        10, false, (part, e0, e1) -> assertThat(part).isZero()))
                .isEqualTo(1);
    }

    @Test
    void aFailureInAnyPartIsRethrownAfterAllFinish() {
        for (int bad = 0; bad < 3; bad++) {
            int failing = bad;
            int[] finished = new int[3];
            assertThatThrownBy(() -> HostThreads.split(9, true, (part, e0, e1) -> {
                        if (part == failing) {
                            throw new IllegalArgumentException("bad part " + part);
                        }
                        finished[part] = 1;
                    }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("bad part " + bad);
            assertThat(finished[0] + finished[1] + finished[2]).isEqualTo(2);
        }
    }
}
