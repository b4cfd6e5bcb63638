package org.sheetlab.models;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * What every sheetlab network builder has: the seed (42), the updater and the network data type, with
 * {@code optSeed}, {@code optUpdater} and {@code optDataType}, and {@link #base()}, the DL4J configuration builder
 * carrying them. A subclass adds its own {@code setX}/{@code optX} values and implements the {@link NetworkBuilder}
 * of its kind: {@link MultiLayerNetworkBuilder}, {@link ComputationGraphBuilder}, or {@code NetworkBuilder<Gan>}.
 *
 * @param <B> the concrete builder, so that the {@code optX} methods chain
 */
public abstract class AbstractNetworkBuilder<B extends AbstractNetworkBuilder<B>> {
    protected long seed = 42;
    protected IUpdater updater;
    protected DataType dataType;

    /** The builder with its model's default updater and data type. */
    protected AbstractNetworkBuilder(IUpdater defaultUpdater, DataType defaultDataType) {
        this.updater = defaultUpdater;
        this.dataType = defaultDataType;
    }

    /**
     * This builder as its concrete type: {@code B} is the subclass itself (the self-bounded type parameter), so the
     * cast holds for every builder declared as {@code Foo.Builder extends AbstractNetworkBuilder<Foo.Builder>}.
     */
    @SuppressWarnings("unchecked")
    protected final B self() {
        return (B) this;
    }

    /** Seed of the weight initialisation (42 by default). */
    public B optSeed(long seed) {
        this.seed = seed;
        return self();
    }

    /** The updater (each model states its default). */
    public B optUpdater(IUpdater updater) {
        this.updater = updater;
        return self();
    }

    /** The network data type (FLOAT unless the model says otherwise; DOUBLE for gradient checks and Newton). */
    public B optDataType(DataType dataType) {
        this.dataType = dataType;
        return self();
    }

    /** DL4J's configuration builder with the seed, data type and updater set. */
    protected NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .updater(updater);
    }
}
