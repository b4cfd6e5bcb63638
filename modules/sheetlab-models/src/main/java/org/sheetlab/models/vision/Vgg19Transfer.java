package org.sheetlab.models.vision;

import static org.sheetlab.core.settings.InvalidSettingException.require;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sheetlab.core.settings.InvalidSettingException;

/**
 * Sheet, "Transfer Learning ★ FINAL Q2d: VGG19 Strategy" as one call: from a VGG19 {@link ComputationGraph} with the
 * Keras layer names ({@link Vgg19}, pretrained or not),
 *
 * <ol>
 *   <li>branch at block5_pool (the last spatial features): everything after it (Keras' flatten, fc1, fc2,
 *       predictions) is removed;</li>
 *   <li>freeze block1–block3 (general low-level features; {@code optFreezeThrough(k)} freezes blocks 1..k, k = 0..5:
 *       "more data → unfreeze more layers" lowers k);</li>
 *   <li>train block4, block5 and a new head {@value #HEAD_FLATTEN} → {@value #HEAD_DENSE} Dense(256, relu) →
 *       {@value #HEAD_OUTPUT} Dense(5, softmax) (MCXENT loss).</li>
 * </ol>
 *
 * Shapes: block5_pool [B, C5, H/32, W/32] → flatten [B, C5·(H/32)·(W/32)] → [B, 256] → [B, 5]. The head has
 * (C5·⌊H/32⌋·⌊W/32⌋)·256 + 256 + 256·5 + 5 parameters: 25,088·256 + 256 + 256·5 + 5 = 6,424,069 on the real VGG19 at 224×224.
 *
 * <p>Built with DL4J's {@link TransferLearning.GraphBuilder}: {@code setFeatureExtractor("block{k}_pool")} turns
 * block1_conv1 … block{k}_pool into {@link FrozenLayer}s (no gradient, no update: their parameters stay bit-identical
 * through any fit), and a {@link FineTuneConfiguration} gives the trainable layers the fine-tuning updater and seed.
 * The kept layers keep their parameters; the head is initialised (He, Xavier for the softmax) from the seed.
 *
 * <pre>{@code
 * Vgg19.Builder b = Vgg19.builder().optInputSize(64, 64, 3).optWidth(0.125);
 * ComputationGraph vgg = b.init();                       // or loaded: Vgg19Weights
 * ComputationGraph net = Vgg19Transfer.builder()
 *         .optInputType(b.inputType())                   // needed only when the graph has no flatten vertex
 *         .optFreezeThrough(3)                           // the sheet: freeze block1–block3
 *         .optUpdater(new Adam(1e-4))
 *         .transfer(vgg);
 * net.fit(dataSet);                                      // input [B, 3, 64, 64], labels [B, 5]
 * }</pre>
 *
 * Defaults: freeze through block 3, head 256 → 5, Adam(1e-4), seed 42.
 */
public final class Vgg19Transfer {
    /** The new head's flatten vertex. */
    public static final String HEAD_FLATTEN = "head_flatten";

    /** The new head's hidden Dense(256, relu) layer. */
    public static final String HEAD_DENSE = "head_dense";

    /** The new head's Dense(5, softmax) output layer. */
    public static final String HEAD_OUTPUT = "head_output";

    /** The sheet's branch point. */
    public static final String BRANCH = "block5_pool";

