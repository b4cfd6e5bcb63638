package org.sheetlab.layers.pooling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.GradientChecks.assertGradientsOk;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;
import static org.sheetlab.testing.RoundTrips.assertRoundTrips;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.GradientChecks;

/** Gradient checks, round trips, the sheet's limits, agreement with DL4J's PNORM, numerics, and bad configurations. */
@ExtendWith(DoublePrecision.class)
class PoolingLayerTest {
    /** conv (gives the check parameters upstream of the pooling) → pooling → dense softmax output. */
    private static MultiLayerNetwork network(org.deeplearning4j.nn.conf.layers.Layer pooling, int h, int w) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new ConvolutionLayer.Builder(2, 2)
                        .nOut(3)
                        .stride(1, 1)
                        .activation(Activation.TANH)
                        .build())
                .layer(pooling)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(4)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(h, w, 2))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static void assertGradientsOkFor(String what, MultiLayerNetwork net, int minibatch, int h, int w) {
        INDArray x = Nd4j.rand(DataType.DOUBLE, minibatch, 2, h, w).subi(0.5).muli(2);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, minibatch, 4);
        for (int i = 0; i < minibatch; i++) {
            y.putScalar(i, i % 4, 1.0);
        }
        assertGradientsOk(what, GradientChecks.config(net, x, y));
    }

    @Test
    void gradientChecksPass() {
        for (int mb : new int[] {1, 3}) {
            assertGradientsOkFor(
                    "p=2, 2x2/2, mb " + mb,
                    network(
                            new PPooling2D.Builder()
                                    .p(2)
                                    .kernelSize(2, 2)
                                    .stride(2, 2)
                                    .build(),
                            7,
                            7),
                    mb,
                    7,
                    7);
            assertGradientsOkFor(
                    "p=3.5, 3x3/1 pad 1, mb " + mb,
                    network(
                            new PPooling2D.Builder()
                                    .p(3.5)
                                    .kernelSize(3, 3)
                                    .stride(1, 1)
                                    .padding(1, 1)
                                    .build(),
                            6,
                            5),
                    mb,
                    6,
                    5);
            assertGradientsOkFor(
                    "log-average 2x3/(1,2), mb " + mb,
                    network(
                            new LogAveragePooling2D.Builder()
                                    .kernelSize(2, 3)
                                    .stride(1, 2)
                                    .build(),
                            6,
                            7),
                    mb,
                    6,
                    7);
            assertGradientsOkFor(
                    "global p=3, mb " + mb,
                    network(new GlobalPPooling.Builder().p(3).build(), 5, 5),
                    mb,
                    5,
                    5);
            assertGradientsOkFor(
                    "global log-average, mb " + mb,
                    network(new GlobalLogAveragePooling.Builder().build(), 5, 4),
                    mb,
                    5,
                    4);
        }
    }

    @Test
    void globalPoolingOverASequence() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(7)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .list()
                .layer(new LSTM.Builder().nOut(3).activation(Activation.TANH).build())
                .layer(new GlobalLogAveragePooling.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nOut(2)
                        .activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.recurrent(4, 6))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertGradientsOk(net, Nd4j.rand(DataType.DOUBLE, 2, 4, 6), Nd4j.rand(DataType.DOUBLE, 2, 2));
        assertThat(net.output(Nd4j.rand(DataType.DOUBLE, 2, 4, 6)).shape()).containsExactly(2, 2);
    }

    @Test
    void jsonAndModelSerializerRoundTrips() {
        for (org.deeplearning4j.nn.conf.layers.Layer pooling : List.of(
                new PPooling2D.Builder()
                        .name("pp")
                        .p(2.5)
                        .kernelSize(3, 2)
                        .stride(1, 2)
                        .padding(1, 0)
                        .build(),
                new LogAveragePooling2D.Builder().kernelSize(2, 2).stride(2, 2).build(),
                new GlobalPPooling.Builder().p(4).build(),
                new GlobalLogAveragePooling.Builder().build())) {
            MultiLayerNetwork net = network(pooling, 6, 6);
            MultiLayerNetwork restored = assertRoundTrips(net, Nd4j.rand(DataType.DOUBLE, 2, 2, 6, 6));
            MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(
                    net.getLayerWiseConfigurations().toJson());
            assertThat(back.getConf(1).getLayer()).isEqualTo(pooling).isNotSameAs(pooling);
            assertThat(restored.getLayerWiseConfigurations().getConf(1).getLayer())
                    .isEqualTo(pooling)
                    .isInstanceOf(pooling.getClass());
        }
        assertThat(new PPooling2D.Builder().p(2).build())
                .isNotEqualTo(new PPooling2D.Builder().p(3).build());
    }

    private static INDArray pool(org.deeplearning4j.nn.conf.layers.Layer conf, INDArray x) {
        Layer layer = PoolingReferenceTest.instantiate(conf);
        layer.setInput(x, LayerWorkspaceMgr.noWorkspaces());
        return layer.activate(false, LayerWorkspaceMgr.noWorkspaces());
    }

    @Test
    void theSheetsLimitsAndDl4jPnormAgreement() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 6, 6); // non-negative, as after a ReLU
        // p = 1: the window sum = n × average pooling
        INDArray sum =
                pool(new PPooling2D.Builder().p(1).kernelSize(2, 2).stride(2, 2).build(), x);
        INDArray avg = pool(
                new SubsamplingLayer.Builder(PoolingType.AVG)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build(),
                x);
        assertAllClose(sum, avg.mul(4), 1e-12, 1e-14);
        // large p approaches the max from above: ‖x‖_p = m·(Σ (xᵢ/m)^p)^(1/p) with m the window's max, by hand
        INDArray max = pool(
                new SubsamplingLayer.Builder(PoolingType.MAX)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build(),
                x);
        INDArray p200 = pool(
                new PPooling2D.Builder().p(200).kernelSize(2, 2).stride(2, 2).build(), x);
        assertAllClose(max, windows2x2(x, w -> Arrays.stream(w).max().orElseThrow()), 0, 0);
        assertAllClose(
                p200,
                windows2x2(x, w -> {
                    double m = Arrays.stream(w).max().orElseThrow();
                    return m
                            * Math.pow(
                                    Arrays.stream(w)
                                            .map(v -> Math.pow(v / m, 200))
                                            .sum(),
                                    1.0 / 200);
                }),
                1e-12,
                1e-14);
        assertAllClose(p200, max, 0.01, 0);
        assertThat(p200.sub(max).minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0); // ‖x‖_p ≥ max
        // integer p: equal to DL4J's PNORM pooling
        for (int p : new int[] {2, 3}) {
            INDArray ours = pool(
                    new PPooling2D.Builder().p(p).kernelSize(3, 3).stride(2, 2).build(), x);
            INDArray dl4j = pool(
                    new SubsamplingLayer.Builder(PoolingType.PNORM)
                            .pnorm(p)
                            .kernelSize(3, 3)
                            .stride(2, 2)
                            .build(),
                    x);
            assertAllClose(ours, dl4j, 1e-12, 1e-14);
        }
        // log-average = log(mean(exp xᵢ)), by hand, and it lies between average and max
        INDArray logAvg = pool(
                new LogAveragePooling2D.Builder().kernelSize(2, 2).stride(2, 2).build(), x);
        assertAllClose(
                logAvg,
                windows2x2(
                        x,
                        w -> Math.log(Arrays.stream(w).map(Math::exp).average().orElseThrow())),
                1e-12,
                1e-14);
        assertAllClose(avg, windows2x2(x, w -> Arrays.stream(w).average().orElseThrow()), 1e-12, 1e-14);
        assertThat(logAvg.sub(avg).minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
        assertThat(max.sub(logAvg).minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
    }

    /** f over each 2×2 window with stride 2 of x [B, C, H, W] (H, W even), computed element by element. */
    private static INDArray windows2x2(INDArray x, ToDoubleFunction<double[]> f) {
        long b = x.size(0);
        long c = x.size(1);
        long oh = x.size(2) / 2;
        long ow = x.size(3) / 2;
        INDArray out = Nd4j.create(DataType.DOUBLE, b, c, oh, ow);
        for (long i = 0; i < b; i++) {
            for (long j = 0; j < c; j++) {
                for (long r = 0; r < oh; r++) {
                    for (long q = 0; q < ow; q++) {
                        double[] w = {
                            x.getDouble(i, j, 2 * r, 2 * q),
                            x.getDouble(i, j, 2 * r, 2 * q + 1),
                            x.getDouble(i, j, 2 * r + 1, 2 * q),
                            x.getDouble(i, j, 2 * r + 1, 2 * q + 1)
                        };
                        out.putScalar(new long[] {i, j, r, q}, f.applyAsDouble(w));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void stableForLargePZeroWindowsAndExtremeInputs() {
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 1, 1, 4, 4);
        x.putScalar(new long[] {0, 0, 3, 3}, 50.0);
        Layer pp = PoolingReferenceTest.instantiate(
                new PPooling2D.Builder().p(500).kernelSize(2, 2).stride(2, 2).build());
        pp.setInput(x, LayerWorkspaceMgr.noWorkspaces());
        INDArray y = pp.activate(false, LayerWorkspaceMgr.noWorkspaces());
        assertThat(y.getDouble(0, 0, 0, 0)).isZero(); // all-zero window
        assertThat(y.getDouble(0, 0, 1, 1)).isEqualTo(50.0, org.assertj.core.data.Offset.offset(1e-9));
        INDArray dx = pp.backpropGradient(Nd4j.ones(DataType.DOUBLE, 1, 1, 2, 2), LayerWorkspaceMgr.noWorkspaces())
                .getSecond();
        // the whole gradient: 1 at the window's only non-zero (its max), 0 elsewhere (zero windows included), finite
        INDArray expectedDx = Nd4j.zeros(DataType.DOUBLE, 1, 1, 4, 4);
        expectedDx.putScalar(new long[] {0, 0, 3, 3}, 1.0);
        assertAllClose(dx, expectedDx, 0, 1e-9);

        INDArray big =
                Nd4j.createFromArray(new double[] {1000, -1000, 1000, 999}).reshape(1, 1, 2, 2);
        Layer la = PoolingReferenceTest.instantiate(
                new LogAveragePooling2D.Builder().kernelSize(2, 2).stride(2, 2).build());
        la.setInput(big, LayerWorkspaceMgr.noWorkspaces());
        double v = la.activate(false, LayerWorkspaceMgr.noWorkspaces()).getDouble(0);
        double expected = 1000 + Math.log((2 + Math.exp(-1)) / 4);
        assertThat(v).isEqualTo(expected, org.assertj.core.data.Offset.offset(1e-9));
        INDArray g = la.backpropGradient(Nd4j.ones(DataType.DOUBLE, 1, 1, 1, 1), LayerWorkspaceMgr.noWorkspaces())
                .getSecond();
        // the gradient is the window's softmax: e^0, e^-2000 (= 0 in double), e^0, e^-1 over their sum
        double z = 2 + Math.exp(-1);
        assertAllClose(
                g, Nd4j.createFromArray(1 / z, 0.0, 1 / z, Math.exp(-1) / z).reshape(1, 1, 2, 2), 1e-12, 0);
    }

    /**
     * The host kernel keeps FLOAT inputs as floats and widens them per plane: a FLOAT layer gives the DOUBLE layer's
     * values rounded to float (the kernel computes in double either way). A backward pass whose forward was not run
     * (or ran on another input) recomputes the cached partials and gives the same gradient.
     */
    @Test
    void floatInputsGiveTheDoubleResultRoundedAndBackwardRecomputesPartials() {
        List<org.deeplearning4j.nn.conf.layers.Layer> confs = List.of(
                new PPooling2D.Builder()
                        .p(3)
                        .kernelSize(3, 2)
                        .stride(1, 2)
                        .padding(1, 0)
                        .build(),
                new PPooling2D.Builder().p(2).kernelSize(2, 2).stride(2, 2).build(),
                new LogAveragePooling2D.Builder().kernelSize(2, 2).stride(2, 2).build());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 2, 6, 6)
                .subi(0.3)
                .castTo(DataType.FLOAT)
                .castTo(DataType.DOUBLE);
        for (var conf : confs) {
            Layer dl = PoolingReferenceTest.instantiate(conf);
            NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder()
                    .dataType(DataType.FLOAT)
                    .layer(conf)
                    .build();
            Layer fl = conf.instantiate(nnc, List.of(), 0, null, true, DataType.FLOAT);
            dl.setInput(x, LayerWorkspaceMgr.noWorkspaces());
            INDArray yd = dl.activate(true, LayerWorkspaceMgr.noWorkspaces());
            INDArray eps = Nd4j.rand(DataType.DOUBLE, yd.shape())
                    .castTo(DataType.FLOAT)
                    .castTo(DataType.DOUBLE);
            INDArray gd =
                    dl.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces()).getSecond();
            fl.setInput(x.castTo(DataType.FLOAT), LayerWorkspaceMgr.noWorkspaces());
            INDArray yf = fl.activate(true, LayerWorkspaceMgr.noWorkspaces());
            INDArray gf = fl.backpropGradient(eps.castTo(DataType.FLOAT), LayerWorkspaceMgr.noWorkspaces())
                    .getSecond();
            assertThat(yf.dataType()).isEqualTo(DataType.FLOAT);
            assertThat(gf.dataType()).isEqualTo(DataType.FLOAT);
            assertThat(yf).as("%s forward", conf).isEqualTo(yd.castTo(DataType.FLOAT));
            assertAllClose(gf.castTo(DataType.DOUBLE), gd, 1e-6, 1e-7);
            // backward with no forward on this input: the layer recomputes what it needs
            dl.setInput(x, LayerWorkspaceMgr.noWorkspaces());
            INDArray again =
                    dl.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces()).getSecond();
            assertBitIdentical(again, gd);
        }
    }

    @Test
    void badConfigurationsFailAtBuildTimeNamingTheLayer() {
        assertThatThrownBy(() -> new PPooling2D.Builder().p(0.5).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p must be")
                .hasMessageContaining(">= 1");
        assertThatThrownBy(() -> new GlobalPPooling.Builder().p(Double.NaN).build())
                .hasMessageContaining("p must be");
        assertThatThrownBy(() -> new PPooling2D.Builder().kernelSize(0, 2).build())
                .isInstanceOf(org.sheetlab.core.settings.InvalidSettingException.class)
                .hasMessage("PPooling2D: kernelSize must be 2 values >= 1, got [0, 2]");
        assertThatThrownBy(() -> new PPooling2D.Builder().stride(2, 0).build())
                .hasMessage("PPooling2D: stride must be 2 values >= 1, got [2, 0]");
        assertThatThrownBy(() -> new NeuralNetConfiguration.Builder()
                        .list()
                        .layer(new PPooling2D.Builder()
                                .name("big")
                                .kernelSize(9, 9)
                                .build())
                        .layer(new OutputLayer.Builder().nOut(2).build())
                        .setInputType(InputType.convolutional(4, 4, 1))
                        .build())
                .hasMessageContaining("'big'")
                .hasMessageContaining("larger than the padded input");
        assertThatThrownBy(() -> new NeuralNetConfiguration.Builder()
                        .list()
                        .layer(new LogAveragePooling2D.Builder().build())
                        .layer(new RnnOutputLayer.Builder().nOut(2).build())
                        .setInputType(InputType.recurrent(3, 5))
                        .build())
                .hasMessageContaining("convolutional input");
    }
}
