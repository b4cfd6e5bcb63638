package org.sheetlab.train.fast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Same seed, same numbers for the dense path's Vector API kernels, whenever the JIT compiles them. With the lanewise
 * {@code VectorOperators.EXP / TANH / LOG} they gave other last bits once C2 had compiled a kernel (its vector math
 * stubs) than before, so a training run's numbers depended on when that happened; they now compute with
 * {@link org.sheetlab.core.vector.VectorMath} (lane arithmetic only). Checked on the JVM as it comes: the kernels'
 * bits do not move from their first (interpreted) call to after thousands of calls (compiled). This test failed with
 * the lanewise ops (the stubs on: the JVM's default).
 */
class JitStableBitsTest {
    private static final int N = 1 << 16;

    private static ByteBuffer values(long seed) {
        ByteBuffer b = ByteBuffer.allocateDirect(N * 4).order(ByteOrder.nativeOrder());
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < N; i++) {
            b.putFloat(i << 2, (float) (r.nextDouble() * 24 - 12));
        }
        return b;
    }

    private static ByteBuffer copy(ByteBuffer src) {
        ByteBuffer c = ByteBuffer.allocateDirect(src.capacity()).order(ByteOrder.nativeOrder());
        for (int i = 0; i < src.capacity(); i += 4) {
            c.putFloat(i, src.getFloat(i));
        }
        return c;
    }

    private static int[] bits(ByteBuffer b) {
        int[] out = new int[b.capacity() / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.floatToRawIntBits(b.getFloat(i << 2));
        }
        return out;
    }

    /** The kernels whose bits depended on the JIT: sigmoid and tanh activations, the fused cross-entropy's log. */
    private static List<int[]> run(ByteBuffer x, ByteBuffer targets) {
        List<int[]> out = new ArrayList<>();
        for (int act : new int[] {DenseRowKernels.SIGMOID, DenseRowKernels.TANH}) {
            ByteBuffer a = copy(x);
            DenseRowKernels.biasActivation(a, 0, N / 256, 256, null, 0, act, 0f);
            out.add(bits(a));
        }
        double[] sum = new double[1];
        int done = VectorSigmoidXentKernels.logLikelihood(x, 0, targets, 0, N, 1e-7f, 1 - 1e-7f, true, sum);
        out.add(new int[] {
            done, (int) Double.doubleToRawLongBits(sum[0]), (int) (Double.doubleToRawLongBits(sum[0]) >>> 32)
        });
        ByteBuffer g = copy(x);
        VectorSigmoidXentKernels.gradient(g, 0, targets, 0, N, 1e-7f, 1 - 1e-7f, true);
        out.add(bits(g));
        return out;
    }

    private static void warm(int calls) {
        ByteBuffer small = ByteBuffer.allocateDirect(1024 * 4).order(ByteOrder.nativeOrder());
        ByteBuffer t = ByteBuffer.allocateDirect(1024 * 4).order(ByteOrder.nativeOrder());
        double[] sum = new double[1];
        for (int k = 0; k < calls; k++) {
            for (int i = 0; i < 1024; i++) {
                small.putFloat(i << 2, (i - 512) / 40f);
                t.putFloat(i << 2, i & 1);
            }
            DenseRowKernels.biasActivation(small, 0, 4, 256, null, 0, DenseRowKernels.SIGMOID, 0f);
            DenseRowKernels.biasActivation(small, 0, 4, 256, null, 0, DenseRowKernels.TANH, 0f);
            VectorSigmoidXentKernels.logLikelihood(small, 0, t, 0, 1024, 1e-7f, 1 - 1e-7f, true, sum);
            VectorSigmoidXentKernels.gradient(small, 0, t, 0, 1024, 1e-7f, 1 - 1e-7f, true);
        }
    }

    @Test
    void vectorKernelsGiveTheSameBitsBeforeAndAfterTheJitCompilesThem() {
        assumeTrue(UpdaterKernels.VECTOR_API, "the Vector API kernels are off (no --add-modules jdk.incubator.vector)");
        ByteBuffer x = values(7);
        ByteBuffer targets = ByteBuffer.allocateDirect(N * 4).order(ByteOrder.nativeOrder());
        for (int i = 0; i < N; i++) {
            targets.putFloat(i << 2, (i % 3) == 0 ? 1f : 0f);
        }
        List<int[]> first = run(x, targets);
        for (int calls : new int[] {1_000, 3_000, 10_000}) {
            warm(calls);
            List<int[]> later = run(x, targets);
            for (int k = 0; k < first.size(); k++) {
                int[] a = first.get(k);
                int[] b = later.get(k);
                int at = java.util.Arrays.mismatch(a, b);
                assertThat(at)
                        .as(
                                "kernel %d after %d more calls (the JIT compiled it): bits differ from the first call at %d"
                                        + " (%s vs %s)",
                                k,
                                calls,
                                at,
                                at < 0 || at >= a.length ? "-" : Float.intBitsToFloat(a[at]),
                                at < 0 || at >= b.length ? "-" : Float.intBitsToFloat(b[at]))
                        .isEqualTo(-1);
            }
        }
    }
}
