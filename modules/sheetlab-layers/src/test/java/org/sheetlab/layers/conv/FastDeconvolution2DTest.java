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
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DeconvolutionParamInitializer;
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
 * FastDeconvolution2D against PyTorch autograd (deconv2d.py → deconv2d.json), against DL4J's Deconvolution2D with the
 * same parameters (outputs, gradients and training steps), gradient checks in DOUBLE, round trips and bad input.
 */
@ExtendWith(DoublePrecision.class)
class FastDeconvolution2DTest {

    /** Deconv (stride 2, Same) → deconv (stride 1, padding 1) → dense softmax output, both from {@code deconv}. */
    private static MultiLayerNetwork network(
            Function<int[], Deconvolution2D.Builder> deconv,
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
                .layer(deconv.apply(new int[] {4, 4})
                        .nOut(4)
                        .stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH)
                        .build())
                .layer(deconv.apply(new int[] {3, 3})
                        .nOut(2)
                        .stride(1, 1)
                        .padding(1, 1)
                        .activation(Activation.SIGMOID)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(h, w, c))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray[] batch(DataType type, int b, int c, int h, int w, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(type, b, c, h, w);
        INDArray y = Nd4j.zeros(type, b, 3);
        for (int i = 0; i < b; i++) {
            y.putScalar(i, (i * 2) % 3, 1.0);
        }
        return new INDArray[] {x, y};
    }

