package org.sheetlab.models.rnn;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.activations.Activation;
import org.sheetlab.layers.recurrent.FastLSTM;
import org.sheetlab.layers.recurrent.GRU;

/**
 * The recurrent layers that {@link RowRnnClassifier} and {@link CharRnnLm} share, named as their parameter tables and
 * tests expect: states [B, h, T] from inputs [B, n_in, T] (NCW).
 */
final class RecurrentCells {
    private RecurrentCells() {}

    /** Sheet, "LSTM Gates": f, i, C̃, C, o, h with tanh ({@link FastLSTM}, DL4J's LSTM), named "lstm". */
    static Layer lstm(int hidden) {
        return new FastLSTM.Builder()
                .name("lstm")
                .nOut(hidden)
                .activation(Activation.TANH)
                .build();
    }

    /** Sheet, "GRU": r, z, h̃ = tanh(W[r ⊙ h_{t−1}, x_t] + b) ({@link GRU}), named "gru". */
    static Layer gru(int hidden) {
        return new GRU.Builder().name("gru").nOut(hidden).build();
    }
}
