package org.sheetlab.models.rnn;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.layers.recurrent.FastLSTM;
import org.sheetlab.layers.recurrent.GRU;
import org.sheetlab.layers.recurrent.SignRnn;
import org.sheetlab.models.AbstractNetworkBuilder;
import org.sheetlab.models.MultiLayerNetworkBuilder;

/**
 * Sheet, "Simple RNN" (Final Q7): reads a 28×28 image as 28 steps of 28 pixels ([B, 28, 28] NCW: features × time,
 * {@code InputType.recurrent(28, 28)}; see {@link RowsAsSteps}) and classifies it from the last step: recurrent layer
 * → last time step → dense softmax over 10 classes. Shapes: [B, 28, 28] → states [B, h, 28] → [B, h] → [B, 10].
 * <ul>
 *   <li>{@link Cell#SIGN}: the sheet's Final Q7 sign-RNN, s_t = sign(W s_{t−1} + U x_t), o_t = ReLU(V s_t).</li>
 *   <li>{@link Cell#TANH}: DL4J's SimpleRnn, the sheet's s_t = tanh(W s_{t−1} + U x_t) (DL4J adds a bias).</li>
 *   <li>{@link Cell#LSTM}: the sheet's LSTM gates f, i, C̃, C, o, h ({@link FastLSTM}: DL4J's LSTM, faster on CPU).</li>
 *   <li>{@link Cell#GRU}: the sheet's GRU, r, z, h̃ = tanh(W[r ⊙ h_{t−1}, x_t] + b) ({@link GRU}).</li>
 * </ul>
 *
 * <pre>{@code
 * RowRnnClassifier.Builder b = RowRnnClassifier.builder().setCell(RowRnnClassifier.Cell.SIGN).optHidden(64);
 * MultiLayerConfiguration conf = b.build();
 * InputType in = b.inputType();   // recurrent(28, 28)
 * }</pre>
 *
 * Defaults: hidden size 64, Xavier initialisation, Adam(2e-3), FLOAT (DL4J's default), seed 42. The cell is required.
 */
public final class RowRnnClassifier {
    /** The recurrent cell. */
    public enum Cell {
        SIGN,
        TANH,
        LSTM,
        GRU
    }

    private RowRnnClassifier() {}

    public static Builder builder() {
        return new Builder();
    }

    /** {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder extends AbstractNetworkBuilder<Builder> implements MultiLayerNetworkBuilder {
        private Cell cell;
        private int hidden = 64;

        /** Adam(2e-3), FLOAT by default. */
        Builder() {
            super(new Adam(2e-3), DataType.FLOAT);
        }

        /** The recurrent cell. Required. */
        public Builder setCell(Cell cell) {
            this.cell = cell;
            return this;
        }

        /** Hidden state size h (64 by default). */
        public Builder optHidden(int hidden) {
            this.hidden = hidden;
            return this;
        }

        /** recurrent(28, 28): 28 features per step, 28 steps. */
        @Override
        public InputType inputType() {
            return InputType.recurrent(28, 28);
        }

        @Override
        public MultiLayerConfiguration build() {
            require(cell != null, "RowRnnClassifier", "cell", cell, "SIGN, TANH, LSTM or GRU (setCell is required)");
            require(hidden >= 1, "RowRnnClassifier", "hidden", hidden, ">= 1");
            Layer rnn = switch (cell) {
                case SIGN ->
                    new SignRnn.Builder()
                            .name("sign_rnn")
                            .hiddenSize(hidden)
                            .nOut(hidden)
                            .build();
                case TANH ->
                    new SimpleRnn.Builder()
                            .name("tanh_rnn")
                            .nOut(hidden)
                            .activation(Activation.TANH)
                            .build();
                case LSTM -> RecurrentCells.lstm(hidden);
                case GRU -> RecurrentCells.gru(hidden);
            };
            return base().weightInit(WeightInit.XAVIER)
                    .list()
                    .layer(new LastTimeStep(rnn))
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .name("output")
                            .nOut(10)
                            .activation(Activation.SOFTMAX)
                            .build())
                    .setInputType(inputType())
                    .build();
        }
    }
}
