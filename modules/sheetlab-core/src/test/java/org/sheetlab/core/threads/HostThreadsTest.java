package org.sheetlab.core.threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The host threads (three in this module's tests, set with -Dsheetlab.threads=3 in its pom): the size rule, the
 * row-split and column-split products, the parts covering a range exactly once, failures in any part, and the threads'
 * lifetime (shutdown, restart, nested splits).
 */
class HostThreadsTest {
    /** The split thresholds' settings: whole numbers >= 1, the fallback when unset, bad ones named with their property. */
    @Test
    void sizeSettingsAreWholeNumbersAndBadOnesAreNamed() {
        assertThat(HostThreads.sizeSetting("p", null, 7)).isEqualTo(7);
        assertThat(HostThreads.sizeSetting("p", "  ", 7)).isEqualTo(7);
        assertThat(HostThreads.sizeSetting("p", " 100000 ", 7)).isEqualTo(100_000L);
        assertThat(HostThreads.sizeSetting("p", " 4000000 ", 7)).isEqualTo(4_000_000L);
        for (String bad : new String[] {"0", "-5", "many", "1e6"}) {
            for (String property : new String[] {"sheetlab.fast.convSplitMinMacs", "sheetlab.fast.denseSplitMinMacs"}) {
                assertThatThrownBy(() -> HostThreads.sizeSetting(property, bad, 7))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("-D" + property + " must be a whole number >= 1, got '" + bad + "'");
            }
        }
        assertThat(HostThreads.sizeProperty("sheetlab.test.unsetSizeProperty", 9))
                .isEqualTo(9);
    }

    @Test
    void theSizeFollowsTheSettingAndElseTheCores() {
        assertThat(HostThreads.maxParts()).isEqualTo(3); // -Dsheetlab.threads=3 from the pom, on a machine of any size
        assertThat(HostThreads.threadsFor(null, 8)).isEqualTo(8);
        assertThat(HostThreads.threadsFor(" ", 2)).isEqualTo(2);
        assertThat(HostThreads.threadsFor("1", 8)).isEqualTo(1);
        assertThat(HostThreads.threadsFor(" 5 ", 2)).isEqualTo(5);
        for (String bad : new String[] {"0", "-2", "two", "1.5"}) {
            assertThatThrownBy(() -> HostThreads.threadsFor(bad, 2))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sheetlab.threads")
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    /** override: the count -Dsheetlab.threads would set, in one JVM (the property is read once). */
    @Test
    void overrideChangesTheCountAndTheSplitsFollow() {
        int previous = HostThreads.override(5);
        try {
            assertThat(previous).isEqualTo(3);
            assertThat(HostThreads.maxParts()).isEqualTo(5);
            assertThat(HostThreads.split(10, true, (part, e0, e1) -> {})).isEqualTo(5);
            assertThat(HostThreads.liveHelpers()).isEqualTo(4);
            assertThat(HostThreads.override(1)).isEqualTo(5);
            assertThat(HostThreads.liveHelpers()).isZero(); // the old helpers were ended
            assertThat(HostThreads.split(10, true, (part, e0, e1) -> {})).isEqualTo(1);
            assertThatThrownBy(() -> HostThreads.override(0)).hasMessageContaining(">= 1");
        } finally {
            HostThreads.override(previous);
        }
        assertThat(HostThreads.maxParts()).isEqualTo(3);
    }

    @Test
    void shutdownEndsTheHelpersAndALaterSplitStartsThemAgain() throws InterruptedException {
        HostThreads.split(6, true, (part, e0, e1) -> {});
        assertThat(HostThreads.liveHelpers()).isEqualTo(2);
        Set<Thread> helpers = ConcurrentHashMap.newKeySet();
        HostThreads.split(6, true, (part, e0, e1) -> {
            if (part > 0) {
                helpers.add(Thread.currentThread());
            }
        });
        assertThat(helpers).allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
        assertThat(HostThreads.shutdown()).isTrue();
        assertThat(HostThreads.liveHelpers()).isZero();
        for (Thread t : helpers) {
            t.join(5_000);
            assertThat(t.isAlive()).as("helper %s ended", t.getName()).isFalse();
        }
        assertThat(HostThreads.shutdown()).isFalse();
        int[] seen = new int[6];
        assertThat(HostThreads.split(6, true, (part, e0, e1) -> {
                    for (int e = e0; e < e1; e++) {
                        seen[e]++;
                    }
                }))
                .isEqualTo(3);
        assertThat(seen).containsOnly(1);
        assertThat(HostThreads.liveHelpers()).isEqualTo(2);
    }

    @Test
    void aSplitInsideAHelperRunsOnThatHelperAlone() {
        int[] inner = new int[3];
        HostThreads.split(3, true, (part, e0, e1) -> inner[part] = HostThreads.split(9, true, (p, a, b) -> {}));
        assertThat(inner).containsExactly(3, 1, 1);
    }

    @Test
    void theLimitCapsTheParts() {
        assertThat(HostThreads.split(10, 2, (part, e0, e1) -> {})).isEqualTo(2);
        assertThat(HostThreads.split(10, 1, (part, e0, e1) -> {})).isEqualTo(1);
        assertThat(HostThreads.split(10, 99, (part, e0, e1) -> {})).isEqualTo(3);
    }

    /**
     * The column split: with one part it is the one BLAS call; with more, each column block is its own BLAS call,
     * whose kernel blocking depends on the block's width, so entries differ from the whole product by float rounding
     * (measured: about 2,000 of 19,200 entries by at most 1 ulp of values near 100) and the bound here is a few ulp.
     * The same split twice is bit-identical: which thread computes a block does not matter. With oneDNN (DirectGemm's
     * default backend) even the one-part product sums in another order than {@code Nd4j.gemm}'s OpenBLAS (values near
     * 100 differ by up to 7·10⁻⁵, relative 7·10⁻⁷), so one part equals one {@link DirectGemm} call exactly and
     * {@code Nd4j.gemm} to 2·10⁻⁶ relative.
     */
    @Test
    void columnSplitProductEqualsOneGemmAndRepeatsExactly() {
        Nd4j.getRandom().setSeed(5);
        int m = 64;
        int k = 400;
        int n = 300;
        for (boolean ta : new boolean[] {false, true}) {
            INDArray a = ta ? Nd4j.rand(DataType.FLOAT, k, m) : Nd4j.rand(DataType.FLOAT, m, k);
            INDArray b = Nd4j.rand(DataType.FLOAT, k, n).dup('f');
            INDArray expected = Nd4j.create(DataType.FLOAT, new long[] {m, n}, 'f');
            Nd4j.gemm(a, b, expected, ta, false, 1.0, 0.0);
            INDArray whole = Nd4j.create(DataType.FLOAT, new long[] {m, n}, 'f');
            DirectGemm.gemm(a, b, whole, ta, false);
            for (int limit = 1; limit <= 3; limit++) {
                INDArray c = Nd4j.create(DataType.FLOAT, new long[] {m, n}, 'f');
                HostThreads.gemmColumns(a, b, c, ta, limit);
                INDArray again = Nd4j.create(DataType.FLOAT, new long[] {m, n}, 'f');
                HostThreads.gemmColumns(a, b, again, ta, limit);
                float[] got = c.dup('c').data().asFloat();
                assertThat(again.dup('c').data().asFloat())
                        .as("transA %s, %d parts, twice", ta, limit)
                        .containsExactly(got);
                if (limit == 1) {
                    assertThat(got).containsExactly(whole.dup('c').data().asFloat());
                }
                assertAllClose(c, expected, 2e-6, 0);
            }
        }
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

    @Test
    void anErrorInAHelperPartIsRethrownToTheCaller() {
        assertThatThrownBy(() -> HostThreads.split(9, true, (part, e0, e1) -> {
                    if (part == 2) {
                        throw new AssertionError("helper part failed");
                    }
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessage("helper part failed");
        int[] seen = new int[9];
        assertThat(HostThreads.split(9, true, (part, e0, e1) -> {
                    for (int e = e0; e < e1; e++) {
                        seen[e]++;
                    }
                }))
                .as("the helpers work on after a failure")
                .isEqualTo(3);
        assertThat(seen).containsOnly(1);
    }

    /**
     * A split while another split holds the helpers (here: inside part 0) runs all its parts on its calling thread, with
     * the same ranges and part numbers, so per-part results are what the helpers would have computed.
     */
    @Test
    void aSplitWhileTheHelpersAreHeldRunsItsPartsOnTheCaller() {
        Thread caller = Thread.currentThread();
        int[][] ranges = new int[3][];
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        HostThreads.split(3, true, (outer, a, b) -> {
            if (outer == 0) {
                assertThat(HostThreads.split(10, true, (part, e0, e1) -> {
                            ranges[part] = new int[] {e0, e1};
                            threads.add(Thread.currentThread());
                        }))
                        .isEqualTo(3);
            }
        });
        assertThat(threads).containsExactly(caller);
        assertThat(ranges).isDeepEqualTo(new int[][] {{0, 3}, {3, 6}, {6, 10}});
    }

    /** Per-part sums (a float sum in each range, the parts added in order) are the same bits as the sequential sum. */
    @Test
    void resultsEqualTheSequentialOrderBitForBit() {
        float[] x = new float[100_003];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float[] partial = new float[3];
        int parts = HostThreads.split(x.length, true, (part, e0, e1) -> {
            float s = 0;
            for (int i = e0; i < e1; i++) {
                s += x[i] * x[i];
            }
            partial[part] = s;
        });
        float[] expected = new float[parts];
        for (int k = 0; k < parts; k++) {
            float s = 0;
            for (int i = (int) ((long) k * x.length / parts); i < (int) ((long) (k + 1) * x.length / parts); i++) {
                s += x[i] * x[i];
            }
            expected[k] = s;
        }
        for (int round = 0; round < 200; round++) {
            float[] again = new float[3];
            HostThreads.split(x.length, true, (part, e0, e1) -> {
                float s = 0;
                for (int i = e0; i < e1; i++) {
                    s += x[i] * x[i];
                }
                again[part] = s;
            });
            assertThat(again).containsExactly(partial);
        }
        assertThat(java.util.Arrays.copyOf(partial, parts)).containsExactly(expected);
    }

    /** Several threads splitting at once: each split covers its range once, none waits forever. */
    @Test
    void concurrentCallersEachGetTheirWholeRange() throws InterruptedException {
        int callers = 4;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < 2_000; i++) {
                        int n = 1 + i % 17;
                        int[] seen = new int[n];
                        int used = HostThreads.split(n, true, (part, e0, e1) -> {
                            for (int e = e0; e < e1; e++) {
                                seen[e]++;
                            }
                        });
                        assertThat(seen).containsOnly(1);
                        assertThat(used).isEqualTo(Math.min(3, n));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(t.isAlive()).as("caller %s finished", t.getName()).isFalse();
        }
        assertThat(failure.get()).isNull();
    }

    /** An interrupted caller still waits for its parts (they write into its arrays) and keeps its interrupt flag. */
    @Test
    void anInterruptedCallerWaitsForItsPartsAndKeepsTheFlag() {
        int[] seen = new int[3];
        try {
            Thread.currentThread().interrupt();
            HostThreads.split(3, true, (part, e0, e1) -> {
                if (part > 0) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                seen[part] = 1;
            });
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(seen).containsOnly(1);
    }

    @Test
    void theSpinSettingIsMicrosecondsAndBadOnesAreNamed() {
        assertThat(HostThreads.spinNanos(null)).isEqualTo(HostThreads.DEFAULT_SPIN_MICROS * 1_000L);
        assertThat(HostThreads.spinNanos(" ")).isEqualTo(HostThreads.DEFAULT_SPIN_MICROS * 1_000L);
        assertThat(HostThreads.spinNanos("0")).isZero();
        assertThat(HostThreads.spinNanos(" 50 ")).isEqualTo(50_000L);
        for (String bad : new String[] {"-1", "fast", "1.5", "1000001"}) {
            assertThatThrownBy(() -> HostThreads.spinNanos(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sheetlab.threads.spinMicros")
                    .hasMessageContaining("'" + bad + "'");
        }
    }
}
