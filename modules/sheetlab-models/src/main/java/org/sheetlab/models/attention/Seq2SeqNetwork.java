package org.sheetlab.models.attention;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.layers.attention.AdditivePairsVertex;
import org.sheetlab.layers.attention.AttentionContextVertex;
import org.sheetlab.layers.recurrent.GRU;
import org.sheetlab.models.AbstractNetworkBuilder;
import org.sheetlab.models.ComputationGraphBuilder;

/**
 * Sheet, Attention Mechanism: an encoder–decoder over one-hot tokens (vocabulary V, fixed length T), as a
 * ComputationGraph with inputs {@value #SOURCE} (x [B, V, T]) and {@value #PREVIOUS} (the decoder's previous tokens,
 * teacher-forced, [B, V, T]) and output {@value #OUTPUT} (p [B, V, T]); {@link Builder#build()} gives its
 * {@link ComputationGraphConfiguration}.
 * <ul>
 *   <li>encoder: bidirectional GRU, annotations a_i = [→h_i; ←h_i], [B, 2h, T];</li>
 *   <li>with attention ({@code optAttention(true)}, default): decoder GRU over the previous tokens, states s_t
 *       [B, h, T]; Bahdanau scores e_ti = vᵀ tanh(W_h s_t + b + W_a a_i) (time-distributed dense layers "queries",
 *       "keys", "scores" and {@link AdditivePairsVertex}), α_t = softmax_i e_t and ẑ_t = Σ_i α_ti a_i
 *       ({@link AttentionContextVertex} "context"); output softmax(W [s_t; ẑ_t] + b);</li>
 *   <li>without: the encoder's last step [B, 2h] (a fixed-size summary) is repeated over the T decoder steps and fed
 *       to the decoder GRU beside the previous token; output softmax(W s_t + b). Everything the decoder knows about
 *       the source passes through that one vector.</li>
 * </ul>
 * The sheet writes e_ti with s_{t−1}; here the decoder state s_t after reading the previous token y_{t−1} plays that
 * role (Luong's placement with Bahdanau's additive score), which keeps the attention outside the recurrence.
 *
 * <p>Defaults: h = 64, attention size d = 64, Xavier initialisation, Adam(3e-3), gradient norm clipped at 1 per
 * layer, FLOAT, seed 42.
 */
public final class Seq2SeqNetwork {
    public static final String SOURCE = "source";
    public static final String PREVIOUS = "previous";
    public static final String OUTPUT = "output";
    /** The attention vertex, for {@code AttentionContextVertex.Impl#lastAttention()}. */
    public static final String CONTEXT = "context";

    private Seq2SeqNetwork() {}

    public static Builder builder() {
        return new Builder();
    }

    /** {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder extends AbstractNetworkBuilder<Builder> implements ComputationGraphBuilder {
        private int vocabulary = -1;
        private int steps = -1;
        private int hidden = 64;
        private int attentionSize = 64;
        private boolean attention = true;

        Builder() {
            super(new Adam(3e-3), DataType.FLOAT);
        }

        public Builder setVocabularySize(int v) {
            this.vocabulary = v;
            return this;
        }

        /** T, the fixed length of sources and targets. */
        public Builder setSteps(int steps) {
            this.steps = steps;
            return this;
        }

        public Builder optHidden(int hidden) {
            this.hidden = hidden;
            return this;
        }

        public Builder optAttentionSize(int d) {
            this.attentionSize = d;
            return this;
        }

        public Builder optAttention(boolean attention) {
            this.attention = attention;
            return this;
        }

        /** recurrent(V, T): the type of each input. */
        @Override
        public InputType inputType() {
            return InputType.recurrent(vocabulary, steps);
        }

        /** recurrent(V, T) for {@value Seq2SeqNetwork#SOURCE} and for {@value Seq2SeqNetwork#PREVIOUS}. */
        @Override
        public List<InputType> inputTypes() {
            return List.of(inputType(), inputType());
        }

        /**
         * The graph: inputs {@value Seq2SeqNetwork#SOURCE} and {@value Seq2SeqNetwork#PREVIOUS}, output
         * {@value Seq2SeqNetwork#OUTPUT}.
         */
        @Override
        public ComputationGraphConfiguration build() {
            String owner = "Seq2SeqNetwork";
            require(vocabulary >= 2, owner, "vocabularySize", vocabulary, ">= 2 (setVocabularySize is required)");
            require(steps >= 1, owner, "steps", steps, ">= 1 (setSteps is required)");
            require(hidden >= 1, owner, "hidden", hidden, ">= 1");
            require(attentionSize >= 1, owner, "attentionSize", attentionSize, ">= 1");
            NeuralNetConfiguration.Builder base = base().weightInit(WeightInit.XAVIER)
                    .gradientNormalization(org.deeplearning4j.nn.conf.GradientNormalization.ClipL2PerLayer)
                    .gradientNormalizationThreshold(1.0);
            ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder()
                    .addInputs(SOURCE, PREVIOUS)
                    .addLayer(
                            "encoder",
                            new Bidirectional(
                                    Bidirectional.Mode.CONCAT,
                                    new GRU.Builder().nOut(hidden).build()),
                            SOURCE);
            String outputInput;
            if (attention) {
                g.addLayer("decoder", new GRU.Builder().nOut(hidden).build(), PREVIOUS)
                        .addLayer("keys", dense(attentionSize, false), "encoder")
                        .addLayer("queries", dense(attentionSize, true), "decoder")
                        .addVertex("pairs", new AdditivePairsVertex(), "queries", "keys")
                        .addLayer("scores", dense(1, false), "pairs")
                        .addVertex(CONTEXT, new AttentionContextVertex(), "scores", "encoder")
                        .addVertex("merged", new MergeVertex(), "decoder", CONTEXT);
                outputInput = "merged";
            } else {
                g.addVertex("summary", new LastTimeStepVertex(SOURCE), "encoder")
                        .addVertex("repeated", new DuplicateToTimeSeriesVertex(PREVIOUS), "summary")
                        .addVertex("decoderInput", new MergeVertex(), PREVIOUS, "repeated")
                        .addLayer("decoder", new GRU.Builder().nOut(hidden).build(), "decoderInput");
                outputInput = "decoder";
            }
            return g.addLayer(
                            OUTPUT,
                            new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                    .nOut(vocabulary)
                                    .activation(Activation.SOFTMAX)
                                    .build(),
                            outputInput)
                    .setOutputs(OUTPUT)
                    .setInputTypes(inputType(), inputType())
                    .build();
        }

        private static TimeDistributed dense(int nOut, boolean bias) {
            return new TimeDistributed(new DenseLayer.Builder()
                    .nOut(nOut)
                    .activation(Activation.IDENTITY)
                    .hasBias(bias)
                    .build());
        }
    }
}