    private Vgg19Transfer() {}

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The number of parameters that a fit can change: those of every layer that is not a {@link FrozenLayer} (block4,
     * block5 and the head with the sheet's freeze).
     */
    public static long trainableParameters(ComputationGraph graph) {
        long n = 0;
        for (org.deeplearning4j.nn.api.Layer l : graph.getLayers()) {
            if (!(l instanceof FrozenLayer) && !(l instanceof FrozenLayerWithBackprop)) {
                n += l.numParams();
            }
        }
        return n;
    }

    /** Whether layer {@code name} of {@code graph} is frozen. */
    public static boolean isFrozen(ComputationGraph graph, String name) {
        org.deeplearning4j.nn.api.Layer l = graph.getLayer(name);
        return l instanceof FrozenLayer || l instanceof FrozenLayerWithBackprop;
    }

    /** {@code optX} for every value: all have the sheet's defaults. */
    public static final class Builder {
        private int freezeThrough = 3;
        private int hidden = 256;
        private int classes = 5;
        private IUpdater updater = new Adam(1e-4);
        private long seed = 42;
        private InputType inputType;

        Builder() {}

        /**
         * Freeze blocks 1..k (k = 0..5; 3 by default, the sheet's block1–block3). 0 fine-tunes everything (much
         * data), 5 trains only the head (little data).
         */
        public Builder optFreezeThrough(int k) {
            this.freezeThrough = k;
            return this;
        }

        /** The head's hidden Dense size (256 by default). */
        public Builder optHidden(int hidden) {
            this.hidden = hidden;
            return this;
        }

        /** The number of target classes (5 by default, the sheet's skin conditions). */
        public Builder optClasses(int classes) {
            this.classes = classes;
            return this;
        }

        /** The updater of the trainable layers (Adam(1e-4) by default: fine-tuning steps are small). */
        public Builder optUpdater(IUpdater updater) {
            this.updater = updater;
            return this;
        }

        /** Seed of the head's initialisation (42 by default). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The graph's input type, from which block5_pool's shape follows. Not needed when the graph has Vgg19's
         * {@code flatten} vertex (a {@link Vgg19} graph with the top), whose preprocessor states that shape.
         */
        public Builder optInputType(InputType inputType) {
            this.inputType = inputType;
            return this;
        }

        public int freezeThrough() {
            return freezeThrough;
        }

        /**
         * A new graph: {@code vgg} branched at block5_pool, blocks 1..k frozen, the new head on top. {@code vgg} itself
         * is left as it was (DL4J copies its parameters).
         */
        public ComputationGraph transfer(ComputationGraph vgg) {
            String owner = "Vgg19Transfer";
            require(
                    freezeThrough >= 0 && freezeThrough <= Vgg19.BLOCKS,
                    owner,
                    "freezeThrough",
                    freezeThrough,
                    "between 0 (train everything) and 5 (train only the head)");
            require(hidden >= 1, owner, "hidden", hidden, ">= 1");
            require(classes >= 1, owner, "classes", classes, ">= 1");
            ComputationGraphConfiguration conf = vgg.getConfiguration();
            for (String name : Vgg19.layers(false)) {
                if (!conf.getVertices().containsKey(name)) {
                    throw new IllegalArgumentException(owner + ": the graph has no vertex '" + name
                            + "'; it needs VGG19's Keras layer names (block1_conv1 … block5_pool), as Vgg19 builds "
                            + "them; its vertices are " + conf.getVertices().keySet());
                }
            }
            InputType.InputTypeConvolutional features = features(conf);
            TransferLearning.GraphBuilder g = new TransferLearning.GraphBuilder(vgg)
                    .fineTuneConfiguration(new FineTuneConfiguration.Builder()
                            .updater(updater)
                            .seed(seed)
                            .build());
            if (freezeThrough > 0) {
                g.setFeatureExtractor(Vgg19.pool(freezeThrough));
            }
            List<String> after = descendants(vgg, BRANCH);
            for (int i = after.size() - 1; i >= 0; i--) {
                g.removeVertexAndConnections(after.get(i));
            }
            long flat = features.getChannels() * features.getHeight() * features.getWidth();
            g.addVertex(
                            HEAD_FLATTEN,
                            new PreprocessorVertex(new CnnToFeedForwardPreProcessor(
                                    features.getHeight(), features.getWidth(), features.getChannels())),
                            BRANCH)
                    .addLayer(
                            HEAD_DENSE,
                            new DenseLayer.Builder()
                                    .nIn(flat)
                                    .nOut(hidden)
                                    .activation(Activation.RELU)
                                    .weightInit(WeightInit.RELU)
                                    .build(),
                            HEAD_FLATTEN)
                    .addLayer(
                            HEAD_OUTPUT,
                            new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                    .nIn(hidden)
                                    .nOut(classes)
                                    .activation(Activation.SOFTMAX)
                                    .weightInit(WeightInit.XAVIER)
                                    .build(),
                            HEAD_DENSE)
                    .setOutputs(HEAD_OUTPUT);
            return g.build();
        }

        /** block5_pool's output type: from optInputType, else from the graph's flatten vertex. */
        private InputType.InputTypeConvolutional features(ComputationGraphConfiguration conf) {
            if (inputType != null) {
                InputType t = conf.getLayerActivationTypes(inputType).get(BRANCH);
                if (!(t instanceof InputType.InputTypeConvolutional c)) {
                    throw new InvalidSettingException(
                            "Vgg19Transfer",
                            "inputType",
                            inputType,
                            "a convolutional input type (InputType.convolutional(height, width, channels))");
                }
                return c;
            }
            GraphVertex flatten = conf.getVertices().get(Vgg19.FLATTEN);
            if (flatten instanceof PreprocessorVertex pv
                    && pv.getPreProcessor() instanceof CnnToFeedForwardPreProcessor p) {
                return (InputType.InputTypeConvolutional)
                        InputType.convolutional(p.getInputHeight(), p.getInputWidth(), p.getNumChannels());
            }
            throw new IllegalArgumentException("Vgg19Transfer: the graph has no Vgg19 flatten vertex that states "
                    + "block5_pool's shape; give the input size with optInputType(InputType.convolutional(height, "
                    + "width, channels))");
        }
    }

    /** The vertices fed (directly or not) by {@code from}, in the graph's topological order. */
    private static List<String> descendants(ComputationGraph graph, String from) {
        Map<String, List<String>> inputs = graph.getConfiguration().getVertexInputs();
        Set<String> found = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(from));
        while (!todo.isEmpty()) {
            String v = todo.pop();
            for (Map.Entry<String, List<String>> e : inputs.entrySet()) {
                if (e.getValue().contains(v) && found.add(e.getKey())) {
                    todo.push(e.getKey());
                }
            }
        }
        List<String> ordered = new ArrayList<>();
        for (int i : graph.topologicalSortOrder()) {
            String name = graph.getVertices()[i].getVertexName();
            if (found.contains(name)) {
                ordered.add(name);
            }
        }
        return ordered;
    }
}
