package org.sheetlab.models.catalog;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.models.NetworkBuilder;
import org.sheetlab.models.NetworkSpec;
import org.sheetlab.models.attention.Seq2SeqNetwork;
import org.sheetlab.models.blocks.MobileNetClassifier;
import org.sheetlab.models.blocks.ResNetClassifier;
import org.sheetlab.models.cnn.PoolingCnn;
import org.sheetlab.models.cnn.PoolingKind;
import org.sheetlab.models.detection.YoloDetector;
import org.sheetlab.models.gan.Gan;
import org.sheetlab.models.linear.SoftmaxRegression;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.models.moe.MoeClassifier;
import org.sheetlab.models.rnn.CharRnnLm;
import org.sheetlab.models.rnn.RowRnnClassifier;
import org.sheetlab.models.uncertainty.McDropoutMlp;
import org.sheetlab.models.vae.VaeNetwork;
import org.sheetlab.models.vision.Vgg19;
import org.sheetlab.models.vision.style.StyleFeatureNet;

/**
 * Every model family of sheetlab-models, by the name the CLI uses ({@code sheetlab count <name> [--input N]}): each
 * entry gives a {@link NetworkBuilder} with the experiments' defaults: MultiLayerNetworks, ComputationGraphs
 * (final-q5-graph, the seq2seq pair) and the GAN (two networks) alike. A tool reads any entry through
 * {@link NetworkBuilder#networks()}: each network's configuration, input types, count and initialised form.
 *
 * <p>For the feed-forward models n_in is free ({@link Entry#freeInputSize()}: the caller's input size, or the entry's
 * default); the CNN, the RNNs, the sequence models and the convolutional VAE and GAN have a fixed input and ignore it.
 */
public final class ModelCatalog {
    /** The vocabulary size V of the attention experiment's words ("_^a…z"). */
    static final int SEQ2SEQ_VOCABULARY = 28;

    /** The attention experiment's word length T. */
    static final int SEQ2SEQ_STEPS = 10;

    /** The character LM's vocabulary size V (newline and WordNet's 49 characters). */
    static final int CHAR_VOCABULARY = 50;

    /**
     * One named model.
     *
     * @param name the CLI name
     * @param description one line: what it is and where the sheet has it
     * @param freeInputSize whether n_in is a free choice (feed-forward models) rather than fixed by the network
     * @param defaultInputSize n_in used when none is given (for fixed-input networks: their flat input size)
     * @param factory n_in → a builder with the experiment's defaults (the argument is ignored when the input is fixed)
     */
    public record Entry(
            String name,
            String description,
            boolean freeInputSize,
            int defaultInputSize,
            IntFunction<NetworkBuilder<?>> factory) {
        /** A builder for {@code inputSize} features (ignored unless {@link #freeInputSize()}). */
        public NetworkBuilder<?> builder(int inputSize) {
            return factory.apply(inputSize);
        }

        /** A builder for the default input size. */
        public NetworkBuilder<?> builder() {
            return factory.apply(defaultInputSize);
        }
    }

    private static final Map<String, Entry> MODELS = new LinkedHashMap<>();

