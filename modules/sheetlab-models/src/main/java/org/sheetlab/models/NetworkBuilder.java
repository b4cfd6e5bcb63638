package org.sheetlab.models;

import java.util.List;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * The one shape of every sheetlab model builder ({@code setX} for required values, {@code optX} for optional ones),
 * for MultiLayerNetworks, ComputationGraphs and models made of several networks (the GAN) alike:
 * <ul>
 *   <li>{@link #build()} gives the model in its own type {@code M}: a {@code MultiLayerConfiguration}
 *       ({@link MultiLayerNetworkBuilder}), a {@code ComputationGraphConfiguration} ({@link ComputationGraphBuilder}),
 *       or, for a GAN, the initialised {@code Gan} with its two networks;</li>
 *   <li>{@link #inputType()} is the type of the data the model reads (e.g. feedForward(784),
 *       convolutionalFlat(28, 28, 1), recurrent(V, T));</li>
 *   <li>{@link #networks()} lists the DL4J networks the model consists of, each with its configuration and input
 *       types, so that a tool can count ({@link NetworkSpec#count()}) or initialise ({@link NetworkSpec#init()}) any
 *       model without knowing its kind. That is what {@code ModelCatalog} and {@code sheetlab count} use.</li>
 * </ul>
 *
 * <pre>{@code
 * PoolingCnn.Builder b = PoolingCnn.builder().setPooling(PoolingKind.P3).optSeed(1);
 * MultiLayerConfiguration conf = b.build();                         // typed: no cast
 * ComputationGraphConfiguration g = Seq2SeqNetwork.builder().setVocabularySize(28).setSteps(10).build();
 * for (NetworkSpec n : anyBuilder.networks()) {                      // any model: 1 network, or 2 for a GAN
 *     System.out.print(n.name() + "\n" + n.count().toTable(1));
 * }
 * }</pre>
 *
 * No builder's {@code build()} refuses its model kind: a builder whose model is a graph builds a graph.
 *
 * @param <M> what {@link #build()} gives
 */
public interface NetworkBuilder<M> {
    /**
     * The model. A required value that is missing or a value out of range gives an {@link
     * org.sheetlab.core.settings.InvalidSettingException} naming that one setting, its value and the allowed range
     * (e.g. "MoeClassifier: experts must be >= 1, got 0"); a required choice without a value (PoolingCnn's pooling
     * kind) an {@link IllegalStateException}.
     */
    M build();

    /** The type of the data the model reads (for a multi-input graph: of its first input, see the graph's builder). */
    InputType inputType();

    /**
     * The DL4J networks of the model, in a fixed order, each named, configured and typed: one for a MultiLayerNetwork
     * or ComputationGraph model, the generator and the discriminator for a GAN. Builds configurations only; nothing
     * is allocated until {@link NetworkSpec#init()}.
     */
    List<NetworkSpec> networks();
}
