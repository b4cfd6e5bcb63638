package org.sheetlab.layers.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sheetlab.testing.RoundTrips.assertRoundTrips;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.core.activation.SignSte;

/** The sign activation in an ordinary DL4J layer: trains through the straight-through gradient, and round-trips. */
class SignSteInNetworkTest {
    @Test
    void trainsAndRoundTrips() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .updater(new Adam(0.02))
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(16)
                        .activation(new SignSte())
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(4))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // a linearly separable task: class = (x0 + x1 > 0)
        INDArray x = Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, 256, 4);
        INDArray y = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 256, 2);
        for (int i = 0; i < 256; i++) {
            y.putScalar(i, x.getDouble(i, 0) + x.getDouble(i, 1) > 0 ? 1 : 0, 1.0);
        }
        DataSet ds = new DataSet(x, y);
        double before = net.score(ds);
        for (int i = 0; i < 150; i++) {
            net.fit(ds);
        }
        assertThat(net.score(ds)).isLessThan(before * 0.6);
        INDArray hidden = net.feedForward(x, false).get(1);
        assertThat(hidden.amaxNumber().doubleValue()).isEqualTo(1.0);
        assertThat(hidden.aminNumber().doubleValue()).isEqualTo(1.0); // every state is exactly ±1
        MultiLayerNetwork restored = assertRoundTrips(net, x);
        assertThat(restored.getLayerWiseConfigurations().getConf(0).getLayer())
                .isEqualTo(conf.getConf(0).getLayer());
        assertThat(((DenseLayer)
                                restored.getLayerWiseConfigurations().getConf(0).getLayer())
                        .getActivationFn())
                .isInstanceOf(SignSte.class);
    }
}
