package org.sheetlab.models;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A {@link NetworkBuilder} of one ComputationGraph: {@link #build()} gives its {@link ComputationGraphConfiguration},
 * {@link #inputTypes()} the type of each network input (in the order of the configuration's inputs) and
 * {@link #init()} the initialised graph.
 */
public interface ComputationGraphBuilder extends NetworkBuilder<ComputationGraphConfiguration> {
    /** One input type per network input, in the configuration's input order ({@link #inputType()} alone by default). */
    default List<InputType> inputTypes() {
        return List.of(inputType());
    }

    /** The initialised graph of {@link #build()}. */
    default ComputationGraph init() {
        ComputationGraph graph = new ComputationGraph(build());
        graph.init();
        return graph;
    }

    /** The one graph, named "network". */
    @Override
    default List<NetworkSpec> networks() {
        return List.of(new NetworkSpec.Graph("network", build(), inputTypes()));
    }
}
