package org.sheetlab.models.linear;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.models.NetworkBuilder;

/**
 * Sheet, "Newton Step" / "Condition Number": softmax regression p̂ = softmax(W x + b) with categorical cross-entropy,
 * one DL4J OutputLayer. Shapes: x [B, n_in] → p̂ [B, K]; n_in·K + K parameters (30 → 2: 62). Convex, so its Hessian is
 * positive semi-definite; with K = 2 the softmax is over-parametrised and H is singular without damping. The Newton
 * experiment trains it in DOUBLE.
 *
 * <pre>{@code
 * SoftmaxRegression.Builder b = SoftmaxRegression.builder().setInputSize(30).optOutputs(2)
 *         .optDataType(DataType.DOUBLE).optUpdater(new Sgd(0.1)).optSeed(42);
 * MultiLayerConfiguration conf = b.build();
 * InputType in = b.inputType();   // feedForward(30)
 * }</pre>
 *
 * Defaults: 2 outputs, Xavier initialisation, Sgd(0.1), DOUBLE (second-order work needs it), seed 42. n_in is
 * required. The single layer is left unnamed, as in the experiment it came from.
 */
public final class SoftmaxRegression {
    private SoftmaxRegression() {}

    public static Builder builder() {
        return new Builder();
    }

    /** {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder implements NetworkBuilder {
        private int inputSize = -1;
        private int outputs = 2;
        private long seed = 42;
        private IUpdater updater = new Sgd(0.1);
        private DataType dataType = DataType.DOUBLE;

        /** n_in, the number of features (30 for the breast-cancer data). Required. */
        public Builder setInputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        /** K, the number of classes (2 by default). */
        public Builder optOutputs(int outputs) {
            this.outputs = outputs;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The updater; Sgd(0.1) by default (Newton steps bypass it). */
        public Builder optUpdater(IUpdater updater) {
            this.updater = updater;
            return this;
        }

        /** Network data type; DOUBLE by default. */
        public Builder optDataType(DataType dataType) {
            this.dataType = dataType;
            return this;
        }

        /** feedForward(n_in). */
        @Override
        public InputType inputType() {
            check();
            return InputType.feedForward(inputSize);
        }

        @Override
        public MultiLayerConfiguration build() {
            check();
            return new NeuralNetConfiguration.Builder().seed(seed).dataType(dataType).updater(updater)
                    .weightInit(WeightInit.XAVIER).list()
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(outputs)
                            .activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.feedForward(inputSize)).build();
        }

        private void check() {
            if (inputSize < 1 || outputs < 2) {
                throw new IllegalStateException("SoftmaxRegression: setInputSize(n_in) is required (>= 1) and outputs "
                        + "must be >= 2, got " + inputSize + ", " + outputs);
            }
        }
    }
}