    static {
        free(
                "final-q5",
                "Final Q5 MLP n_in -> 300 -> 100 -> 10 (relu, softmax); the sheet counts n_in = 400",
                400,
                n -> FinalQ5Network.builder().setInputSize(n));
        free(
                "final-q5-graph",
                "Final Q5 MLP as a ComputationGraph (input -> dense1 -> dense2 -> output); same counts as final-q5",
                400,
                n -> FinalQ5Network.builder().setInputSize(n).asGraph());
        free(
                "recall-first-mlp",
                "Final Q5 shape with widths 16, 8 and 2 outputs (breast cancer, n_in = 30)",
                30,
                n -> FinalQ5Network.builder()
                        .setInputSize(n)
                        .optHidden(16, 8)
                        .optOutputs(2)
                        .optSeed(42)
                        .optUpdater(new Adam(1e-3)));
        free(
                "newton-softmax",
                "softmax regression n_in -> 2 (DOUBLE) for Newton's method (breast cancer, n_in = 30: 62 parameters)",
                30,
                n -> SoftmaxRegression.builder().setInputSize(n).optOutputs(2));
        free(
                "mc-dropout-mlp",
                "Q4b MC-dropout MLP n_in -> 300 -> BN -> 100 (dropout) -> BN -> 10 (dropout)",
                784,
                n -> McDropoutMlp.builder()
                        .setInputSize(n)
                        .optRetain(0.5)
                        .optSeed(42)
                        .optUpdater(new Adam(1e-3)));
        fixed(
                "pooling-cnn",
                "Final Q1 CNN on 28x28x1: conv5x5x16 -> pool -> conv5x5x32 -> pool -> 64 -> 10 "
                        + "(max pooling; every pooling kind has the same counts)",
                () -> PoolingCnn.builder()
                        .setPooling(PoolingKind.MAX)
                        .optSeed(42)
                        .optUpdater(new Adam(1e-3)));
        fixed(
                "resnet-small",
                "ResNet on 28x28x1: stem conv3x3x16 -> residual blocks y = relu(F(x) + x) of widths 16, 32 (the "
                        + "second with stride 2 and a 1x1 projection skip) -> global avg pool -> 10 (batch norm)",
                () -> ResNetClassifier.builder());
        fixed(
                "mobilenet-small",
                "MobileNet-style net on 28x28x1: stem conv3x3x16 -> depthwise-separable blocks (depthwise 3x3, "
                        + "ReLU6, pointwise 1x1, ReLU6) of widths 32, 64, 128 -> global avg pool -> 10 (batch norm)",
                () -> MobileNetClassifier.builder());
        for (RowRnnClassifier.Cell cell : RowRnnClassifier.Cell.values()) {
            String what = switch (cell) {
                case SIGN -> "Final Q7 sign-RNN";
                case TANH -> "Simple RNN with tanh";
                case LSTM -> "LSTM";
                case GRU -> "GRU";
            };
            fixed(
                    cell.name().toLowerCase(java.util.Locale.ROOT) + "-rnn",
                    what + " (h = 64) reading 28x28 images row by row, softmax on the last step",
                    () -> RowRnnClassifier.builder()
                            .setCell(cell)
                            .optHidden(64)
                            .optSeed(42)
                            .optUpdater(new Adam(2e-3)));
        }
        for (CharRnnLm.Cell cell : CharRnnLm.Cell.values()) {
            fixed(
                    "char-" + cell.name().toLowerCase(java.util.Locale.ROOT),
                    "character language model: " + cell + " (h = 128) -> softmax over V = " + CHAR_VOCABULARY
                            + " characters at each of T = 64 steps",
                    () -> CharRnnLm.builder()
                            .setCell(cell)
                            .setVocabularySize(CHAR_VOCABULARY)
                            .optHidden(128)
                            .optSteps(64));
        }
        fixed(
                "seq2seq-attention",
                "encoder-decoder graph with Bahdanau attention: bidirectional GRU (h = 64) over V = "
                        + SEQ2SEQ_VOCABULARY + ", T = " + SEQ2SEQ_STEPS + "; two inputs (source, previous)",
                () -> seq2seq(true));
        fixed(
                "seq2seq",
                "the same encoder-decoder graph without attention: the decoder reads the encoder's last step",
                () -> seq2seq(false));
        free(
                "moe",
                "Final Q4 mixture of experts: n_in -> MoE(4 experts x 64, top-2, load balancing 0.1) -> 10",
                784,
                n -> moe(n).setKind(MoeClassifier.Kind.MOE));
        free(
                "moe-dense",
                "the MoE's dense baseline: n_in -> Dense(H, relu) -> 10, H chosen for the MoE's parameter count",
                784,
                n -> moe(n).setKind(MoeClassifier.Kind.DENSE));
        free(
                "vae",
                "VAE: n_in -> 256 -> [mu | log var] (k = 2) -> z -> 256 -> n_in (sigmoid, Bernoulli decoder)",
                784,
                n -> VaeNetwork.builder().setInputSize(n).optHidden(256).optLatent(2));
        fixed(
                "vae-conv",
                "convolutional VAE on 28x28x1: conv4x4s2x32 -> conv4x4s2x64 -> [mu | log var] (k = 2) -> z -> "
                        + "deconvolutions back to 28x28",
                () -> VaeNetwork.builder().setInputSize(784).optLatent(2).optConvolutional(true));
        free(
                "gan",
                "GAN, two networks: generator z (64) -> 256 -> n (sigmoid) and discriminator n -> 256 -> 1",
                784,
                n -> Gan.builder().optSize(n));
        fixed(
                "gan-conv",
                "DCGAN-style GAN on 28x28x1, two networks: generator z (64) -> 64x7x7 -> deconv 32 -> deconv 1, "
                        + "discriminator conv 32 -> avg pool -> conv 64 -> avg pool -> 1",
                () -> Gan.builder().optArchitecture(Gan.Architecture.CONVOLUTIONAL));
        fixed(
                "vgg19",
                "Transfer Learning Q2d: VGG19 with the Keras layer names on 224x224x3, five blocks of 3x3 convolutions "
                        + "(64/128/256/512/512) -> fc1 4096 -> fc2 4096 -> 1000 (143,667,240 parameters)",
                Vgg19::builder);
        fixed(
                "vgg19-small",
                "VGG19 at width 0.125 on 32x32x3 (8/16/32/64/64 channels, fc 512) -> 5 classes, for CPU transfer runs",
                () -> Vgg19.builder().optInputSize(32, 32, 3).optWidth(0.125).optClasses(5));
        fixed(
                "style-features",
                "Neural Style Transfer: a small VGG-shaped feature network with the Keras names, 3 blocks of two 3x3 "
                        + "convolutions (16/32/64) and 2x2 max pooling, no head, on 64x64x3 (72,080 parameters)",
                StyleFeatureNet::builder);
        fixed(
                "yolo-small",
                "YOLOv2-style detector on 96x96x1: conv3x3 16/32/64/128 (BN, leaky ReLU 0.1) with 2x2 max pooling "
                        + "between, conv3x3 128, conv1x1 -> Yolo2OutputLayer on a 12x12 grid, 5 priors x (5 + 10 classes)",
                () -> YoloDetector.builder().inputShape(1, 96, 96).classes(10).anchors(Nd4j.create(new double[][] {
                    {2, 3}, {3, 4}, {4, 5}, {3, 2}, {5, 3}
                })));
    }

