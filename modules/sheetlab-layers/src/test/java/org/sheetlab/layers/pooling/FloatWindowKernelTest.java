package org.sheetlab.layers.pooling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sheetlab.core.pooling.LogAveragePool;
import org.sheetlab.core.pooling.PPool;

/**
 * The FLOAT fast path ({@link FloatWindowKernel}) against the general kernel of {@link WindowPoolingLayer} (which
 * computes in double), forward (training and inference) and backward, for p = 2, p = 3 and log-average pooling: the
 * 2×2/stride-2 loop on even and odd maps, and the general loop on overlapping, strided, rectangular and padded windows
 * (edge windows reaching into the padding), with and without the Vector API, on mixed-sign inputs and non-contiguous
 * (view) inputs and gradients.
 */
class FloatWindowKernelTest {
    private record Case(String name, int kh, int kw, int sh, int sw, int ph, int pw, int h, int w) {}

    private static final List<Case> CASES = List.of(
            new Case("2x2/2 even", 2, 2, 2, 2, 0, 0, 8, 6),
            new Case("2x2/2 odd map (last row and column unused)", 2, 2, 2, 2, 0, 0, 7, 9),
            new Case("3x3/1 pad 1 (overlapping, edge windows)", 3, 3, 1, 1, 1, 1, 5, 6),
            new Case("3x2 stride (2,1) pad (1,0)", 3, 2, 2, 1, 1, 0, 7, 5),
            new Case("2x3 stride (1,3) pad (1,2)", 2, 3, 1, 3, 1, 2, 4, 10),
            new Case("1x1/1", 1, 1, 1, 1, 0, 0, 3, 4),
            new Case("2x2/2 pad 1", 2, 2, 2, 2, 1, 1, 6, 7),
            new Case("whole map 4x5", 4, 5, 1, 1, 0, 0, 4, 5));

    private static List<org.deeplearning4j.nn.conf.layers.Layer> functions(Case c) {
        List<org.deeplearning4j.nn.conf.layers.Layer> out = new ArrayList<>();
        for (double p : new double[] {2, 3}) {
            out.add(new PPooling2D.Builder()
                    .p(p)
                    .kernelSize(c.kh(), c.kw())
                    .stride(c.sh(), c.sw())
                    .padding(c.ph(), c.pw())
                    .build());
        }
        out.add(new LogAveragePooling2D.Builder()
                .kernelSize(c.kh(), c.kw())
                .stride(c.sh(), c.sw())
                .padding(c.ph(), c.pw())
                .build());
        return out;
    }

    private static WindowPoolingLayer floatLayer(org.deeplearning4j.nn.conf.layers.Layer conf) {
        NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .layer(conf)
                .build();
        return (WindowPoolingLayer) conf.instantiate(nnc, List.of(), 0, null, true, DataType.FLOAT);
    }

