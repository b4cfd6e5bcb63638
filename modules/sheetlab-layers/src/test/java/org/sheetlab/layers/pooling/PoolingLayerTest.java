package org.sheetlab.layers.pooling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.testing.DoublePrecision;

/** Gradient checks, round trips, the sheet's limits, agreement with DL4J's PNORM, numerics, and bad configurations. */
@ExtendWith(DoublePrecision.class)
class PoolingLayerTest {
    @TempDir
    Path tmp;

    /** conv (gives the check parameters upstream of the pooling) → pooling → dense softmax output. */
    private static MultiLayerNetwork network(org.deeplearning4j.nn.conf.layers.Layer pooling, int h, int w) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(12345).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(3).stride(1, 1).activation(Activation.TANH).build())
                .layer(pooling)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(h, w, 2)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static boolean gradientsOk(MultiLayerNetwork net, int minibatch, int h, int w) {
        INDArray x = Nd4j.rand(DataType.DOUBLE, minibatch, 2, h, w).subi(0.5).muli(2);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, minibatch, 4);
        for (int i = 0; i < minibatch; i++) {
            y.putScalar(i, i % 4, 1.0);
        }
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y)
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
    }

    @Test
    void gradientChecksPass() {
        for (int mb : new int[] {1, 3}) {
            assertThat(gradientsOk(network(new PPooling2D.Builder().p(2).kernelSize(2, 2).stride(2, 2).build(), 7, 7),
                    mb, 7, 7)).as("p=2, 2x2/2, mb %d", mb).isTrue();
            assertThat(gradientsOk(network(new PPooling2D.Builder().p(3.5).kernelSize(3, 3).stride(1, 1)
                    .padding(1, 1).build(), 6, 5), mb, 6, 5)).as("p=3.5, 3x3/1 pad 1, mb %d", mb).isTrue();
            assertThat(gradientsOk(network(new LogAveragePooling2D.Builder().kernelSize(2, 3).stride(1, 2).build(),
                    6, 7), mb, 6, 7)).as("log-average 2x3/(1,2), mb %d", mb).isTrue();
            assertThat(gradientsOk(network(new GlobalPPooling.Builder().p(3).build(), 5, 5), mb, 5, 5))
                    .as("global p=3, mb %d", mb).isTrue();
            assertThat(gradientsOk(network(new GlobalLogAveragePooling.Builder().build(), 5, 4), mb, 5, 4))
                    .as("global log-average, mb %d", mb).isTrue();
        }
    }

    @Test
    void globalPoolingOverASequence() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
                .updater(new NoOp()).list()
                .layer(new LSTM.Builder().nOut(3).activation(Activation.TANH).build())
                .layer(new GlobalLogAveragePooling.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.recurrent(4, 6)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                .input(Nd4j.rand(DataType.DOUBLE, 2, 4, 6)).labels(Nd4j.rand(DataType.DOUBLE, 2, 2)).epsilon(1e-6)
                .maxRelError(1e-5).minAbsoluteError(1e-9));
        assertThat(ok).isTrue();
        assertThat(net.output(Nd4j.rand(DataType.DOUBLE, 2, 4, 6)).shape()).containsExactly(2, 2);
    }

    @Test
    void jsonAndModelSerializerRoundTrips() throws Exception {
        for (org.deeplearning4j.nn.conf.layers.Layer pooling : List.of(
                new PPooling2D.Builder().name("pp").p(2.5).kernelSize(3, 2).stride(1, 2).padding(1, 0).build(),
                new LogAveragePooling2D.Builder().kernelSize(2, 2).stride(2, 2).build(),
                new GlobalPPooling.Builder().p(4).build(), new GlobalLogAveragePooling.Builder().build())) {
            MultiLayerNetwork net = network(pooling, 6, 6);
            MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
            MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
            assertThat(back).isEqualTo(conf);
            assertThat(back.getConf(1).getLayer()).isEqualTo(pooling).isNotSameAs(pooling);
            assertThat(back.getConf(1).getLayer().toString()).isNotNull();
            File f = tmp.resolve(pooling.getClass().getSimpleName() + ".zip").toFile();
            ModelSerializer.writeModel(net, f, true);
            MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(f, true);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 6, 6);
            assertThat(restored.output(x)).isEqualTo(net.output(x));
            assertThat(restored.getLayerWiseConfigurations().getConf(1).getLayer()).isEqualTo(pooling);
        }
        assertThat(new PPooling2D.Builder().p(2).build()).isNotEqualTo(new PPooling2D.Builder().p(3).build());
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
        INDArray sum = pool(new PPooling2D.Builder().p(1).kernelSize(2, 2).stride(2, 2).build(), x);
        INDArray avg = pool(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build(), x);
        assertAllClose(sum, avg.mul(4));
        // large p approaches the max
        INDArray max = pool(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), x);
        INDArray p200 = pool(new PPooling2D.Builder().p(200).kernelSize(2, 2).stride(2, 2).build(), x);
        assertAllClose(p200, max, 0.01, 0);
        assertThat(p200.sub(max).minNumber().doubleValue()).isGreaterThanOrEqualTo(-1e-12); // ‖x‖_p ≥ max
        // integer p: equal to DL4J's PNORM pooling
        for (int p : new int[] {2, 3}) {
            INDArray ours = pool(new PPooling2D.Builder().p(p).kernelSize(3, 3).stride(2, 2).build(), x);
            INDArray dl4j = pool(new SubsamplingLayer.Builder(PoolingType.PNORM).pnorm(p).kernelSize(3, 3)
                    .stride(2, 2).build(), x);
            assertAllClose(ours, dl4j, 1e-6, 1e-9);
        }
        // log-average lies between average and max
        INDArray logAvg = pool(new LogAveragePooling2D.Builder().kernelSize(2, 2).stride(2, 2).build(), x);
        assertThat(logAvg.sub(avg).minNumber().doubleValue()).isGreaterThanOrEqualTo(-1e-12);
        assertThat(max.sub(logAvg).minNumber().doubleValue()).isGreaterThanOrEqualTo(-1e-12);
    }

    @Test
    void stableForLargePZeroWindowsAndExtremeInputs() {
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 1, 1, 4, 4);
        x.putScalar(new long[] {0, 0, 3, 3}, 50.0);
        Layer pp = PoolingReferenceTest.instantiate(new PPooling2D.Builder().p(500).kernelSize(2, 2).stride(2, 2)
                .build());
        pp.setInput(x, LayerWorkspaceMgr.noWorkspaces());
        INDArray y = pp.activate(false, LayerWorkspaceMgr.noWorkspaces());
        assertThat(y.getDouble(0, 0, 0, 0)).isZero(); // all-zero window
        assertThat(y.getDouble(0, 0, 1, 1)).isEqualTo(50.0, org.assertj.core.data.Offset.offset(1e-9));
        INDArray dx = pp.backpropGradient(Nd4j.ones(DataType.DOUBLE, 1, 1, 2, 2), LayerWorkspaceMgr.noWorkspaces())
                .getSecond();
        assertThat(dx.isNaN().any() || dx.isInfinite().any()).isFalse();
        assertThat(dx.getDouble(0, 0, 3, 3)).isEqualTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(dx.getDouble(0, 0, 0, 0)).isZero();

        INDArray big = Nd4j.createFromArray(new double[] {1000, -1000, 1000, 999}).reshape(1, 1, 2, 2);
        Layer la = PoolingReferenceTest.instantiate(new LogAveragePooling2D.Builder().kernelSize(2, 2).stride(2, 2)
                .build());
        la.setInput(big, LayerWorkspaceMgr.noWorkspaces());
        double v = la.activate(false, LayerWorkspaceMgr.noWorkspaces()).getDouble(0);
        double expected = 1000 + Math.log((2 + Math.exp(-1)) / 4);
        assertThat(v).isEqualTo(expected, org.assertj.core.data.Offset.offset(1e-9));
        INDArray g = la.backpropGradient(Nd4j.ones(DataType.DOUBLE, 1, 1, 1, 1), LayerWorkspaceMgr.noWorkspaces())
                .getSecond();
        assertThat(g.sumNumber().doubleValue()).isEqualTo(1.0, org.assertj.core.data.Offset.offset(1e-12)); // softmax
        assertThat(g.getDouble(0, 0, 0, 1)).isZero();
    }

    @Test
    void badConfigurationsFailAtBuildTimeNamingTheLayer() {
        assertThatThrownBy(() -> new PPooling2D.Builder().p(0.5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p must be").hasMessageContaining(">= 1");
        assertThatThrownBy(() -> new GlobalPPooling.Builder().p(Double.NaN).build()).hasMessageContaining("p must be");
        assertThatThrownBy(() -> new PPooling2D.Builder().kernelSize(0, 2).build()).hasMessageContaining("kernel");
        assertThatThrownBy(() -> new NeuralNetConfiguration.Builder().list()
                .layer(new PPooling2D.Builder().name("big").kernelSize(9, 9).build())
                .layer(new OutputLayer.Builder().nOut(2).build())
                .setInputType(InputType.convolutional(4, 4, 1)).build())
                .hasMessageContaining("'big'").hasMessageContaining("larger than the padded input");
        assertThatThrownBy(() -> new NeuralNetConfiguration.Builder().list()
                .layer(new LogAveragePooling2D.Builder().build())
                .layer(new RnnOutputLayer.Builder().nOut(2).build())
                .setInputType(InputType.recurrent(3, 5)).build())
                .hasMessageContaining("convolutional input");
    }
}
