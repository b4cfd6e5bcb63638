package org.sheetlab.models.cnn;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A small CNN for 28×28 grey images whose two pooling layers are of one {@link PoolingKind}:
 * conv 5×5×16 (relu) → pool 2×2 → conv 5×5×32 (relu) → pool 2×2 → dense 64 (relu) → dense 10 (softmax).
 * Shapes: [B, 784] (flat) → [B,16,24,24] → [B,16,12,12] → [B,32,8,8] → [B,32,4,4] → [B,64] → [B,10]; 46,730
 * parameters whatever the pooling (pooling has none). Pooling comes after the ReLU, the sheet's domain for p-pooling.
 */
public final class PoolingCnn {
    private PoolingCnn() {}

    /** The configuration for {@code kind}, Adam(learningRate), FLOAT, seeded. */
    public static MultiLayerConfiguration build(PoolingKind kind, long seed, double learningRate) {
        return new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(learningRate))
                .weightInit(WeightInit.RELU).list()
                .layer(new ConvolutionLayer.Builder(5, 5).name("conv1").nOut(16).activation(Activation.RELU).build())
                .layer(named(kind.layer(2), "pool1"))
                .layer(new ConvolutionLayer.Builder(5, 5).name("conv2").nOut(32).activation(Activation.RELU).build())
                .layer(named(kind.layer(2), "pool2"))
                .layer(new DenseLayer.Builder().name("dense").nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output").nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build();
    }

    private static org.deeplearning4j.nn.conf.layers.Layer named(org.deeplearning4j.nn.conf.layers.Layer l, String n) {
        l.setLayerName(n);
        return l;
    }
}
