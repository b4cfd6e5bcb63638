package org.sheetlab.models.rnn;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.models.AbstractNetworkBuilder;
import org.sheetlab.models.MultiLayerNetworkBuilder;

/**
 * Sheet, "LSTM Gates" and "GRU": a character-level language model. Each step reads one character (one-hot over a
 * vocabulary of V) and predicts the next: recurrent layer (LSTM or GRU, h units) → softmax over V at every step,
 * trained with cross-entropy. Shapes: x [B, V, T] → states [B, h, T] → p [B, V, T] (NCW). The perplexity of held-out
 * text is exp(mean −log p(next character)).
 *
 * <pre>{@code
 * MultiLayerConfiguration conf = CharRnnLm.builder().setVocabularySize(50).setCell(CharRnnLm.Cell.GRU)
 *         .optHidden(128).build();
 * }</pre>
 *
 * Defaults: h = 128, Xavier initialisation, Adam(2e-3), gradient norm clipped at 1 (per layer, DL4J's
 * ClipL2PerLayer), FLOAT, seed 42. Parameters: LSTM 4h(V + h + 1), GRU 3h(V + h + 1) (the sheet's form), output
 * (h + 1)V. Generation: {@code rnnTimeStep} one character at a time (both layers keep their state between calls).
 */
public final class CharRnnLm {
    /** The recurrent layer. */
    public enum Cell {
        LSTM,
        GRU
    }

    private CharRnnLm() {}

    public static Builder builder() {
        return new Builder();
    }

    /** {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder extends AbstractNetworkBuilder<Builder> implements MultiLayerNetworkBuilder {
        private Cell cell;
        private int vocabulary = -1;
        private int hidden = 128;
        private int steps = 64;

        Builder() {
            super(new Adam(2e-3), DataType.FLOAT);
        }

        public Builder setCell(Cell cell) {
            this.cell = cell;
            return this;
        }

        /** V, the number of distinct characters (the one-hot width of inputs and outputs). Required. */
        public Builder setVocabularySize(int v) {
            this.vocabulary = v;
            return this;
        }

        public Builder optHidden(int hidden) {
            this.hidden = hidden;
            return this;
        }

        /**
         * T, the training window length (64 by default). It only sizes the activation counts of the parameter table;
         * the network reads sequences of any length.
         */
        public Builder optSteps(int steps) {
            this.steps = steps;
            return this;
        }

        /** recurrent(V, T): V features per step, T steps. */
        @Override
        public InputType inputType() {
            return InputType.recurrent(vocabulary, steps);
        }

        @Override
        public MultiLayerConfiguration build() {
            require(cell != null, "CharRnnLm", "cell", cell, "LSTM or GRU (setCell is required)");
            require(vocabulary >= 2, "CharRnnLm", "vocabularySize", vocabulary, ">= 2 (setVocabularySize is required)");
            require(hidden >= 1, "CharRnnLm", "hidden", hidden, ">= 1");
            require(steps >= 1, "CharRnnLm", "steps", steps, ">= 1");
            Layer rnn = cell == Cell.LSTM ? RecurrentCells.lstm(hidden) : RecurrentCells.gru(hidden);
            return base().weightInit(WeightInit.XAVIER)
                    .gradientNormalization(org.deeplearning4j.nn.conf.GradientNormalization.ClipL2PerLayer)
                    .gradientNormalizationThreshold(1.0)
                    .list()
                    .layer(rnn)
                    .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .name("output")
                            .nOut(vocabulary)
                            .activation(Activation.SOFTMAX)
                            .build())
                    .setInputType(inputType())
                    .build();
        }
    }
}
