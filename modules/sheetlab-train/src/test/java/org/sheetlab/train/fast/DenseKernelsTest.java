package org.sheetlab.train.fast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast dense step's Vector API kernels against its scalar fallback (the loops a JVM without
 * jdk.incubator.vector runs), on the same inputs, lengths that are not a multiple of the vector width included: bias +
 * ReLU, the ReLU mask and Adam are bit-identical (the same float operations per element); the column sums, added in
 * partial sums, agree to float rounding. Also checks the scalar Adam against the formula written out in double.
 */
class DenseKernelsTest {
    private static ByteBuffer buffer(float[] values) {
        ByteBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder());
        for (int i = 0; i < values.length; i++) {
            b.putFloat(i * 4, values[i]);
        }
        return b;
    }

    private static float[] floats(ByteBuffer b, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = b.getFloat(i * 4);
        }
        return out;
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    @Test
    void theVectorKernelsMatchTheScalarFallback() {
        assertThat(DenseAdamStep.VECTOR_API)
                .as("the test JVMs run with jdk.incubator.vector")
                .isTrue();
        Random r = new Random(3);
        int rows = 37;
        int cols = 5;
        int len = rows * cols;
        float[] a = random(r, len);
        ByteBuffer p = buffer(random(r, 12));
        for (boolean relu : new boolean[] {true, false}) {
            ByteBuffer vec = buffer(a);
            ByteBuffer sca = buffer(a);
            DenseVectorKernels.biasActivation(vec, 0, rows, cols, p, 7, relu);
            DenseScalarKernels.biasActivation(sca, 0, rows, cols, p, 7, relu);
            assertThat(floats(vec, len)).containsExactly(floats(sca, len));
        }
        float[] d = random(r, len);
        ByteBuffer act = buffer(a);
        ByteBuffer dv = buffer(d);
        ByteBuffer ds = buffer(d);
        DenseVectorKernels.reluMask(dv, 0, act, 0, len);
        DenseScalarKernels.reluMask(ds, 0, act, 0, len);
        assertThat(floats(dv, len)).containsExactly(floats(ds, len));
        assertThat(floats(dv, len)[0]).isEqualTo(a[0] > 0 ? d[0] : 0f);

        ByteBuffer gv = buffer(new float[cols + 2]);
        ByteBuffer gs = buffer(new float[cols + 2]);
        DenseVectorKernels.columnSums(buffer(d), 0, rows, cols, gv, 2);
        DenseScalarKernels.columnSums(buffer(d), 0, rows, cols, gs, 2);
        for (int c = 0; c < cols; c++) {
            assertThat(gv.getFloat((2 + c) * 4)).isCloseTo(gs.getFloat((2 + c) * 4), within(1e-5f));
        }

        int n = 1001;
        float[] params = random(r, n);
        float[] grad = random(r, n);
        float[] m0 = random(r, n);
        float[] v0 = new float[n];
        for (int i = 0; i < n; i++) {
            v0[i] = Math.abs((float) r.nextGaussian());
        }
        ByteBuffer pv = buffer(params);
        ByteBuffer ps = buffer(params);
        ByteBuffer g = buffer(grad);
        float[] mv = m0.clone();
        float[] vv = v0.clone();
        float[] ms = m0.clone();
        float[] vs = v0.clone();
        DenseVectorKernels.adam(3, n, pv, g, mv, vv, 0.9f, 0.999f, 0.1f, 0.001f, 1e-8f, 1e-3f);
        DenseScalarKernels.adam(3, n, ps, g, ms, vs, 0.9f, 0.999f, 0.1f, 0.001f, 1e-8f, 1e-3f);
        assertThat(floats(pv, n)).containsExactly(floats(ps, n));
        assertThat(mv).containsExactly(ms);
        assertThat(vv).containsExactly(vs);
        assertThat(floats(pv, 3)).containsExactly(java.util.Arrays.copyOf(params, 3)); // [0, 3) untouched
        for (int i = 3; i < n; i += 97) {
            double m = 0.9 * m0[i] + 0.1 * grad[i];
            double v = 0.999 * v0[i] + 0.001 * grad[i] * grad[i];
            double expected = params[i] - 1e-3 * m / (Math.sqrt(v) + 1e-8);
            assertThat((double) ps.getFloat(i * 4)).isCloseTo(expected, within(1e-6));
        }
    }
}
