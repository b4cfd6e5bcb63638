package org.sheetlab.layers.conv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.GradientChecks.assertGradientsOk;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;
import static org.sheetlab.testing.RoundTrips.assertRoundTrips;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Function;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.layers.LayerSplitRules;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.ReferenceValues;

/**
 * FastConvolution2D against PyTorch autograd (conv2d.py → conv2d.json), against DL4J's ConvolutionLayer with the same
 * parameters (outputs, gradients and training steps), gradient checks in DOUBLE, round trips and bad input.
 */
@ExtendWith(DoublePrecision.class)
class FastConvolution2DTest {

    /** A conv layer (fast or DL4J's) → max pool → conv → dense softmax output, all options from {@code conv}. */
    private static MultiLayerNetwork network(
            Function<int[], ConvolutionLayer.Builder> conv, DataType type, int h, int w, int c, long seed) {
        return network(conv, type, h, w, c, seed, new Adam(1e-2));
    }

    private static MultiLayerNetwork network(
            Function<int[], ConvolutionLayer.Builder> conv,
            DataType type,
            int h,
            int w,
            int c,
            long seed,
            org.nd4j.linalg.learning.config.IUpdater updater) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(type)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(conv.apply(new int[] {3, 3})
                        .nOut(4)
                        .stride(1, 1)
                        .padding(1, 1)
                        .activation(Activation.TANH)
                        .build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build())
                .layer(conv.apply(new int[] {2, 2})
                        .nOut(3)
                        .stride(2, 1)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(4)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(h, w, c))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static MultiLayerNetwork fast(DataType type, int h, int w, int c) {
        return network(FastConvolution2D.Builder::new, type, h, w, c, 7);
    }

    private static MultiLayerNetwork dl4j(DataType type, int h, int w, int c) {
        return network(ConvolutionLayer.Builder::new, type, h, w, c, 7);
    }

    private static INDArray[] batch(DataType type, int b, int c, int h, int w, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(type, b, c, h, w);
        INDArray y = Nd4j.zeros(type, b, 4);
        for (int i = 0; i < b; i++) {
            y.putScalar(i, (i * 3) % 4, 1.0);
        }
        return new INDArray[] {x, y};
    }

    @Test
    void matchesPyTorchAutogradForwardAndBackward() {
        matchesPyTorch(false);
    }

    /**
     * Every forward setting (transposed im2col + product, and libnd4j's conv2d) and every weights-only backward pass
     * (the host δ pass + product, and relu_bp + im2col) against PyTorch's autograd in DOUBLE: stride, padding, Same
     * mode, 1×1 and non-square kernels; weights-only passes give PyTorch's ∂W and ∂b and a zero ε.
     */
    @Test
    void everyGemmSettingMatchesPyTorchAutograd() {
        try {
            for (String forward : new String[] {"true", "false", "auto"}) {
                for (boolean backward : new boolean[] {true, false}) {
                    FastConvolutionLayer.useGemmForward(forward);
                    FastConvolutionLayer.useGemmBackward(backward);
                    matchesPyTorch(false);
                    matchesPyTorch(true);
                }
            }
        } finally {
            FastConvolutionLayer.useGemmForward("auto");
            FastConvolutionLayer.useGemmBackward(true);
        }
    }

