package org.sheetlab.text.word2vec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Vector API kernels and the scalar loops against the formulas (the tests run with jdk.incubator.vector). */
class VectorKernelsTest {
    @Test
    void theTestsRunTheVectorApiPath() {
        assertThat(FastSkipGram.VECTOR_API)
                .as("sheetlab-text's surefire argLine adds jdk.incubator.vector")
                .isTrue();
    }

    @Test
    void dotProductsAreTheSumOfProductsAtEveryLengthAndOffset() {
        Random random = new Random(5);
        float[] x = new float[300];
        float[] y = new float[300];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() - 0.5f;
            y[i] = random.nextFloat() - 0.5f;
        }
        for (int n : new int[] {1, 3, 7, 8, 17, 100, 101}) {
            double expected = 0;
            for (int c = 0; c < n; c++) {
                expected += (double) x[13 + c] * y[150 + c];
            }
            assertThat((double) VectorKernels.dot(x, 13, y, 150, n))
                    .as("n = %d", n)
                    .isCloseTo(expected, within(1e-5));
            assertThat((double) FastSkipGram.Worker.dot(x, 13, y, 150, n))
                    .as("scalar, n = %d", n)
                    .isCloseTo(expected, within(1e-5));
        }
    }

    @Test
    void axpyIsTheFloatUpdateExactly() {
        Random random = new Random(6);
        float[] x = new float[250];
        float[] y = new float[250];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() - 0.5f;
            y[i] = random.nextFloat() - 0.5f;
        }
        float g = 0.0123f;
        float[] expected = y.clone();
        for (int c = 0; c < 101; c++) {
            expected[120 + c] =
                    expected[120 + c] + g * x[7 + c]; // the same two float operations, no fused multiply-add
        }
        VectorKernels.axpy(g, x, 7, y, 120, 101);
        assertThat(y).containsExactly(expected);
    }
}