    @Test
    void theFastPathGivesTheGeneralKernelsValuesToFloatRounding() {
        Nd4j.getRandom().setSeed(7);
        int compared = 0;
        for (Case c : CASES) {
            // mixed signs and a few exact zeros (p-pooling of negatives is by magnitude; zero windows have gradient 0)
            INDArray x =
                    Nd4j.rand(DataType.FLOAT, 3, 2, c.h(), c.w()).subi(0.4f).muli(3f);
            x.get(NDArrayIndex.point(1), NDArrayIndex.point(0)).assign(0f);
            for (var conf : functions(c)) {
                WindowPoolingLayer general = floatLayer(conf);
                general.allowFastKernel(false);
                general.setInput(x, LayerWorkspaceMgr.noWorkspaces());
                INDArray yGeneral = general.activate(true, LayerWorkspaceMgr.noWorkspaces());
                assertThat(general.fastPathCached()).isFalse();
                INDArray eps = Nd4j.rand(DataType.FLOAT, yGeneral.shape()).subi(0.5f);
                INDArray dxGeneral = general.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces())
                        .getSecond();
                for (boolean vector : new boolean[] {true, false}) {
                    String what = c.name() + ", " + conf.getClass().getSimpleName() + " "
                            + (conf instanceof PPooling2D pp ? "p=" + pp.getP() : "") + ", vector " + vector;
                    WindowPoolingLayer fast = floatLayer(conf);
                    fast.useVectorApi(vector);
                    fast.setInput(x, LayerWorkspaceMgr.noWorkspaces());
                    INDArray y = fast.activate(true, LayerWorkspaceMgr.noWorkspaces());
                    assertThat(fast.fastPathCached()).as(what).isTrue();
                    assertAllClose(y.castTo(DataType.DOUBLE), yGeneral.castTo(DataType.DOUBLE), 1e-6, 1e-6);
                    INDArray dx = fast.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces())
                            .getSecond();
                    assertThat(dx.dataType()).isEqualTo(DataType.FLOAT);
                    assertAllClose(dx.castTo(DataType.DOUBLE), dxGeneral.castTo(DataType.DOUBLE), 1e-5, 1e-6);
                    // inference gives the training forward's values exactly (the same arithmetic, no partials kept)
                    fast.setInput(x, LayerWorkspaceMgr.noWorkspaces());
                    assertBitIdentical(fast.activate(false, LayerWorkspaceMgr.noWorkspaces()), y);
                    // a backward pass with no forward on this input recomputes the partials: the same gradient
                    fast.setInput(x.dup(), LayerWorkspaceMgr.noWorkspaces());
                    assertBitIdentical(
                            fast.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces())
                                    .getSecond(),
                            dx);
                    compared++;
                }
            }
        }
        assertThat(compared).isEqualTo(CASES.size() * 3 * 2);
    }

    /**
     * The 2×2/stride-2 specialisation (four position arrays, float lanes with the Vector API, scalar per window
     * without it) against the fast kernel's general loop and the general double kernel, on random maps large enough
     * for whole vectors and a tail (28×30 and 13×17, odd: the last row and column unused), with planes that force the
     * per-vector fallback: all zeros, magnitudes 1e25 (p = 2, 3: the float squares and cubes would overflow), 1e-20
     * (they would underflow), and single huge or tiny values among ordinary ones. FLOAT; values within relative 1e-6
     * of the double kernel (p-pooling, no absolute slack; log-average 1e-6 absolute, its values cross 0), ∂L/∂x
     * within relative 2e-6 (absolute 1e-30; log-average 1e-6); a second run gives bit-identical results.
     */
    @Test
    void theTwoByTwoSpecialisationGivesTheGeneralPathsValues() {
        Nd4j.getRandom().setSeed(11);
        int compared = 0;
        for (int[] hw : new int[][] {{28, 30}, {13, 17}}) {
            INDArray x =
                    Nd4j.rand(DataType.FLOAT, 2, 6, hw[0], hw[1]).subi(0.4f).muli(3f);
            x.get(NDArrayIndex.point(0), NDArrayIndex.point(1)).assign(0f);
            x.get(NDArrayIndex.point(0), NDArrayIndex.point(2)).muli(1e25f);
            x.get(NDArrayIndex.point(0), NDArrayIndex.point(3)).muli(1e-20f);
            x.putScalar(new int[] {1, 4, 3, 5}, 4e30f);
            x.putScalar(new int[] {1, 4, 9, 2}, -2e-32f);
            x.putScalar(new int[] {1, 5, 0, 0}, 0f);
            x.putScalar(new int[] {1, 5, 0, 1}, 0f);
            x.putScalar(new int[] {1, 5, 1, 0}, 0f);
            x.putScalar(new int[] {1, 5, 1, 1}, 0f);
            var c = new Case("2x2/2", 2, 2, 2, 2, 0, 0, hw[0], hw[1]);
            for (var conf : functions(c)) {
                boolean logAverage = conf instanceof LogAveragePooling2D;
                double atolY = logAverage ? 1e-6 : 0;
                double atolDx = logAverage ? 1e-6 : 1e-30;
                WindowPoolingLayer general = floatLayer(conf);
                general.allowFastKernel(false);
                general.setInput(x, LayerWorkspaceMgr.noWorkspaces());
                INDArray yGeneral = general.activate(true, LayerWorkspaceMgr.noWorkspaces());
                INDArray eps = Nd4j.rand(DataType.FLOAT, yGeneral.shape()).subi(0.5f);
                INDArray dxGeneral = general.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces())
                        .getSecond();
                for (boolean vector : new boolean[] {true, false}) {
                    for (boolean special : new boolean[] {true, false}) {
                        String what = hw[0] + "x" + hw[1] + " "
                                + conf.getClass().getSimpleName()
                                + (conf instanceof PPooling2D pp ? " p=" + pp.getP() : "") + ", vector " + vector
                                + ", specialised " + special;
                        INDArray[] first = null;
                        for (int run = 0; run < 2; run++) {
                            WindowPoolingLayer fast = floatLayer(conf);
                            fast.useVectorApi(vector);
                            fast.useTwoByTwoSpecialisation(special);
                            fast.setInput(x, LayerWorkspaceMgr.noWorkspaces());
                            INDArray y = fast.activate(true, LayerWorkspaceMgr.noWorkspaces());
                            assertThat(fast.fastPathCached()).as(what).isTrue();
                            INDArray dx = fast.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces())
                                    .getSecond();
                            assertAllClose(y.castTo(DataType.DOUBLE), yGeneral.castTo(DataType.DOUBLE), 1e-6, atolY);
                            assertAllClose(dx.castTo(DataType.DOUBLE), dxGeneral.castTo(DataType.DOUBLE), 2e-6, atolDx);
                            if (first == null) {
                                first = new INDArray[] {y, dx};
                            } else {
                                assertBitIdentical(y, first[0]);
                                assertBitIdentical(dx, first[1]);
                            }
                        }
                        compared++;
                    }
                }
            }
        }
        assertThat(compared).isEqualTo(2 * 3 * 4);
    }

    /** Views (an offset into a larger buffer, f-order) as input and δ: the same values as contiguous copies. */
    @Test
    void viewsAndFOrderArraysGiveTheSameValuesAsContiguousCopies() {
        INDArray big = Nd4j.rand(DataType.FLOAT, 4, 3, 6, 8);
        INDArray x = big.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        for (var conf : functions(CASES.get(0))) {
            WindowPoolingLayer a = floatLayer(conf);
            a.setInput(x, LayerWorkspaceMgr.noWorkspaces());
            INDArray ya = a.activate(true, LayerWorkspaceMgr.noWorkspaces());
            INDArray eps = Nd4j.rand(DataType.FLOAT, ya.shape()).dup('f');
            INDArray dxa =
                    a.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces()).getSecond();
            WindowPoolingLayer b = floatLayer(conf);
            b.setInput(x.dup('c'), LayerWorkspaceMgr.noWorkspaces());
            assertBitIdentical(b.activate(true, LayerWorkspaceMgr.noWorkspaces()), ya);
            assertBitIdentical(
                    b.backpropGradient(eps.dup('c'), LayerWorkspaceMgr.noWorkspaces())
                            .getSecond(),
                    dxa);
        }
    }

    /** Extreme magnitudes: the double sums of p-pooling neither overflow nor underflow; log-average stays finite. */
    @Test
    void extremeFloatInputsStayExact() {
        INDArray x = Nd4j.createFromArray(new float[] {3e30f, 4e30f, 0f, 0f, 3e-30f, 4e-30f, 0f, 0f})
                .reshape(1, 2, 2, 2);
        WindowPoolingLayer p2 = floatLayer(new PPooling2D.Builder().p(2).build());
        p2.setInput(x, LayerWorkspaceMgr.noWorkspaces());
        INDArray y = p2.activate(true, LayerWorkspaceMgr.noWorkspaces());
        assertThat(y.getFloat(0)).isEqualTo(5e30f);
        assertThat(y.getFloat(1)).isEqualTo(5e-30f);
        INDArray dx = p2.backpropGradient(Nd4j.ones(DataType.FLOAT, 1, 2, 1, 1), LayerWorkspaceMgr.noWorkspaces())
                .getSecond();
        assertAllClose(
                dx.castTo(DataType.DOUBLE),
                Nd4j.createFromArray(0.6, 0.8, 0, 0, 0.6, 0.8, 0, 0).reshape(1, 2, 2, 2),
                1e-6,
                0);
        WindowPoolingLayer p3 = floatLayer(new PPooling2D.Builder().p(3).build());
        p3.setInput(x, LayerWorkspaceMgr.noWorkspaces());
        INDArray y3 = p3.activate(false, LayerWorkspaceMgr.noWorkspaces());
        double expected = Math.cbrt(27 + 64);
        assertThat((double) y3.getFloat(0) / 1e30).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
        assertThat((double) y3.getFloat(1) / 1e-30).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));

        INDArray big =
                Nd4j.createFromArray(new float[] {1000, -1000, 1000, 999}).reshape(1, 1, 2, 2);
        WindowPoolingLayer la = floatLayer(new LogAveragePooling2D.Builder().build());
        la.setInput(big, LayerWorkspaceMgr.noWorkspaces());
        double z = 2 + Math.exp(-1);
        assertThat((double) la.activate(true, LayerWorkspaceMgr.noWorkspaces()).getFloat(0))
                .isCloseTo(1000 + Math.log(z / 4), org.assertj.core.data.Offset.offset(1e-4));
        INDArray g = la.backpropGradient(Nd4j.ones(DataType.FLOAT, 1, 1, 1, 1), LayerWorkspaceMgr.noWorkspaces())
                .getSecond();
        assertAllClose(
                g.castTo(DataType.DOUBLE),
                Nd4j.createFromArray(1 / z, 0.0, 1 / z, Math.exp(-1) / z).reshape(1, 1, 2, 2),
                1e-6,
                1e-7);
    }

    @Test
    void cubeRootIsWithinFloatRoundingOverTheRangeOfSumsOfCubes() {
        assertThat(FloatWindowKernel.cbrt(0)).isZero();
        assertThat(FloatWindowKernel.cbrt(27)).isCloseTo(3, org.assertj.core.data.Offset.offset(1e-14));
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 100_000; i++) {
            double s = Math.pow(10, -135 + 252 * r.nextDouble());
            double exact = Math.cbrt(s);
            assertThat(Math.abs(FloatWindowKernel.cbrt(s) - exact) / exact)
                    .as("cbrt(%s)", s)
                    .isLessThan(1e-13);
        }
    }

    /** The Vector API exp (a polynomial, not the lanewise EXP) against Math.exp over x ≤ 0, tails included. */
    @Test
    void vectorExpIsWithinFloatRoundingOfMathExp() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                FloatWindowKernel.VECTOR_API, "the JVM runs without the Vector API");
        int n = 200_003; // not a multiple of the lane count: the scalar tail runs too
        float[] a = new float[n];
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < n; i++) {
            a[i] = i < 100 ? -i * 0.001f : (float) (-95 * r.nextDouble());
        }
        a[100] = -87.2f;
        a[101] = -87.4f;
        a[102] = -1000f;
        a[103] = Float.NEGATIVE_INFINITY;
        float[] e = a.clone();
        WindowVectorOps.exp(e, 0, n);
        assertThat(e[0]).isEqualTo(1f); // exp(0) exactly: the window maximum's weight
        for (int i = 0; i < n; i++) {
            double exact = Math.exp(a[i]);
            if (exact >= Float.MIN_NORMAL) {
                assertThat(Math.abs(e[i] - exact) / exact).as("exp(%s)", a[i]).isLessThan(3e-7);
            } else {
                assertThat((double) e[i]).as("exp(%s)", a[i]).isBetween(0.0, (double) Float.MIN_NORMAL);
            }
        }
    }

    /** The Vector API log against Math.log over positive floats of every magnitude, special values included. */
    @Test
    void vectorLogIsWithinFloatRoundingOfMathLog() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                FloatWindowKernel.VECTOR_API, "the JVM runs without the Vector API");
        int n = 200_003;
        float[] a = new float[n];
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < n; i++) {
            a[i] = i < 2_000 ? 1f + (i - 1_000) * 1e-5f : (float) Math.exp(-87 + 175 * r.nextDouble());
        }
        float[] special = {
            1f,
            0.5f,
            0.25f,
            2f,
            Float.MIN_NORMAL,
            Float.MAX_VALUE,
            0f,
            Float.MIN_VALUE,
            Float.POSITIVE_INFINITY,
            Float.NaN,
            -1f
        };
        System.arraycopy(special, 0, a, 3_000, special.length);
        float[] l = a.clone();
        WindowVectorOps.log(l, 0, n);
        assertThat(l[3_000]).isEqualTo(0f); // log 1 exactly
        for (int i = 0; i < n; i++) {
            double exact = Math.log(a[i]);
            if (Double.isNaN(exact)) {
                assertThat(l[i]).as("log(%s)", a[i]).isNaN();
            } else if (Double.isInfinite(exact)) {
                assertThat((double) l[i]).as("log(%s)", a[i]).isEqualTo(exact);
            } else {
                assertThat(Math.abs(l[i] - exact))
                        .as("log(%s)", a[i])
                        .isLessThanOrEqualTo(3e-7 * Math.abs(exact) + 1e-12);
            }
        }
    }

    @Test
    void theKernelCoversExactlyPTwoPThreeAndLogAverage() {
        assertThat(FloatWindowKernel.kindOf(new PPool(2))).isEqualTo(FloatWindowKernel.Kind.P2);
        assertThat(FloatWindowKernel.kindOf(new PPool(3))).isEqualTo(FloatWindowKernel.Kind.P3);
        assertThat(FloatWindowKernel.kindOf(new LogAveragePool())).isEqualTo(FloatWindowKernel.Kind.LOG_AVERAGE);
        assertThat(FloatWindowKernel.kindOf(new PPool(2.5))).isNull();
        assertThat(FloatWindowKernel.kindOf(new PPool(1))).isNull();
    }
}