    private static int[] ints(JsonNode n) {
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asInt();
        }
        return out;
    }

    @Test
    void matchesPyTorchAutogradForwardAndBackward() {
        List<JsonNode> cases = ReferenceValues.load("/reference/deconv2d.json").cases();
        assertThat(cases).hasSize(7);
        for (JsonNode c : cases) {
            INDArray x = ReferenceValues.array(c.get("x"));
            int[] k = ints(c.get("kernel"));
            int[] s = ints(c.get("stride"));
            int[] p = ints(c.get("padding"));
            boolean same = c.get("mode").asText().equals("same");
            Deconvolution2D.Builder b = new FastDeconvolution2D.Builder(k)
                    .nIn(x.size(1))
                    .nOut(c.get("nOut").asInt())
                    .stride(s)
                    .activation(Activation.valueOf(c.get("activation").asText().toUpperCase()))
                    .convolutionMode(same ? ConvolutionMode.Same : ConvolutionMode.Truncate);
            if (!same) {
                b.padding(p);
            }
            Deconvolution2D conf = b.build();
            NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                    .dataType(DataType.DOUBLE)
                    .layer(conf)
                    .build();
            INDArray params = Nd4j.create(DataType.DOUBLE, 1, conf.initializer().numParams(nnc));
            Layer layer = conf.instantiate(nnc, List.of(), 0, params, true, DataType.DOUBLE);
            layer.setBackpropGradientsViewArray(Nd4j.create(DataType.DOUBLE, 1, params.length()));
            assertThat(layer).isInstanceOf(FastDeconvolutionLayer.class);
            layer.setParam(DeconvolutionParamInitializer.WEIGHT_KEY, ReferenceValues.array(c.get("w")));
            layer.setParam(
                    DeconvolutionParamInitializer.BIAS_KEY,
                    ReferenceValues.array(c.get("b")).reshape(1, -1));
            LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
            layer.setInput(x, none);
            String what = c.get("mode").asText() + " k" + k[0] + "x" + k[1] + " s" + s[0] + "x" + s[1];
            INDArray y = ReferenceValues.array(c.get("y"));
            INDArray out = layer.activate(true, none);
            assertThat(out.shape()).as(what).containsExactly(y.shape());
            assertAllClose(out, y, 1e-10, 1e-12);
            Pair<Gradient, INDArray> g = layer.backpropGradient(ReferenceValues.array(c.get("dy")), none);
            assertAllClose(g.getSecond(), ReferenceValues.array(c.get("dx")), 1e-10, 1e-12);
            assertAllClose(
                    g.getFirst().getGradientFor(DeconvolutionParamInitializer.WEIGHT_KEY),
                    ReferenceValues.array(c.get("dw")),
                    1e-10,
                    1e-12);
            assertAllClose(
                    g.getFirst()
                            .getGradientFor(DeconvolutionParamInitializer.BIAS_KEY)
                            .reshape(-1),
                    ReferenceValues.array(c.get("db")),
                    1e-10,
                    1e-12);
        }
    }

    @Test
    void gradientCheckPassesInDouble() {
        for (int mb : new int[] {1, 3}) {
            MultiLayerNetwork net = network(FastDeconvolution2D.Builder::new, DataType.DOUBLE, 3, 4, 2, 3, new NoOp());
            INDArray[] d = batch(DataType.DOUBLE, mb, 2, 3, 4, 11);
            assertGradientsOk(
                    "fast deconv, minibatch " + mb, org.sheetlab.testing.GradientChecks.config(net, d[0], d[1]));
        }
    }

    @Test
    void sameOutputsGradientsAndTrainingAsDl4jDeconvolution() {
        // {batch, h, w}: small enough for one thread, and (odd batch) large enough to be split over two
        int[][] sizes = {{4, 3, 5}, {9, 12, 12}};
        for (int[] size : sizes) {
            for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
                assertAgreesWithDl4j(type, size[0], size[1], size[2]);
            }
        }
        // the first layer's multiply-adds B·P·K·F (-Dsheetlab.fast.convSplitMinMacs=100000 in the surefire
        // configuration)
        assertThat(4L * 3 * 5 * 4 * 16 * 3).isLessThan(LayerSplitRules.CONV_MIN_MACS);
        assertThat(9L * 12 * 12 * 4 * 16 * 3).isGreaterThanOrEqualTo(LayerSplitRules.CONV_MIN_MACS);
    }

    private static void assertAgreesWithDl4j(DataType type, int mb, int h, int w) {
        MultiLayerNetwork a = network(FastDeconvolution2D.Builder::new, type, h, w, 3, 7, new Adam(1e-2));
        MultiLayerNetwork b = network(Deconvolution2D.Builder::new, type, h, w, 3, 7, new Adam(1e-2));
        assertBitIdentical(a.params(), b.params());
        assertThat(a.getLayer(0)).isInstanceOf(FastDeconvolutionLayer.class);
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

    /**
     * Input dropout on the first layer and no bias, as in DL4J. (Only the first: DL4J's Deconvolution2DLayer returns
     * its input gradient without the dropout mask, unlike its ConvolutionLayer; this layer applies the mask, so with
     * dropout on a deeper deconvolution the layers below would see different gradients.)
     */
    @Test
    void inputDropoutAndNoBiasBehaveAsInDl4j() {
        Function<int[], Deconvolution2D.Builder> fastNoBias = k -> (Deconvolution2D.Builder)
                new FastDeconvolution2D.Builder(k).hasBias(false).dropOut(new Dropout(k[0] == 4 ? 0.7 : 1.0));
        Function<int[], Deconvolution2D.Builder> dl4jNoBias = k -> (Deconvolution2D.Builder)
                new Deconvolution2D.Builder(k).hasBias(false).dropOut(new Dropout(k[0] == 4 ? 0.7 : 1.0));
        MultiLayerNetwork a = network(fastNoBias, DataType.DOUBLE, 4, 4, 2, 5, new NoOp());
        MultiLayerNetwork b = network(dl4jNoBias, DataType.DOUBLE, 4, 4, 2, 5, new NoOp());
        INDArray[] d = batch(DataType.DOUBLE, 4, 2, 4, 4, 9);
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
    void jsonAndModelSerializerRoundTrips() {
        MultiLayerNetwork net = network(FastDeconvolution2D.Builder::new, DataType.DOUBLE, 3, 3, 2, 5, new Adam(1e-2));
        INDArray[] d = batch(DataType.DOUBLE, 3, 2, 3, 3, 5);
        net.fit(d[0], d[1]);
        MultiLayerNetwork restored = assertRoundTrips(net, d[0]);
        assertThat(restored.getLayerWiseConfigurations().getConf(0).getLayer()).isInstanceOf(FastDeconvolution2D.class);
        assertThat(restored.getLayer(0)).isInstanceOf(FastDeconvolutionLayer.class);
    }

    @Test
    void wrongInputIsNamed() {
        MultiLayerNetwork net = network(FastDeconvolution2D.Builder::new, DataType.FLOAT, 3, 3, 2, 5, new Adam(1e-2));
        assertThatThrownBy(() -> net.output(Nd4j.rand(DataType.FLOAT, 2, 3, 3, 3)))
                .isInstanceOf(DL4JInvalidInputException.class)
                .hasMessageContaining("3 channels")
                .hasMessageContaining("nIn = 2");
    }

    /** Same mode with an odd total padding (3×3, stride 2): the extra row and column are cropped at the end, as DL4J. */
    @Test
    void oddSamePaddingAgreesWithDl4j() {
        MultiLayerNetwork[] nets = new MultiLayerNetwork[2];
        for (int i = 0; i < 2; i++) {
            Deconvolution2D.Builder b =
                    i == 0 ? new FastDeconvolution2D.Builder(3, 3) : new Deconvolution2D.Builder(3, 3);
            nets[i] = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                    .seed(3)
                    .dataType(DataType.DOUBLE)
                    .list()
                    .layer(b.nOut(2)
                            .stride(2, 2)
                            .convolutionMode(ConvolutionMode.Same)
                            .activation(Activation.IDENTITY)
                            .build())
                    .layer(new org.deeplearning4j.nn.conf.layers.CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                            .activation(Activation.IDENTITY)
                            .build())
                    .setInputType(InputType.convolutional(4, 5, 3))
                    .build());
            nets[i].init();
        }
        INDArray x = batch(DataType.DOUBLE, 2, 3, 4, 5, 1)[0];
        INDArray fast = nets[0].output(x);
        assertThat(fast.shape()).containsExactly(2, 2, 8, 10);
        assertAllClose(fast, nets[1].output(x), 1e-12, 1e-12);
    }
}
