package org.sheetlab.models.uncertainty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.sheetlab.testing.NdAssert.assertAllClose;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.testing.DoublePrecision;

@ExtendWith(DoublePrecision.class)
class McDropoutTest {
    private static MultiLayerNetwork trained(boolean dropout) {
        DenseLayer.Builder hidden = new DenseLayer.Builder().nOut(16).activation(Activation.RELU);
        if (dropout) {
            hidden.dropOut(0.5);
        }
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(2)
                .dataType(DataType.DOUBLE)
                .updater(new Adam(0.01))
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(16)
                        .activation(Activation.IDENTITY)
                        .build())
                .layer(new BatchNormalization.Builder().build())
                .layer(hidden.build())
                .layer(new OutputLayer.Builder()
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(4))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray x = Nd4j.randn(DataType.DOUBLE, 64, 4).muli(2).addi(3);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 64, 3);
        for (int i = 0; i < 64; i++) {
            y.putScalar(i, i % 3, 1);
        }
        for (int i = 0; i < 30; i++) {
            net.fit(new DataSet(x, y));
        }
        return net;
    }

    @Test
    void batchNormUsesRunningStatisticsSoOneExampleAtATimeEqualsTheBatch() {
        MultiLayerNetwork net = trained(true);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 5, 4).muli(2).addi(3);
        Nd4j.getRandom().setSeed(7);
        INDArray batch = McDropout.samplePass(net, x);
        Nd4j.getRandom().setSeed(7);
        INDArray first = McDropout.samplePass(net, x.get(NDArrayIndex.interval(0, 1), NDArrayIndex.all()));
        // the same dropout mask for row 0 (same seed, row 0 drawn first) and BN independent of the batch
        assertAllClose(first, batch.get(NDArrayIndex.interval(0, 1), NDArrayIndex.all()), 1e-9, 1e-12);
        // DL4J's output(x, true) puts BN in batch mode: with one example BN outputs β and the prediction collapses
        MultiLayerNetwork noDropout = trained(false);
        INDArray collapsedA = noDropout.output(x.get(NDArrayIndex.interval(0, 1), NDArrayIndex.all()), true);
        INDArray collapsedB = noDropout.output(x.get(NDArrayIndex.interval(1, 2), NDArrayIndex.all()), true);
        assertAllClose(collapsedA, collapsedB, 1e-9, 1e-12); // different inputs, identical outputs: BN gave β
        // McDropout's passes keep them apart
        assertThat(McDropout.samplePass(noDropout, x.get(NDArrayIndex.interval(0, 1), NDArrayIndex.all())))
                .isNotEqualTo(McDropout.samplePass(noDropout, x.get(NDArrayIndex.interval(1, 2), NDArrayIndex.all())));
    }

    @Test
    void predictiveMeanIsADistributionWithSpreadAndEntropy() {
        MultiLayerNetwork net = trained(true);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 10, 4).muli(2).addi(3);
        Nd4j.getRandom().setSeed(3);
        McDropout.Prediction p = McDropout.predict(net, x, 30);
        assertAllClose(p.mean().sum(1), Nd4j.ones(DataType.DOUBLE, 10), 1e-9, 1e-9);
        // dropout on: the passes differ, so some output has a spread (its value depends on the masks)
        assertThat(p.std().maxNumber().doubleValue()).isGreaterThan(0);
        // the predictive entropy is −Σ p̄ log p̄ of the mean, row by row, by hand; within [0, log 3]
        for (int i = 0; i < 10; i++) {
            double h = 0;
            for (int k = 0; k < 3; k++) {
                double m = p.mean().getDouble(i, k);
                h -= m == 0 ? 0 : m * Math.log(m);
            }
            assertThat(p.entropy().getDouble(i)).as("entropy row %d", i).isCloseTo(h, within(1e-12));
        }
        assertThat(p.entropy().minNumber().doubleValue()).isGreaterThanOrEqualTo(0);
        assertThat(p.entropy().maxNumber().doubleValue()).isLessThanOrEqualTo(Math.log(3) + 1e-9);
        // the same seed gives the same samples: mean and std are repeatable
        Nd4j.getRandom().setSeed(3);
        McDropout.Prediction again = McDropout.predict(net, x, 30);
        assertAllClose(again.mean(), p.mean(), 0, 0);
        assertAllClose(again.std(), p.std(), 0, 0);
        assertThatThrownBy(() -> McDropout.predict(trained(false), x, 5)).hasMessageContaining("no dropout");
        assertThatThrownBy(() -> McDropout.predict(net, x, 1)).hasMessageContaining("at least 2");
    }
}