    private void matchesPyTorch(boolean weightsOnly) {
        List<JsonNode> cases = ReferenceValues.load("/reference/conv2d.json").cases();
        assertThat(cases).hasSize(8);
        for (JsonNode c : cases) {
            INDArray x = ReferenceValues.array(c.get("x"));
            INDArray wt = ReferenceValues.array(c.get("w"));
            int[] k = ints(c.get("kernel"));
            int[] s = ints(c.get("stride"));
            int[] p = ints(c.get("padding"));
            boolean same = c.get("mode").asText().equals("same");
            ConvolutionLayer.Builder b = new FastConvolution2D.Builder(k)
                    .nIn(x.size(1))
                    .nOut(c.get("nOut").asInt())
                    .stride(s)
                    .activation(Activation.valueOf(c.get("activation").asText().toUpperCase()))
                    .convolutionMode(same ? ConvolutionMode.Same : ConvolutionMode.Truncate);
            if (!same) {
                b.padding(p[0], p[2]);
            }
            ConvolutionLayer conf = b.build();
            NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                    .dataType(DataType.DOUBLE)
                    .layer(conf)
                    .build();
            INDArray params = Nd4j.create(DataType.DOUBLE, 1, conf.initializer().numParams(nnc));
            Layer layer = conf.instantiate(nnc, List.of(), 0, params, true, DataType.DOUBLE);
            layer.setBackpropGradientsViewArray(Nd4j.create(DataType.DOUBLE, 1, params.length()));
            assertThat(layer).isInstanceOf(FastConvolutionLayer.class);
            layer.setParam(ConvolutionParamInitializer.WEIGHT_KEY, wt);
            layer.setParam(
                    ConvolutionParamInitializer.BIAS_KEY,
                    ReferenceValues.array(c.get("b")).reshape(1, -1));
            LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
            ((FastConvolutionLayer) layer).skipInputGradient(weightsOnly);
            layer.setInput(x, none);
            assertAllClose(layer.activate(true, none), ReferenceValues.array(c.get("y")), 1e-10, 1e-12);
            Pair<Gradient, INDArray> g = layer.backpropGradient(ReferenceValues.array(c.get("dy")), none);
            if (weightsOnly) {
                assertThat(g.getSecond().shape()).isEqualTo(x.shape());
                assertThat(g.getSecond().amaxNumber().doubleValue()).isZero();
            } else {
                assertAllClose(g.getSecond(), ReferenceValues.array(c.get("dx")), 1e-10, 1e-12);
            }
            assertAllClose(
                    g.getFirst().getGradientFor(ConvolutionParamInitializer.WEIGHT_KEY),
                    ReferenceValues.array(c.get("dw")),
                    1e-10,
                    1e-12);
            assertAllClose(
                    g.getFirst()
                            .getGradientFor(ConvolutionParamInitializer.BIAS_KEY)
                            .reshape(-1),
                    ReferenceValues.array(c.get("db")),
                    1e-10,
                    1e-12);
        }
    }

