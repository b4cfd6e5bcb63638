package org.sheetlab.models;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A {@link NetworkBuilder} of one MultiLayerNetwork: {@link #build()} gives its {@link MultiLayerConfiguration}, built
 * with {@code setInputType(inputType())}, and {@link #init()} the initialised network.
 */
public interface MultiLayerNetworkBuilder extends NetworkBuilder<MultiLayerConfiguration> {
    /** The initialised network of {@link #build()}. */
    default MultiLayerNetwork init() {
        MultiLayerNetwork net = new MultiLayerNetwork(build());
        net.init();
        return net;
    }

    /** The one network, named "network". */
    @Override
    default List<NetworkSpec> networks() {
        return List.of(new NetworkSpec.MultiLayer("network", build(), inputType()));
    }
}
