package org.sheetlab.models.cnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** PoolingCnn's recipe options (widths, batch normalization, dropout) in the sheet's "2 Conv+pooling" shape. */
class PoolingCnnRecipeTest {
    private static MultiLayerConfiguration recipe(PoolingKind kind) {
        return PoolingCnn.builder()
                .setPooling(kind)
                .optWidths(32, 64, 128)
                .optBatchNorm(true)
                .optDropout(0.3)
                .build();
    }

    @Test
    void layersAndParameterCount() {
        MultiLayerConfiguration conf = recipe(PoolingKind.P2);
        assertThat(conf.getConfs().stream().map(c -> c.getLayer().getLayerName()))
                .containsExactly("conv1", "bn1", "relu1", "pool1", "conv2", "bn2", "relu2", "pool2", "dense", "output");
        assertThat(conf.getConf(1).getLayer()).isInstanceOf(BatchNormalization.class);
        assertThat(conf.getConf(2).getLayer()).isInstanceOf(ActivationLayer.class);
        // dropout on the dense and output layers' inputs, as DL4J's retain probability 1 - p
        for (int i : new int[] {8, 9}) {
            var layer = conf.getConf(i).getLayer();
            assertThat(layer).isInstanceOfAny(DenseLayer.class, OutputLayer.class);
            assertThat(((Dropout) layer.getIDropout()).getP())
                    .isEqualTo(0.7, org.assertj.core.data.Offset.offset(1e-12));
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // conv1 25·32 + 32, bn1 4·32, conv2 25·32·64 + 64, bn2 4·64, dense 1024·128 + 128, output 128·10 + 10
        long expected = 25 * 32 + 32 + 4 * 32 + 25 * 32 * 64 + 64 + 4 * 64 + 1024 * 128 + 128 + 1280 + 10;
        assertThat(net.numParams()).isEqualTo(expected);
        assertThat(MultiLayerConfiguration.fromJson(conf.toJson())).isEqualTo(conf);
    }

    @Test
    void trainsAndPredictsDeterministicallyAtInference() {
        for (PoolingKind kind : PoolingKind.values()) {
            MultiLayerNetwork net = new MultiLayerNetwork(recipe(kind));
            net.init();
            Nd4j.getRandom().setSeed(3);
            INDArray x = Nd4j.rand(DataType.FLOAT, 16, 784);
            INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 10);
            for (int i = 0; i < 16; i++) {
                y.putScalar(i, i % 10, 1);
            }
            double before = net.score(new DataSet(x, y));
            for (int i = 0; i < 5; i++) {
                net.fit(new DataSet(x, y));
            }
            assertThat(net.score(new DataSet(x, y))).as(kind.cliName()).isLessThan(before);
            INDArray a = net.output(x, false);
            assertThat(Arrays.equals(
                            a.data().asFloat(), net.output(x, false).data().asFloat()))
                    .isTrue();
        }
    }

    @Test
    void badRecipeValuesAreNamed() {
        assertThatThrownBy(() -> PoolingCnn.builder()
                        .setPooling(PoolingKind.MAX)
                        .optDropout(1)
                        .build())
                .hasMessageContaining("drop probability");
        assertThatThrownBy(() -> PoolingCnn.builder()
                        .setPooling(PoolingKind.MAX)
                        .optWidths(0, 1, 1)
                        .build())
                .hasMessageContaining("widths");
    }
}
