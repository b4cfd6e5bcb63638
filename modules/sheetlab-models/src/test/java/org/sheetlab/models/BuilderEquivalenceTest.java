package org.sheetlab.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.layers.conv.FastConvolution2D;
import org.sheetlab.layers.recurrent.SignRnn;
import org.sheetlab.models.cnn.PoolingCnn;
import org.sheetlab.models.cnn.PoolingKind;
import org.sheetlab.models.linear.SoftmaxRegression;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.models.rnn.RowRnnClassifier;
import org.sheetlab.models.uncertainty.McDropoutMlp;

/**
 * The builders give exactly the configurations of the code they replaced (copied here verbatim from PoolingCnn.build,
 * RowRnnClassifier.build, McDropoutExperiment.network, NewtonExperiment.network and FinalQ5Network.build as of
 * 27e2456), so the experiments' numbers do not change: same layers, seeds, updaters and initialisation, compared as
 * {@code toJson()}.
 */
class BuilderEquivalenceTest {
    @Test
    void poolingCnnForEveryKind() {
        for (PoolingKind kind : PoolingKind.values()) {
            String old = oldPoolingCnn(kind, 7, 3e-4).toJson();
            assertThat(PoolingCnn.builder()
                            .setPooling(kind)
                            .optSeed(7)
                            .optUpdater(new Adam(3e-4))
                            .optFastConvolution(false)
                            .build()
                            .toJson())
                    .as(kind.cliName())
                    .isEqualTo(old);
            // the default differs only in the convolutions' class (same options and parameter layout)
            String fast = PoolingCnn.builder()
                    .setPooling(kind)
                    .optSeed(7)
                    .optUpdater(new Adam(3e-4))
                    .build()
                    .toJson();
            assertThat(fast).contains(FastConvolution2D.class.getName());
            assertThat(fast.replace(FastConvolution2D.class.getName(), ConvolutionLayer.class.getName()))
                    .as(kind.cliName())
                    .isEqualTo(old);
        }
        assertThat(PoolingCnn.builder()
                        .setPooling(PoolingKind.P3)
                        .optFastConvolution(false)
                        .build()
                        .toJson())
                .isEqualTo(oldPoolingCnn(PoolingKind.P3, 42, 1e-3).toJson());
        assertThat(PoolingCnn.builder().setPooling(PoolingKind.MAX).inputType())
                .isEqualTo(InputType.convolutionalFlat(28, 28, 1));
        assertThatThrownBy(() -> PoolingCnn.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setPooling");
    }

    @Test
    void rowRnnForBothCells() {
        for (RowRnnClassifier.Cell cell : List.of(RowRnnClassifier.Cell.SIGN, RowRnnClassifier.Cell.TANH)) {
            assertThat(RowRnnClassifier.builder()
                            .setCell(cell)
                            .optHidden(64)
                            .optSeed(3)
                            .optUpdater(new Adam(2e-3))
                            .build()
                            .toJson())
                    .as(cell.name())
                    .isEqualTo(oldRowRnn(cell, 64, 3, 2e-3).toJson());
            assertThat(RowRnnClassifier.builder()
                            .setCell(cell)
                            .optHidden(32)
                            .build()
                            .toJson())
                    .isEqualTo(oldRowRnn(cell, 32, 42, 2e-3).toJson());
        }
        assertThat(RowRnnClassifier.builder()
                        .setCell(RowRnnClassifier.Cell.SIGN)
                        .inputType())
                .isEqualTo(InputType.recurrent(28, 28));
    }

    @Test
    void mcDropoutMlp() {
        assertThat(McDropoutMlp.builder()
                        .setInputSize(784)
                        .optSeed(5)
                        .optUpdater(new Adam(1e-3))
                        .optRetain(0.7)
                        .build()
                        .toJson())
                .isEqualTo(oldMcDropout(5, 1e-3, 0.7).toJson());
        assertThat(McDropoutMlp.builder().setInputSize(784).build().toJson())
                .isEqualTo(oldMcDropout(42, 1e-3, 0.5).toJson());
        assertThat(McDropoutMlp.builder().setInputSize(784).inputType()).isEqualTo(InputType.feedForward(784));
    }

    @Test
    void softmaxRegressionAndItsParameters() {
        for (IUpdater u : new IUpdater[] {new Sgd(0.1), new Adam(1e-2)}) {
            MultiLayerConfiguration conf = SoftmaxRegression.builder()
                    .setInputSize(30)
                    .optOutputs(2)
                    .optDataType(DataType.DOUBLE)
                    .optUpdater(u)
                    .optSeed(11)
                    .build();
            assertThat(conf.toJson()).isEqualTo(oldNewton(11, u).toJson());
            MultiLayerNetwork a = new MultiLayerNetwork(conf);
            a.init();
            MultiLayerNetwork b = new MultiLayerNetwork(oldNewton(11, u));
            b.init();
            assertBitIdentical(a.params(), b.params());
            assertThat(a.numParams()).isEqualTo(62);
        }
    }

    @Test
    void finalQ5BuildIsUnchanged() {
        assertThat(FinalQ5Network.builder().setInputSize(784).optSeed(9).build().toJson())
                .isEqualTo(oldFinalQ5(784, 300, 100, 10, 9, new Adam(1e-3)).toJson());
        // recall-first's MLP
        assertThat(FinalQ5Network.builder()
                        .setInputSize(30)
                        .optHidden(16, 8)
                        .optOutputs(2)
                        .optSeed(1)
                        .optUpdater(new Adam(1e-3))
                        .build()
                        .toJson())
                .isEqualTo(oldFinalQ5(30, 16, 8, 2, 1, new Adam(1e-3)).toJson());
    }

    // ---- the replaced code, verbatim ----

    private static MultiLayerConfiguration oldPoolingCnn(PoolingKind kind, long seed, double learningRate) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(learningRate))
                .weightInit(WeightInit.RELU)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5)
                        .name("conv1")
                        .nOut(16)
                        .activation(Activation.RELU)
                        .build())
                .layer(named(kind.layer(2), "pool1"))
                .layer(new ConvolutionLayer.Builder(5, 5)
                        .name("conv2")
                        .nOut(32)
                        .activation(Activation.RELU)
                        .build())
                .layer(named(kind.layer(2), "pool2"))
                .layer(new DenseLayer.Builder()
                        .name("dense")
                        .nOut(64)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .name("output")
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build();
    }

    private static org.deeplearning4j.nn.conf.layers.Layer named(org.deeplearning4j.nn.conf.layers.Layer l, String n) {
        l.setLayerName(n);
        return l;
    }

    private static MultiLayerConfiguration oldRowRnn(
            RowRnnClassifier.Cell cell, int hidden, long seed, double learningRate) {
        org.deeplearning4j.nn.conf.layers.Layer rnn = cell == RowRnnClassifier.Cell.SIGN
                ? new SignRnn.Builder()
                        .name("sign_rnn")
                        .hiddenSize(hidden)
                        .nOut(hidden)
                        .build()
                : new SimpleRnn.Builder()
                        .name("tanh_rnn")
                        .nOut(hidden)
                        .activation(Activation.TANH)
                        .build();
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(learningRate))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new LastTimeStep(rnn))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .name("output")
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.recurrent(28, 28))
                .build();
    }

    private static MultiLayerConfiguration oldMcDropout(long seed, double lr, double retain) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(lr))
                .weightInit(WeightInit.RELU)
                .list()
                .layer(new DenseLayer.Builder()
                        .name("dense1")
                        .nOut(300)
                        .activation(Activation.RELU)
                        .build())
                .layer(new BatchNormalization.Builder().name("bn1").build())
                .layer(new DenseLayer.Builder()
                        .name("dense2")
                        .nOut(100)
                        .activation(Activation.RELU)
                        .dropOut(retain)
                        .build())
                .layer(new BatchNormalization.Builder().name("bn2").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .name("output")
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .dropOut(retain)
                        .build())
                .setInputType(InputType.feedForward(784))
                .build();
    }

    private static MultiLayerConfiguration oldNewton(long seed, IUpdater updater) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.DOUBLE)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(30))
                .build();
    }

    private static MultiLayerConfiguration oldFinalQ5(
            int inputSize, int h1, int h2, int outputs, long seed, IUpdater updater) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(updater)
                .weightInit(WeightInit.RELU.getWeightInitFunction())
                .biasInit(0.0)
                .list()
                .layer(new DenseLayer.Builder()
                        .name("dense1")
                        .nOut(h1)
                        .activation(Activation.RELU)
                        .build())
                .layer(new DenseLayer.Builder()
                        .name("dense2")
                        .nOut(h2)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .name("output")
                        .nOut(outputs)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(inputSize))
                .build();
    }
}
