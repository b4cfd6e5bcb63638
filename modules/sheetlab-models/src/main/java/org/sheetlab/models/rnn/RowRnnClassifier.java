package org.sheetlab.models.rnn;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.layers.recurrent.SignRnn;

/**
 * Reads a 28×28 image as 28 steps of 28 pixels ([B, 28, 28] NCW: features × time) and classifies it from the last
 * step: recurrent layer → last time step → dense softmax over 10 classes.
 * <ul>
 *   <li>{@link Cell#SIGN}: the sheet's Final Q7 sign-RNN, s_t = sign(W s_{t−1} + U x_t), o_t = ReLU(V s_t).</li>
 *   <li>{@link Cell#TANH}: DL4J's SimpleRnn, the sheet's s_t = tanh(W s_{t−1} + U x_t) (DL4J adds a bias).</li>
 * </ul>
 */
public final class RowRnnClassifier {
    /** The recurrent cell. */
    public enum Cell { SIGN, TANH }

    private RowRnnClassifier() {}

    public static MultiLayerConfiguration build(Cell cell, int hidden, long seed, double learningRate) {
        org.deeplearning4j.nn.conf.layers.Layer rnn = cell == Cell.SIGN
                ? new SignRnn.Builder().name("sign_rnn").hiddenSize(hidden).nOut(hidden).build()
                : new SimpleRnn.Builder().name("tanh_rnn").nOut(hidden).activation(Activation.TANH).build();
        return new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(learningRate))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new LastTimeStep(rnn))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output").nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.recurrent(28, 28)).build();
    }
}
