package org.sheetlab.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The two-thread split: every transposition of the row-split product, the halves, and failures in either half. */
class HostThreadsTest {
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
    void halvesCoverTheRangeOnceAndRethrowFailures() {
        int[] seen = new int[11];
        AtomicInteger parts = new AtomicInteger();
        boolean split = HostThreads.halves(11, true, (part, e0, e1) -> {
            parts.incrementAndGet();
            for (int e = e0; e < e1; e++) {
                seen[e]++;
            }
        });
        assertThat(seen).containsOnly(1);
        assertThat(split).isEqualTo(HostThreads.available());
        assertThat(parts.get()).isEqualTo(split ? 2 : 1);
        assertThat(HostThreads.halves(
                        1, true, (part, e0, e1) -> assertThat(part).isZero()))
                .isFalse();
        assertThatThrownBy(() -> HostThreads.halves(8, true, (part, e0, e1) -> {
                    if (e0 > 0 || !HostThreads.available()) {
                        throw new IllegalArgumentException("bad half");
                    }
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad half");
    }
}
