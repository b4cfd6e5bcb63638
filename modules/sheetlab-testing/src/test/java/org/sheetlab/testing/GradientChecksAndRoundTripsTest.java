package org.sheetlab.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.GradientChecks.assertGradientsOk;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;
import static org.sheetlab.testing.RoundTrips.assertRoundTrips;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The helpers pass correct networks and fail wrong ones with a message that names what is wrong. */
@ExtendWith(DoublePrecision.class)
class GradientChecksAndRoundTripsTest {

    /** Identity forward, twice the true gradient backward: a deliberately wrong backprop. */
    public static final class DoubledIdentity extends BaseActivationFunction {
        private static final long serialVersionUID = 1L;

        @Override
        public INDArray getActivation(INDArray in, boolean training) {
            return in;
        }

        @Override
        public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
            return new Pair<>(epsilon.mul(2), null);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DoubledIdentity;
        }

        @Override
        public int hashCode() {
            return 1;
        }

        @Override
        public String toString() {
            return "doubledIdentity";
        }
    }

    private static MultiLayerNetwork mlp(DataType dt, IActivation hidden) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(dt)
                .updater(new NoOp())
                .list()
                .layer(new DenseLayer.Builder()
                        .nOut(3)
                        .activation(Activation.TANH)
                        .build())
                .layer(new ActivationLayer.Builder().activation(hidden).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(4))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray labels(int n) {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, 2);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % 2, 1.0);
        }
        return y;
    }

    @Test
    void aCorrectNetworkPassesAndAWrongBackpropIsNamed() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 4);
        assertGradientsOk(mlp(DataType.DOUBLE, Activation.TANH.getActivationFunction()), x, labels(3));
        assertThatThrownBy(() -> assertGradientsOk(
                        "doubled", GradientChecks.config(mlp(DataType.DOUBLE, new DoubledIdentity()), x, labels(3))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("doubled: gradient check failed")
                .hasMessageContaining("0_W: 12 of 12 entries disagree")
                .hasMessageContaining("0_b: 3 of 3 entries disagree")
                .hasMessageNotContaining("2_W")
                .hasMessageNotContaining("2_b");
    }

    @Test
    void aFloatNetworkIsRejectedInsteadOfChecked() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 4);
        assertThatThrownBy(() ->
                        assertGradientsOk(mlp(DataType.FLOAT, Activation.TANH.getActivationFunction()), x, labels(2)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("need DOUBLE")
                .hasMessageContaining("network FLOAT");
    }

    private static ComputationGraph graph(IUpdater updater) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.DOUBLE)
                .updater(updater)
                .graphBuilder()
                .addInputs("in")
                .addLayer(
                        "h",
                        new DenseLayer.Builder()
                                .nOut(3)
                                .activation(Activation.SIGMOID)
                                .build(),
                        "in")
                .addLayer(
                        "out",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nOut(2)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "h")
                .setOutputs("out")
                .setInputTypes(InputType.feedForward(4))
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    @Test
    void aComputationGraphIsCheckedAndRoundTrips() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 4);
        ComputationGraph graph = graph(new NoOp());
        assertGradientsOk(graph, new INDArray[] {x}, new INDArray[] {labels(3)});
        assertRoundTrips(graph, x);
        // with a non-zero Adam state to carry over
        ComputationGraph adam = graph(new Adam(0.01));
        adam.fit(new DataSet(x, labels(3)));
        ComputationGraph restored = assertRoundTrips(adam, x);
        assertThat(restored.getUpdater().getStateViewArray().amaxNumber().doubleValue())
                .isNotZero();
    }

    @Test
    void roundTripsKeepParametersUpdaterStateAndOutputs() {
        MultiLayerNetwork net = mlp(DataType.DOUBLE, new DoubledIdentity());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 4);
        MultiLayerNetwork restored = assertRoundTrips(net, x);
        assertThat(restored).isNotSameAs(net);
        assertBitIdentical(restored.params(), net.params());
    }
}
