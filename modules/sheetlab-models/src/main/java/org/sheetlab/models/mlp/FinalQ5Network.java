package org.sheetlab.models.mlp;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.models.ComputationGraphBuilder;
import org.sheetlab.models.FeedForwardBuilder;

/**
 * Sheet, "Parameter &amp; Activation Counting", Final Q5: xi = Input(400) → Dense(300, relu) → Dense(100, relu) →
 * Dense(10, softmax), trained with categorical cross-entropy.
 *
 * <p>Shapes: input [B, n_in] → [B, 300] → [B, 100] → [B, n_out]. Parameters: (n_in·300 + 300) + (300·100 + 100) +
 * (100·n_out + n_out); for n_in = 400, n_out = 10 that is 120,300 + 30,100 + 1,010 = 151,410, and 810 activations per
 * sample (400 + 300 + 100 + 10). With n_in = 784 (Fashion-MNIST) it is 266,610 parameters.
 *
 * <pre>{@code
 * FinalQ5Network.Builder b = FinalQ5Network.builder().setInputSize(784).optSeed(42);
 * MultiLayerConfiguration conf = b.build();            // MultiLayerNetwork
 * ComputationGraphConfiguration graph = b.buildGraph(); // ComputationGraph: input "input" → dense1 → dense2 → output
 * ComputationGraphBuilder g = b.asGraph();              // the graph form as a builder (ModelCatalog: final-q5-graph)
 * InputType in = b.inputType();                         // feedForward(784)
 * }</pre>
 *
 * The graph has the same layers, in the same order, with the same seed; initialised, its parameters equal the
 * MultiLayerNetwork's element for element (tested in FinalQ5NetworkTest).
 *
 * Defaults: hidden sizes 300 and 100, 10 outputs, ReLU hidden activations, He initialisation (N(0, 2/n_in), the
 * sheet's "He/Kaiming (ReLU)"), biases 0, Adam(1e-3), FLOAT, seed 42.
 */
public final class FinalQ5Network {
    private FinalQ5Network() {}

    /** The graph's input name ({@link Builder#buildGraph()}). */
    public static final String INPUT_NAME = "input";

    /** Layer names, in order. */
    public static final String[] LAYER_NAMES = {"dense1", "dense2", "output"};

    public static Builder builder() {
        return new Builder();
    }

    /** DJL-style builder: {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder extends FeedForwardBuilder<Builder> {
        private int[] hidden = {300, 100};
        private int outputs = 10;
        private IWeightInit weightInit = WeightInit.RELU.getWeightInitFunction();
        private Activation hiddenActivation = Activation.RELU;

        Builder() {
            super(new Adam(1e-3), DataType.FLOAT);
        }

        /** The two hidden widths; the sheet uses 300 and 100. */
        public Builder optHidden(int first, int second) {
            this.hidden = new int[] {first, second};
            return this;
        }

        /** Number of softmax outputs (classes); 10 on the sheet. */
        public Builder optOutputs(int outputs) {
            this.outputs = outputs;
            return this;
        }

        public Builder optWeightInit(WeightInit weightInit) {
            this.weightInit = weightInit.getWeightInitFunction();
            return this;
        }

        /** Any weight initialiser, e.g. {@code new WeightInitDistribution(new NormalDistribution(0, 1))}. */
        public Builder optWeightInit(IWeightInit weightInit) {
            this.weightInit = weightInit;
            return this;
        }

        /** The hidden layers' activation (ReLU on the sheet). */
        public Builder optHiddenActivation(Activation activation) {
            this.hiddenActivation = activation;
            return this;
        }

        /** The MultiLayerNetwork configuration: dense1 → dense2 → output. */
        @Override
        public MultiLayerConfiguration build() {
            check();
            return base().list()
                    .layer(dense1())
                    .layer(dense2())
                    .layer(output())
                    .setInputType(InputType.feedForward(inputSize))
                    .build();
        }

        /**
         * The same network as a ComputationGraph: input {@value FinalQ5Network#INPUT_NAME} → "dense1" → "dense2" →
         * "output" (the output vertex), same layers, seed, updater and initialisation as {@link #build()}.
         */
        public ComputationGraphConfiguration buildGraph() {
            check();
            return base().graphBuilder()
                    .addInputs(INPUT_NAME)
                    .addLayer(LAYER_NAMES[0], dense1(), INPUT_NAME)
                    .addLayer(LAYER_NAMES[1], dense2(), LAYER_NAMES[0])
                    .addLayer(LAYER_NAMES[2], output(), LAYER_NAMES[1])
                    .setOutputs(LAYER_NAMES[2])
                    .setInputTypes(InputType.feedForward(inputSize))
                    .build();
        }

        /**
         * This builder's graph form as a {@link ComputationGraphBuilder}: a live view whose {@code build()} is
         * {@link #buildGraph()} and whose input type is this builder's.
         */
        public ComputationGraphBuilder asGraph() {
            return new ComputationGraphBuilder() {
                @Override
                public ComputationGraphConfiguration build() {
                    return buildGraph();
                }

                @Override
                public InputType inputType() {
                    return Builder.this.inputType();
                }
            };
        }

        @Override
        protected void check() {
            super.check();
            require(Arrays.stream(hidden).allMatch(h -> h >= 1), "FinalQ5Network", "hidden", hidden, "sizes >= 1");
            require(outputs >= 2, "FinalQ5Network", "outputs", outputs, ">= 2");
        }

        @Override
        protected NeuralNetConfiguration.Builder base() {
            return super.base().weightInit(weightInit).biasInit(0.0);
        }

        private DenseLayer dense1() {
            return new DenseLayer.Builder()
                    .name(LAYER_NAMES[0])
                    .nOut(hidden[0])
                    .activation(hiddenActivation)
                    .build();
        }

        private DenseLayer dense2() {
            return new DenseLayer.Builder()
                    .name(LAYER_NAMES[1])
                    .nOut(hidden[1])
                    .activation(hiddenActivation)
                    .build();
        }

        private OutputLayer output() {
            return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .name(LAYER_NAMES[2])
                    .nOut(outputs)
                    .activation(Activation.SOFTMAX)
                    .build();
        }
    }
}