    private static int[] ints(JsonNode n) {
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asInt();
        }
        return out;
    }

    @Test
    void hostPathMatchesPyTorchAndPassesGradientChecksToo() {
        FastConvolutionLayer.useOneDnn(false);
        try {
            matchesPyTorchAutogradForwardAndBackward();
            gradientCheckPassesInDouble();
        } finally {
            FastConvolutionLayer.useOneDnn(true);
        }
    }

    @Test
    void gradientCheckPassesInDouble() {
        for (int mb : new int[] {1, 3}) {
            MultiLayerNetwork net = network(FastConvolution2D.Builder::new, DataType.DOUBLE, 6, 5, 2, 3, new NoOp());
            INDArray[] d = batch(DataType.DOUBLE, mb, 2, 6, 5, 11);
            assertGradientsOk(
                    "fast conv, minibatch " + mb, org.sheetlab.testing.GradientChecks.config(net, d[0], d[1]));
        }
    }

    /**
     * The transposed-im2col forward pass and the host weights-only backward pass against libnd4j's conv2d and the
     * relu_bp + im2col path, in FLOAT (relative 1e-5) and DOUBLE (1e-12), on an odd batch split over the threads and
     * a single-thread one, with ReLU (fused mask) and tanh (DL4J's backward) layers, padding and stride 2.
     */
    @Test
    void gemmPassesAgreeWithTheLibnd4jOps() {
        try {
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                double tol = type == DataType.DOUBLE ? 1e-12 : 1e-5;
                for (int[] size : new int[][] {{6, 9, 8}, {9, 22, 19}, {64, 28, 28}}) {
                    INDArray[] d = batch(type, size[0], 3, size[1], size[2], 41);
                    // weights only in layer 0 (tanh: DL4J's backward pass), then in layer 2 (ReLU: the fused mask)
                    for (int skipped : new int[] {0, 2}) {
                        INDArray[] out = new INDArray[2];
                        INDArray[] grad = new INDArray[2];
                        double[] score = new double[2];
                        for (int i = 0; i < 2; i++) {
                            boolean gemm = i == 0;
                            FastConvolutionLayer.useGemmForward(gemm ? "true" : "false");
                            FastConvolutionLayer.useGemmBackward(gemm);
                            MultiLayerNetwork n = fast(type, size[1], size[2], 3);
                            ((FastConvolutionLayer) n.getLayer(skipped)).skipInputGradient(true);
                            out[i] = n.output(d[0]);
                            n.setInput(d[0]);
                            n.setLabels(d[1]);
                            n.computeGradientAndScore();
                            score[i] = n.score();
                            grad[i] = n.gradient().gradient().dup();
                        }
                        assertAllClose(out[0], out[1], tol, tol * 1e-3);
                        assertThat(score[0])
                                .isCloseTo(score[1], org.assertj.core.api.Assertions.within(tol * Math.abs(score[1])));
                        // the gradient as a whole to tol; elementwise as the tests above (sums over the batch cancel)
                        double norm = grad[1].norm2Number().doubleValue();
                        assertThat(grad[0].sub(grad[1]).norm2Number().doubleValue())
                                .isLessThanOrEqualTo(tol * norm);
                        assertAllClose(grad[0], grad[1], tol * 20, tol);
                        assertThat(norm).isPositive();
                    }
                }
            }
        } finally {
            FastConvolutionLayer.useGemmForward("auto");
            FastConvolutionLayer.useGemmBackward(true);
        }
    }

    @Test
    void sameOutputsGradientsAndTrainingAsDl4jConvolution() {
        // {batch, h, w}: small enough for one thread, and (odd batch) large enough to be split over two
        int[][] sizes = {{6, 9, 8}, {9, 22, 19}};
        // both paths where the natives have oneDNN: libnd4j's conv2d ops (oneDNN) and the host im2col + GEMM
        boolean[] paths = FastConvolutionLayer.ONEDNN_BUILD ? new boolean[] {true, false} : new boolean[] {false};
        try {
            for (boolean oneDnn : paths) {
                FastConvolutionLayer.useOneDnn(oneDnn);
                assertThat(FastConvolutionLayer.usesOneDnn()).isEqualTo(oneDnn);
                for (int[] size : sizes) {
                    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
                        assertAgreesWithDl4j(type, size[0], size[1], size[2]);
                    }
                }
            }
        } finally {
            FastConvolutionLayer.useOneDnn(true);
        }
        // the first layer's multiply-adds B·P·K·F: the small batch on one thread, the large one split (the surefire
        // configuration lowers -Dsheetlab.fast.convSplitMinMacs to 100,000 for this)
        assertThat(6L * 9 * 8 * 27 * 4).isLessThan(LayerSplitRules.CONV_MIN_MACS);
        assertThat(9L * 22 * 19 * 27 * 4).isGreaterThanOrEqualTo(LayerSplitRules.CONV_MIN_MACS);
    }

    private static void assertAgreesWithDl4j(DataType type, int mb, int h, int w) {
        MultiLayerNetwork a = fast(type, h, w, 3);
        MultiLayerNetwork b = dl4j(type, h, w, 3);
        assertBitIdentical(a.params(), b.params());
        assertThat(a.getLayer(0)).isInstanceOf(FastConvolutionLayer.class);
        double tol = type == DataType.DOUBLE ? 1e-12 : 2e-5;
        for (int step = 0; step < 5; step++) {
            INDArray[] d = batch(type, mb, 3, h, w, 100 + step);
            assertAllClose(a.output(d[0]), b.output(d[0]), tol, tol);
            a.setInput(d[0]);
            a.setLabels(d[1]);
            b.setInput(d[0]);
            b.setLabels(d[1]);
            a.computeGradientAndScore();
            b.computeGradientAndScore();
            assertThat(a.score()).isCloseTo(b.score(), org.assertj.core.api.Assertions.within(tol));
            assertAllClose(a.gradient().gradient(), b.gradient().gradient(), tol * 10, tol);
            a.fit(d[0], d[1]);
            b.fit(d[0], d[1]);
        }
        assertAllClose(a.params(), b.params(), type == DataType.DOUBLE ? 1e-10 : 1e-4, 1e-6);
    }

    @Test
    void skippingTheInputGradientKeepsTheParameterGradientsAndPassesZeros() {
        boolean[] paths = FastConvolutionLayer.ONEDNN_BUILD ? new boolean[] {true, false} : new boolean[] {false};
        try {
            for (boolean oneDnn : paths) {
                FastConvolutionLayer.useOneDnn(oneDnn);
                for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
                    for (int[] size : new int[][] {{6, 9, 8}, {9, 22, 19}}) {
                        MultiLayerNetwork a = fast(type, size[1], size[2], 3);
                        MultiLayerNetwork b = fast(type, size[1], size[2], 3);
                        INDArray[] d = batch(type, size[0], 3, size[1], size[2], 31);
                        FastConvolutionLayer first = (FastConvolutionLayer) b.getLayer(0);
                        first.skipInputGradient(true);
                        for (MultiLayerNetwork n : new MultiLayerNetwork[] {a, b}) {
                            n.setInput(d[0]);
                            n.setLabels(d[1]);
                            n.computeGradientAndScore();
                        }
                        double tol = type == DataType.DOUBLE ? 1e-12 : 2e-5;
                        assertThat(b.score()).isCloseTo(a.score(), org.assertj.core.api.Assertions.within(tol));
                        assertAllClose(b.gradient().gradient(), a.gradient().gradient(), tol * 10, tol);
                        // the layer's own ε: zeros while skipped, the full input gradient again once switched back
                        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
                        Layer l = b.getLayer(0);
                        l.setInput(d[0], ws);
                        INDArray out = l.activate(true, ws);
                        INDArray eps = Nd4j.rand(type, out.shape()).subi(0.5);
                        INDArray skipped = l.backpropGradient(eps, ws).getSecond();
                        assertThat(skipped.shape()).isEqualTo(d[0].shape());
                        assertThat(skipped.amaxNumber().doubleValue()).isZero();
                        first.skipInputGradient(false);
                        l.setInput(d[0], ws);
                        l.activate(true, ws);
                        INDArray full = l.backpropGradient(eps, ws).getSecond();
                        assertThat(full.amaxNumber().doubleValue()).isPositive();
                        Layer ref = a.getLayer(0);
                        ref.setInput(d[0], ws);
                        ref.activate(true, ws);
                        assertAllClose(full, ref.backpropGradient(eps, ws).getSecond(), tol * 10, tol);
                    }
                }
            }
        } finally {
            FastConvolutionLayer.useOneDnn(true);
        }
    }

    @Test
    void reluBackwardMasksExactlyWhereDl4jDoes() {
        float[] zs = {
            0f,
            -0f,
            1f,
            -1f,
            Float.MIN_VALUE,
            -Float.MIN_VALUE,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.NaN,
            Float.intBitsToFloat(0xFFC00000),
            Float.MAX_VALUE,
            -Float.MAX_VALUE,
            3e-39f,
            -3e-39f
        };
        for (float z : zs) {
            assertThat(HostKernels.notPositive(z)).as("float " + z).isEqualTo(z > 0 ? 0 : -1);
            double dz = z;
            assertThat(HostKernels.notPositive(dz)).as("double " + z).isEqualTo(dz > 0 ? 0L : -1L);
        }
        assertThat(HostKernels.notPositive(Double.MIN_VALUE)).isZero();
        assertThat(HostKernels.notPositive(-Double.MIN_VALUE)).isEqualTo(-1L);
        // the kernels against DL4J's ReLU backward (relu_bp), with zeros, NaN and an odd length (the vector tail)
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            Nd4j.getRandom().setSeed(5);
            INDArray z = Nd4j.randn(type, 1, 1037);
            z.putScalar(0, 0.0);
            z.putScalar(1, -0.0);
            z.putScalar(2, Double.NaN);
            INDArray eps = Nd4j.randn(type, 1, 1037);
            INDArray expected = new org.nd4j.linalg.activations.impl.ActivationReLU()
                    .backprop(z.dup(), eps.dup())
                    .getFirst();
            INDArray out = Nd4j.create(type, 1, 1037);
            HostKernels k = HostKernels.of(type);
            k.reluBackward(z, eps, 0, 500, out);
            k.reluBackward(z, eps, 500, 537, out);
            assertBitIdentical(out, expected);
        }
    }

    @Test
    void inputDropoutAndNoBiasBehaveAsInDl4j() {
        Function<int[], ConvolutionLayer.Builder> fastNoBias =
                k -> new FastConvolution2D.Builder(k).hasBias(false).dropOut(new Dropout(0.7));
        Function<int[], ConvolutionLayer.Builder> dl4jNoBias =
                k -> new ConvolutionLayer.Builder(k).hasBias(false).dropOut(new Dropout(0.7));
        MultiLayerNetwork a = network(fastNoBias, DataType.DOUBLE, 8, 8, 2, 5);
        MultiLayerNetwork b = network(dl4jNoBias, DataType.DOUBLE, 8, 8, 2, 5);
        INDArray[] d = batch(DataType.DOUBLE, 4, 2, 8, 8, 9);
        for (MultiLayerNetwork n : new MultiLayerNetwork[] {a, b}) {
            n.setInput(d[0]);
            n.setLabels(d[1]);
        }
        Nd4j.getRandom().setSeed(42);
        a.computeGradientAndScore();
        Nd4j.getRandom().setSeed(42);
        b.computeGradientAndScore();
        assertThat(a.score()).isCloseTo(b.score(), org.assertj.core.api.Assertions.within(1e-12));
        assertAllClose(a.gradient().gradient(), b.gradient().gradient(), 1e-10, 1e-12);
    }

    @Test
    void dilationFallsBackToDl4jAndStillAgrees() {
        Function<int[], ConvolutionLayer.Builder> fastDilated = k -> new FastConvolution2D.Builder(k).dilation(2, 2);
        Function<int[], ConvolutionLayer.Builder> dl4jDilated = k -> new ConvolutionLayer.Builder(k).dilation(2, 2);
        MultiLayerNetwork a = network(fastDilated, DataType.DOUBLE, 14, 14, 1, 5);
        MultiLayerNetwork b = network(dl4jDilated, DataType.DOUBLE, 14, 14, 1, 5);
        INDArray[] d = batch(DataType.DOUBLE, 2, 1, 14, 14, 4);
        assertAllClose(a.output(d[0]), b.output(d[0]), 1e-12, 1e-12);
    }

    @Test
    void jsonAndModelSerializerRoundTrips() {
        MultiLayerNetwork net = fast(DataType.DOUBLE, 7, 7, 2);
        INDArray[] d = batch(DataType.DOUBLE, 3, 2, 7, 7, 5);
        net.fit(d[0], d[1]);
        MultiLayerNetwork restored = assertRoundTrips(net, d[0]);
        assertThat(restored.getLayerWiseConfigurations().getConf(0).getLayer()).isInstanceOf(FastConvolution2D.class);
        assertThat(restored.getLayer(0)).isInstanceOf(FastConvolutionLayer.class);
    }

    @Test
    void wrongInputIsNamed() {
        MultiLayerNetwork net = fast(DataType.FLOAT, 6, 6, 2);
        assertThatThrownBy(() -> net.output(Nd4j.rand(DataType.FLOAT, 2, 3, 6, 6)))
                .isInstanceOf(DL4JInvalidInputException.class)
                .hasMessageContaining("3 channels")
                .hasMessageContaining("nIn = 2");
    }
}
