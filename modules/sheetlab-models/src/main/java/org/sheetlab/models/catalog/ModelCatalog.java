package org.sheetlab.models.catalog;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.learning.config.Adam;
import org.sheetlab.models.NetworkBuilder;
import org.sheetlab.models.cnn.PoolingCnn;
import org.sheetlab.models.cnn.PoolingKind;
import org.sheetlab.models.linear.SoftmaxRegression;
import org.sheetlab.models.mlp.FinalQ5Network;
import org.sheetlab.models.rnn.RowRnnClassifier;
import org.sheetlab.models.uncertainty.McDropoutMlp;

/**
 * The sheet's named networks, by the name the CLI uses ({@code sheetlab count <name> [--input N]}): each entry gives a
 * {@link NetworkBuilder} with the experiments' defaults, so its configuration and its own {@link InputType}. For the
 * MLPs n_in is free ({@link Entry#freeInputSize()}: the caller's input size, or the entry's default); the CNN and the
 * RNNs have a fixed input and ignore it.
 */
public final class ModelCatalog {
    /**
     * One named network.
     *
     * @param name the CLI name
     * @param description one line: what it is and where the sheet has it
     * @param freeInputSize whether n_in is a free choice (MLPs) rather than fixed by the network (CNN, RNN)
     * @param defaultInputSize n_in used when none is given (for fixed-input networks: their flat input size)
     * @param factory n_in → a builder with the experiment's defaults (the argument is ignored when the input is fixed)
     */
    public record Entry(
            String name,
            String description,
            boolean freeInputSize,
            int defaultInputSize,
            IntFunction<NetworkBuilder> factory) {
        /** A builder for {@code inputSize} features (ignored unless {@link #freeInputSize()}). */
        public NetworkBuilder builder(int inputSize) {
            return factory.apply(inputSize);
        }

        /** A builder for the default input size. */
        public NetworkBuilder builder() {
            return factory.apply(defaultInputSize);
        }
    }

    private static final Map<String, Entry> MODELS = new LinkedHashMap<>();

    static {
        add(new Entry(
                "final-q5",
                "Final Q5 MLP n_in -> 300 -> 100 -> 10 (relu, softmax); the sheet counts n_in = 400",
                true,
                400,
                n -> FinalQ5Network.builder().setInputSize(n)));
        add(new Entry(
                "pooling-cnn",
                "Final Q1 CNN on 28x28x1: conv5x5x16 -> pool -> conv5x5x32 -> pool -> 64 -> 10 "
                        + "(max pooling; every pooling kind has the same counts)",
                false,
                784,
                n -> PoolingCnn.builder()
                        .setPooling(PoolingKind.MAX)
                        .optSeed(42)
                        .optUpdater(new Adam(1e-3))));
        add(new Entry(
                "sign-rnn",
                "Final Q7 sign-RNN (h = 64) reading 28x28 images row by row, softmax on the last step",
                false,
                784,
                n -> RowRnnClassifier.builder()
                        .setCell(RowRnnClassifier.Cell.SIGN)
                        .optHidden(64)
                        .optSeed(42)
                        .optUpdater(new Adam(2e-3))));
        add(new Entry(
                "tanh-rnn",
                "Simple RNN with tanh (h = 64) reading 28x28 images row by row, softmax on the last " + "step",
                false,
                784,
                n -> RowRnnClassifier.builder()
                        .setCell(RowRnnClassifier.Cell.TANH)
                        .optHidden(64)
                        .optSeed(42)
                        .optUpdater(new Adam(2e-3))));
        add(new Entry(
                "mc-dropout-mlp",
                "Q4b MC-dropout MLP n_in -> 300 -> BN -> 100 (dropout) -> BN -> 10 (dropout)",
                true,
                784,
                n -> McDropoutMlp.builder()
                        .setInputSize(n)
                        .optRetain(0.5)
                        .optSeed(42)
                        .optUpdater(new Adam(1e-3))));
        add(new Entry(
                "recall-first-mlp",
                "Final Q5 shape with widths 16, 8 and 2 outputs (breast cancer, n_in = 30)",
                true,
                30,
                n -> FinalQ5Network.builder()
                        .setInputSize(n)
                        .optHidden(16, 8)
                        .optOutputs(2)
                        .optSeed(42)
                        .optUpdater(new Adam(1e-3))));
        add(new Entry(
                "newton-softmax",
                "softmax regression n_in -> 2 (DOUBLE) for Newton's method (breast cancer, "
                        + "n_in = 30: 62 parameters)",
                true,
                30,
                n -> SoftmaxRegression.builder().setInputSize(n).optOutputs(2)));
    }

    private ModelCatalog() {}

    private static void add(Entry e) {
        MODELS.put(e.name(), e);
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
    public static NetworkBuilder builder(String name, int inputSize) {
        return entry(name).builder(inputSize);
    }

    /** The configuration of model {@code name} for {@code inputSize} features (ignored for fixed-input models). */
    public static MultiLayerConfiguration build(String name, int inputSize) {
        return builder(name, inputSize).build();
    }

    /** The input type of model {@code name} for {@code inputSize} features (ignored for fixed-input models). */
    public static InputType inputType(String name, int inputSize) {
        return builder(name, inputSize).inputType();
    }
}
