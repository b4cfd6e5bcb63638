package org.sheetlab.models.linear;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.models.FeedForwardBuilder;

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
    public static final class Builder extends FeedForwardBuilder<Builder> {
        private int outputs = 2;

        /** Sgd(0.1) (Newton steps bypass it) and DOUBLE by default. */
        Builder() {
            super(new Sgd(0.1), DataType.DOUBLE);
        }

        /** K, the number of classes (2 by default). */
        public Builder optOutputs(int outputs) {
            this.outputs = outputs;
            return this;
        }

        @Override
        public MultiLayerConfiguration build() {
            check();
            return base().weightInit(WeightInit.XAVIER)
                    .list()
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .nOut(outputs)
                            .activation(Activation.SOFTMAX)
                            .build())
                    .setInputType(InputType.feedForward(inputSize))
                    .build();
        }

        @Override
        protected void check() {
            super.check();
            require(outputs >= 2, "SoftmaxRegression", "outputs", outputs, ">= 2");
        }
    }
}
