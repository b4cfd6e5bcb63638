package org.sheetlab.models.sheet;

import static org.sheetlab.testing.NdAssert.assertAllClose;

import com.fasterxml.jackson.databind.JsonNode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.testing.DoublePrecision;
import org.sheetlab.testing.ReferenceValues;

/** DL4J's SGD step (plain, .l2, .l1) and BatchNormalization against PyTorch autograd (training_steps.py). */
@ExtendWith(DoublePrecision.class)
class TrainingStepsReferenceTest {
    private static final JsonNode REF =
            ReferenceValues.load("/reference/training_steps.json").root();

    private static MultiLayerNetwork linear(NeuralNetConfiguration.Builder b) {
        MultiLayerConfiguration conf = b.seed(1)
                .dataType(DataType.DOUBLE)
                .updater(new Sgd(REF.get("lr").asDouble()))
                .list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nOut(2)
                        .activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.feedForward(3))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.getLayer(0).getParam("W").assign(ReferenceValues.array(REF.get("W0")));
        net.getLayer(0)
                .getParam("b")
                .assign(ReferenceValues.array(REF.get("b0")).reshape(1, 2));
        return net;
    }

    @Test
    void sgdStepsMatchPyTorch() {
        double lambda = REF.get("lambda").asDouble();
        DataSet ds = new DataSet(ReferenceValues.array(REF.get("x")), ReferenceValues.array(REF.get("y")));
        for (String name : new String[] {"plain", "l2", "l1"}) {
            NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder();
            if (name.equals("l2")) {
                b.l2(lambda);
            } else if (name.equals("l1")) {
                b.l1(lambda);
            }
            MultiLayerNetwork net = linear(b);
            net.fit(ds);
            JsonNode step = REF.get("steps").get(name);
            assertAllClose(net.getLayer(0).getParam("W"), ReferenceValues.array(step.get("W")), 1e-10, 1e-12);
            assertAllClose(
                    net.getLayer(0).getParam("b").reshape(2), ReferenceValues.array(step.get("b")), 1e-10, 1e-12);
        }
    }

    @Test
    void batchNormMatchesPyTorch() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .list()
                .layer(new BatchNormalization.Builder()
                        .lockGammaBeta(true)
                        .gamma(1)
                        .beta(0)
                        .eps(1e-5)
                        .build())
                .layer(new OutputLayer.Builder()
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(5))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray out = net.feedForward(ReferenceValues.array(REF.at("/batchNorm/x")), true)
                .get(1);
        assertAllClose(out, ReferenceValues.array(REF.at("/batchNorm/y")), 1e-10, 1e-10);
    }
}
