package org.sheetlab.layers.recurrent;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.layers.LayerWiring;

/**
 * Sheet, LSTM Gates: DL4J's {@link LSTM} (same builder options, parameters, initialization and JSON form with this
 * class named) with a faster CPU forward and backward pass ({@link FastLstmLayer}).
 *
 * <pre>
 *   f_t = σ(W_f·[h_{t−1}, x_t] + b_f)     i_t = σ(W_i·[h_{t−1}, x_t] + b_i)     C̃_t = tanh(W_C·[h_{t−1}, x_t] + b_C)
 *   C_t = f_t ⊙ C_{t−1} + i_t ⊙ C̃_t       o_t = σ(W_o·[h_{t−1}, x_t] + b_o)     h_t = o_t ⊙ tanh(C_t)
 * </pre>
 *
 * <p>Parameters (DL4J's layout, kept): "W" [n_in, 4H] (input weights), "RW" [H, 4H] (recurrent weights), "b" [1, 4H],
 * the 4H columns in DL4J's gate order [C̃, f, o, i] (block input, forget, output, input gate). PyTorch's nn.LSTM
 * stacks [i, f, g = C̃, o] as rows of weight_ih [4H, n_in] / weight_hh [4H, H] with two biases;
 * {@link LstmWeights} converts both ways. Input [B, n_in, T] → output [B, H, T] (NCW).
 *
 * <pre>{@code new FastLSTM.Builder().nIn(28).nOut(128).activation(Activation.TANH).build()}</pre>
 */
public class FastLSTM extends LSTM {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialization. */
    public FastLSTM() {}

    /** A FastLSTM with every setting of {@code lstm} (a configuration built by DL4J's builder). */
    public static FastLSTM of(LSTM lstm) {
        FastLSTM out = new FastLSTM();
        for (Class<?> c = LSTM.class; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    f.set(out, f.get(lstm));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new IllegalStateException("FastLSTM: cannot copy LSTM setting " + f.getName(), e);
                }
            }
        }
        return out;
    }

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        Layer layer = new FastLstmLayer(conf, networkDataType);
        return LayerWiring.instantiate(this, layer, conf, listeners, layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public FastLSTM clone() {
        return (FastLSTM) super.clone();
    }

    /** DL4J's {@code LSTM.Builder} with every option, building a {@link FastLSTM}. */
    public static class Builder extends LSTM.Builder {
        @Override
        public FastLSTM build() {
            return FastLSTM.of(super.build());
        }
    }
}
