package org.sheetlab.layers.gan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.sheetlab.testing.NdAssert.assertAllClose;
import static org.sheetlab.testing.RoundTrips.assertRoundTrips;

import com.fasterxml.jackson.databind.JsonNode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.sheetlab.core.loss.SaturatingGeneratorLoss;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.GradientChecks;
import org.sheetlab.testing.ReferenceValues;

/**
 * The generator's saturating GAN loss inside a DL4J network: score and gradients equal PyTorch autograd
 * (gan_generator_loss.py), a DOUBLE gradient check passes, and the configuration survives JSON and ModelSerializer.
 */
@ExtendWith(DoublePrecision.class)
class SaturatingGeneratorLossNetworkTest {
    private static MultiLayerNetwork net() {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(3)
                        .activation(Activation.TANH)
                        .build())
                .layer(new OutputLayer.Builder()
                        .lossFunction(new SaturatingGeneratorLoss())
                        .nOut(1)
                        .activation(Activation.SIGMOID)
                        .build())
                .setInputType(InputType.feedForward(3))
                .build());
        n.init();
        return n;
    }

    @Test
    void scoreAndGradientsMatchPyTorch() {
        JsonNode c = ReferenceValues.load("/reference/gan_generator_loss.json")
                .cases()
                .get(0);
        MultiLayerNetwork n = net();
        String[][] params = {{"0_W", "W1"}, {"0_b", "b1"}, {"1_W", "W2"}, {"1_b", "b2"}};
        for (String[] p : params) {
            n.setParam(
                    p[0],
                    ReferenceValues.array(c.get(p[1])).reshape(n.getParam(p[0]).shape()));
        }
        INDArray x = ReferenceValues.array(c.get("x"));
        n.setInput(x);
        n.setLabels(Nd4j.zeros(DataType.DOUBLE, 4, 1));
        n.computeGradientAndScore();
        assertThat(n.score()).isCloseTo(c.get("score").asDouble(), within(1e-12));
        for (String[] p : params) {
            INDArray g = n.gradient().getGradientFor(p[0]);
            assertAllClose(g, ReferenceValues.array(c.get("d" + p[1])).reshape(g.shape()), 1e-10, 1e-12);
        }
    }

    @Test
    void gradientCheckAndRoundTrips() {
        MultiLayerNetwork n = net();
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 5, 3);
        GradientChecks.assertGradientsOk(
                "saturating generator loss", GradientChecks.config(n, x, Nd4j.zeros(DataType.DOUBLE, 5, 1)));
        MultiLayerNetwork back = assertRoundTrips(n, x);
        assertThat(((OutputLayer) back.getLayer(1).conf().getLayer()).getLossFn())
                .isInstanceOf(SaturatingGeneratorLoss.class);
    }
}
