package org.sheetlab.models;

import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.sheetlab.models.analysis.NetworkCount;
import org.sheetlab.models.analysis.NetworkCounter;

/**
 * One DL4J network of a model ({@link NetworkBuilder#networks()}): its name, its configuration and the input types it
 * is built for, with what any tool needs without knowing the network's kind: the sheet's parameter and activation
 * table ({@link #count()}, computed from the configuration, sheet "Parameter &amp; Activation Counting") and the
 * initialised network ({@link #init()}, whose {@code numParams()} equals {@code count().totalParameters()}).
 */
public sealed interface NetworkSpec permits NetworkSpec.MultiLayer, NetworkSpec.Graph {
    /** "network" for a single-network model; "generator", "discriminator" for a GAN. */
    String name();

    /** The per-layer parameter and activation table, from the configuration (nothing allocated). */
    NetworkCount count();

    /** A new, initialised network of this configuration. */
    Model init();

    /** A MultiLayerNetwork fed with {@code input}. */
    record MultiLayer(String name, MultiLayerConfiguration configuration, InputType input) implements NetworkSpec {
        @Override
        public NetworkCount count() {
            return NetworkCounter.count(configuration, input);
        }

        @Override
        public MultiLayerNetwork init() {
            MultiLayerNetwork net = new MultiLayerNetwork(configuration);
            net.init();
            return net;
        }
    }

    /** A ComputationGraph fed with {@code inputs}, one per network input in the configuration's order. */
    record Graph(String name, ComputationGraphConfiguration configuration, List<InputType> inputs)
            implements NetworkSpec {
        public Graph {
            inputs = List.copyOf(inputs);
        }

        @Override
        public NetworkCount count() {
            return NetworkCounter.count(configuration, inputs.toArray(InputType[]::new));
        }

        @Override
        public ComputationGraph init() {
            ComputationGraph graph = new ComputationGraph(configuration);
            graph.init();
            return graph;
        }
    }
}