    private ModelCatalog() {}

    private static Seq2SeqNetwork.Builder seq2seq(boolean attention) {
        return Seq2SeqNetwork.builder()
                .setVocabularySize(SEQ2SEQ_VOCABULARY)
                .setSteps(SEQ2SEQ_STEPS)
                .optHidden(64)
                .optAttention(attention);
    }

    private static MoeClassifier.Builder moe(int inputSize) {
        return MoeClassifier.builder()
                .setInputSize(inputSize)
                .optExperts(4)
                .optExpertSize(64)
                .optTopK(2)
                .optLoadBalancing(0.1);
    }

    private static void free(String name, String description, int defaultInputSize, IntFunction<NetworkBuilder<?>> f) {
        MODELS.put(name, new Entry(name, description, true, defaultInputSize, f));
    }

    private static void fixed(String name, String description, java.util.function.Supplier<NetworkBuilder<?>> f) {
        NetworkBuilder<?> probe = f.get();
        MODELS.put(
                name,
                new Entry(name, description, false, (int) probe.inputType().arrayElementsPerExample(), n -> f.get()));
    }

    /** The names, in catalog order. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(MODELS.keySet());
    }

    /** Every entry, in catalog order. */
    public static Collection<Entry> entries() {
        return Collections.unmodifiableCollection(MODELS.values());
    }

    /** The entry called {@code name}; IllegalArgumentException naming the known models otherwise. */
    public static Entry entry(String name) {
        Entry e = MODELS.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known models: " + names());
        }
        return e;
    }

    /** The builder of model {@code name} for {@code inputSize} features (ignored for fixed-input models). */
    public static NetworkBuilder<?> builder(String name, int inputSize) {
        return entry(name).builder(inputSize);
    }

    /** The networks of model {@code name} for {@code inputSize} features (ignored for fixed-input models). */
    public static List<NetworkSpec> networks(String name, int inputSize) {
        return builder(name, inputSize).networks();
    }

    /** The input type of model {@code name} for {@code inputSize} features (ignored for fixed-input models). */
    public static InputType inputType(String name, int inputSize) {
        return builder(name, inputSize).inputType();
    }
}
