package org.sheetlab.models.rnn;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.data.text.Vocabulary;
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
 * (h + 1)V. Generation: {@code rnnTimeStep} one character at a time (both layers keep their state between calls),
 * {@link #sample} with temperature τ ({@link #draw}).
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

    /**
     * Generates {@code n} characters after {@code prompt} with a trained model over {@code vocabulary} (V symbols):
     * the prompt is fed through {@code rnnTimeStep} one character at a time (x [1, V, 1]), then each character drawn
     * from the last output p [1, V, 1] with {@link #draw} (temperature τ) is fed back. Returns the prompt followed by
     * the n characters. With an empty prompt the first character is id 0. The network's recurrent state is cleared
     * before and after, and the draws come from {@code new Random(seed)}, so a seed gives the same text.
     */
    public static String sample(
            MultiLayerNetwork net, Vocabulary vocabulary, String prompt, int n, double temperature, long seed) {
        if (n < 0 || !(temperature > 0)) {
            throw new IllegalArgumentException(
                    "sample: n must be >= 0 and the temperature > 0; got " + n + ", " + temperature);
        }
        int v = vocabulary.size();
        int[] promptIds = new int[prompt.length()];
        for (int i = 0; i < promptIds.length; i++) {
            promptIds[i] = vocabulary.id(prompt.charAt(i));
        }
        Random rnd = new Random(seed);
        net.rnnClearPreviousState();
        INDArray p = null;
        for (int id : promptIds) {
            p = net.rnnTimeStep(oneHot(id, v, net));
        }
        StringBuilder sb = new StringBuilder(prompt);
        for (int i = 0; i < n; i++) {
            int next = p == null ? 0 : draw(p.reshape(v).toDoubleVector(), temperature, rnd);
            sb.append(vocabulary.symbol(next));
            p = net.rnnTimeStep(oneHot(next, v, net));
        }
        net.rnnClearPreviousState();
        return sb.toString();
    }

    private static INDArray oneHot(int index, int v, MultiLayerNetwork net) {
        INDArray x = Nd4j.zeros(net.params().dataType(), 1, v, 1);
        x.putScalar(new long[] {0, index, 0}, 1.0);
        return x;
    }

    /**
     * One draw at temperature τ from the probabilities p [V] (the model's softmax output): index i with probability
     * w_i / Σ_j w_j, w_i = max(p_i, 0)^(1/τ). For p = softmax(z) that is softmax(z / τ): τ = 1 samples p itself,
     * τ → 0 approaches arg max p, τ → ∞ the uniform distribution. One {@code rnd.nextDouble()} per draw (inverse
     * CDF, first index on the boundary). When every w_i underflows to 0 (τ tiny), returns the limit, arg max p (its
     * first maximum).
     */
    public static int draw(double[] p, double temperature, Random rnd) {
        if (!(temperature > 0) || p.length == 0) {
            throw new IllegalArgumentException("draw: the temperature must be > 0 and p non-empty; got " + temperature
                    + " and " + p.length + " probabilities");
        }
        double[] w = new double[p.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            w[i] = Math.pow(Math.max(p[i], 0), 1.0 / temperature);
            sum += w[i];
        }
        double u = rnd.nextDouble() * sum;
        if (!(sum > 0)) {
            return argMax(p);
        }
        for (int i = 0; i < w.length; i++) {
            u -= w[i];
            if (u <= 0) {
                return i;
            }
        }
        return w.length - 1;
    }

    private static int argMax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
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
