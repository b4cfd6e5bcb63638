package org.sheetlab.layers.recurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The FLOAT passes of FastLSTM and GRU (both candidate forms, with and without a mask) against the layers' double
 * reference passes, with the Vector API
 * kernels and with the scalar fallback, and {@link RnnKernels#gemm} against a double product.
 */
class RnnKernelsTest {
    private static final LayerWorkspaceMgr NONE = LayerWorkspaceMgr.noWorkspaces();

    @AfterEach
    void restore() {
        RnnKernels.forceScalar = false;
        RnnKernels.referenceOnly = false;
    }

    @Test
    void theTestJvmRunsTheVectorKernels() {
        // every test JVM gets --add-modules jdk.incubator.vector (the parent pom's argLine), so the comparisons below
        // cover both kernels
        assertThat(RnnKernels.VECTOR_API).isTrue();
    }

    @Test
    void gemmMatchesADoubleProductWithAndWithoutTheVectorApi() {
        Random rnd = new Random(3);
        int[][] sizes = {{1, 1, 1}, {5, 70, 13}, {32, 512, 128}, {9, 384, 28}, {4, 64, 3}, {7, 129, 5}};
        for (int[] s : sizes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            int lda = k + 3;
            int ldb = n + 5;
            int ldc = n + 2;
            float[] a = random(rnd, 2 + m * lda);
            float[] b = random(rnd, 1 + k * ldb);
            float[] c0 = random(rnd, 4 + m * ldc);
            for (boolean acc : new boolean[] {false, true}) {
                double[] ref = new double[c0.length];
                for (int i = 0; i < c0.length; i++) {
                    ref[i] = c0[i];
                }
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double sum = acc ? c0[4 + i * ldc + j] : 0;
                        for (int p = 0; p < k; p++) {
                            sum += (double) a[2 + i * lda + p] * b[1 + p * ldb + j];
                        }
                        ref[4 + i * ldc + j] = sum;
                    }
                }
                // the same product with A stored transposed: at[p·(m + 1) + i] = A[i, p]
                int ldt = m + 1;
                float[] at = new float[2 + k * ldt];
                for (int i = 0; i < m; i++) {
                    for (int p = 0; p < k; p++) {
                        at[2 + p * ldt + i] = a[2 + i * lda + p];
                    }
                }
                for (boolean scalar : new boolean[] {false, true}) {
                    RnnKernels.forceScalar = scalar;
                    for (boolean transA : new boolean[] {false, true}) {
                        float[] c = c0.clone();
                        if (transA) {
                            RnnKernels.gemmTransA(m, n, k, at, 2, ldt, b, 1, ldb, c, 4, ldc, acc);
                        } else {
                            RnnKernels.gemm(m, n, k, a, 2, lda, b, 1, ldb, c, 4, ldc, acc);
                        }
                        for (int i = 0; i < c.length; i++) {
                            assertThat((double) c[i])
                                    .as(
                                            "size %s acc %s scalar %s transA %s element %d",
                                            List.of(m, n, k), acc, scalar, transA, i)
                                    .isCloseTo(
                                            ref[i], org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(ref[i]))));
                        }
                    }
                }
            }
        }
    }

    @Test
    void packedGemmGivesTheSameNumbersAsTheUnpackedOne() {
        // packed column panels (and the unpacked columns past the last panel) sum in the same order as gemm: the same
        // floats, bit for bit, for row-major and transposed A, with and without accumulation and the Vector API
        Random rnd = new Random(5);
        int[][] sizes = {{32, 512, 128}, {28, 512, 32}, {32, 128, 512}, {5, 70, 13}, {7, 129, 5}, {3, 15, 4}, {1, 1, 1}
        };
        for (int[] s : sizes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            int ldb = n + 3;
            float[] a = random(rnd, 2 + m * k);
            float[] at = random(rnd, 1 + k * m);
            float[] b = random(rnd, 1 + k * ldb);
            float[] c0 = random(rnd, 4 + m * n);
            for (boolean scalar : new boolean[] {false, true}) {
                RnnKernels.forceScalar = scalar;
                float[] packed = RnnKernels.pack(k, n, b, 1, ldb, new float[k * n]);
                for (boolean acc : new boolean[] {false, true}) {
                    for (boolean transA : new boolean[] {false, true}) {
                        float[] expected = c0.clone();
                        float[] actual = c0.clone();
                        if (transA) {
                            RnnKernels.gemmTransA(m, n, k, at, 1, m, b, 1, ldb, expected, 4, n, acc);
                            RnnKernels.gemmPacked(m, n, k, at, 1, 1, m, packed, b, 1, ldb, actual, 4, n, acc);
                        } else {
                            RnnKernels.gemm(m, n, k, a, 2, k, b, 1, ldb, expected, 4, n, acc);
                            RnnKernels.gemmPacked(m, n, k, a, 2, k, 1, packed, b, 1, ldb, actual, 4, n, acc);
                        }
                        assertThat(actual)
                                .as("size %s acc %s scalar %s transA %s", List.of(m, n, k), acc, scalar, transA)
                                .containsExactly(expected);
                    }
                }
            }
        }
    }

    @Test
    void timeMajorRowsAreReadThroughAnyStrides() {
        // c order, f order (DL4J's LastTimeStep ε), an NWC array seen as NCW, and a view into a larger array
        Nd4j.getRandom().setSeed(7);
        INDArray c = Nd4j.randn(DataType.FLOAT, 5, 3, 4);
        INDArray nwc = Nd4j.randn(DataType.FLOAT, 5, 4, 3);
        INDArray big = Nd4j.randn(DataType.FLOAT, 6, 3, 4);
        INDArray[] arrays = {
            c,
            c.dup('f'),
            nwc.permute(0, 2, 1),
            big.get(NDArrayIndex.interval(1, 6), NDArrayIndex.all(), NDArrayIndex.all())
        };
        for (INDArray a : arrays) {
            float[] expected = new float[60];
            for (int t = 0; t < 4; t++) {
                for (int e = 0; e < 5; e++) {
                    for (int k = 0; k < 3; k++) {
                        expected[(t * 5 + e) * 3 + k] = a.getFloat(e, k, t);
                    }
                }
            }
            float[] out = new float[60];
            RnnKernels.readTimeMajor(a, 5, 3, 4, new float[60], out);
            assertThat(out)
                    .as("strides %s offset %d", java.util.Arrays.toString(a.stride()), a.offset())
                    .containsExactly(expected);
        }
    }

    private static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    private static Layer floatLayer(org.deeplearning4j.nn.conf.layers.Layer conf) {
        NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .layer(conf)
                .build();
        long n = conf.initializer().numParams(nnc);
        Layer l = conf.instantiate(nnc, List.of(), 0, Nd4j.create(DataType.FLOAT, 1, n), true, DataType.FLOAT);
        l.setBackpropGradientsViewArray(Nd4j.create(DataType.FLOAT, 1, n));
        Nd4j.getRandom().setSeed(11);
        l.params().assign(Nd4j.randn(DataType.FLOAT, 1, n).muli(0.3)); // non-zero biases (b_hn too)
        return l;
    }

    /** Output, input gradient and parameter gradients of one training pass. */
    private static INDArray[] pass(Layer l, INDArray x, INDArray dy) {
        l.setInput(x, NONE);
        INDArray y = l.activate(true, NONE).dup();
        INDArray dx = l.backpropGradient(dy, NONE).getSecond().dup();
        return new INDArray[] {y, dx, l.getGradientsViewArray().dup()};
    }

    /** The FLOAT pass (vector and scalar kernels) equals the double reference pass of the same FLOAT layer. */
    private static void assertFloatPassMatchesReference(Layer l, int b, int nIn, int h, int steps) {
        assertFloatPassMatchesReference(l, b, nIn, h, steps, null);
    }

    /** The same with a [B, T] mask set on the layer (null: none). */
    private static void assertFloatPassMatchesReference(Layer l, int b, int nIn, int h, int steps, INDArray mask) {
        Nd4j.getRandom().setSeed(19);
        INDArray x = Nd4j.randn(DataType.FLOAT, b, nIn, steps);
        INDArray dy = Nd4j.randn(DataType.FLOAT, b, h, steps);
        l.setMaskArray(mask);
        RnnKernels.referenceOnly = true;
        INDArray[] ref = pass(l, x, dy);
        RnnKernels.referenceOnly = false;
        for (boolean scalar : new boolean[] {false, true}) {
            RnnKernels.forceScalar = scalar;
            INDArray[] got = pass(l, x, dy);
            assertThat(got[0].dataType()).isEqualTo(DataType.FLOAT);
            for (int i = 0; i < 3; i++) {
                assertAllClose(got[i], ref[i], 1e-4, 2e-5);
            }
        }
    }

    @Test
    void fastLstmFloatPassEqualsTheDoubleReferencePass() {
        // H = 37: vector blocks and a scalar tail in every row; H = 128 with 9 examples: the batch split over threads
        for (int h : new int[] {37, 128}) {
            Layer l = floatLayer(new FastLSTM.Builder()
                    .nIn(7)
                    .nOut(h)
                    .activation(Activation.TANH)
                    .build());
            assertFloatPassMatchesReference(l, 9, 7, h, 6);
        }
    }

    @Test
    void gruFloatPassEqualsTheDoubleReferencePass() {
        // both candidate forms: PyTorch's (resetAfter) and the sheet's r ⊙ h_{t−1} inside the product
        for (boolean resetAfter : new boolean[] {true, false}) {
            for (int h : new int[] {37, 128}) {
                Layer l = floatLayer(
                        new GRU.Builder().nIn(7).nOut(h).resetAfter(resetAfter).build());
                // 12 examples at H = 128: B·3H ≥ GruLayer.SPLIT_MIN_GATES, so the batch is split over the threads
                assertFloatPassMatchesReference(l, h == 128 ? 12 : 9, 7, h, 6);
            }
        }
    }

    @Test
    void gruFloatPassWithAMaskEqualsTheDoubleReferencePass() {
        // padded ends (the attention experiment's words), a gap in the middle, a fully masked example and an
        // example masked at t = 0: the state is carried over, the output is 0 and ε is not used at masked steps
        float[][] m = {
            {1, 1, 1, 1, 1, 1},
            {1, 1, 1, 0, 0, 0},
            {1, 0, 1, 1, 0, 1},
            {0, 0, 0, 0, 0, 0},
            {0, 1, 1, 1, 1, 1},
            {1, 1, 1, 1, 1, 0},
            {1, 1, 0, 0, 0, 0},
            {1, 1, 1, 1, 1, 1},
            {1, 0, 0, 0, 0, 0},
            {1, 1, 1, 1, 0, 0},
            {0, 0, 1, 1, 1, 1},
            {1, 1, 1, 1, 1, 1}
        };
        INDArray mask = Nd4j.createFromArray(m);
        for (boolean resetAfter : new boolean[] {true, false}) {
            for (int h : new int[] {37, 128}) {
                Layer l = floatLayer(
                        new GRU.Builder().nIn(7).nOut(h).resetAfter(resetAfter).build());
                assertFloatPassMatchesReference(l, 12, 7, h, 6, mask);
            }
        }
    }
}
