package org.sheetlab.models.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * Counts parameters and activations of a DL4J network configuration without allocating the network (sheet,
 * "Parameter &amp; Activation Counting").
 *
 * <p>Parameters come from each layer's own {@code ParamInitializer}, so they match {@code net.numParams()}; output
 * shapes come from DL4J's shape inference for the given {@link InputType}, so conv and pooling layers follow
 * O = ⌊(W − K + 2P)/S⌋ + 1 exactly as DL4J computes it. Activations per sample are the product of each output shape.
 */
public final class NetworkCounter {
    private NetworkCounter() {}

    /** Counts a MultiLayerConfiguration fed with {@code inputType}. */
    public static NetworkCount count(MultiLayerConfiguration conf, InputType inputType) {
        List<InputType> types;
        try {
            types = conf.getLayerActivationTypes(inputType);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot infer layer shapes for input " + inputType + ": " + e.getMessage()
                            + "; check that the input type matches the first layer",
                    e);
        }
        List<LayerCount> rows = new ArrayList<>();
        rows.add(inputRow("input", inputType));
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer layer = conf.getConf(i).getLayer();
            checkNIn(layer, i);
            String name = layer.getLayerName() != null ? layer.getLayerName() : "layer" + i;
            InputType out = types.get(i);
            if (layer instanceof org.deeplearning4j.nn.conf.layers.LossLayer) {
                // DL4J types a LossLayer's output as feedForward(nOut = 0); it applies its activation elementwise,
                // so its output is its (preprocessed) input, e.g. the convolutional VAE's [1, 28, 28] pixels.
                out = i == 0 ? inputType : types.get(i - 1);
                if (conf.getInputPreProcess(i) != null) {
                    out = conf.getInputPreProcess(i).getOutputType(out);
                }
            }
            rows.add(new LayerCount(
                    name,
                    layer.getClass().getSimpleName(),
                    out.getShape(false),
                    layer.initializer().numParams(layer),
                    out.arrayElementsPerExample()));
        }
        return new NetworkCount(rows);
    }

    /** Counts a ComputationGraphConfiguration fed with {@code inputTypes} (one per network input), in topological order. */
    public static NetworkCount count(ComputationGraphConfiguration conf, InputType... inputTypes) {
        if (inputTypes.length != conf.getNetworkInputs().size()) {
            throw new IllegalArgumentException(
                    "the graph has " + conf.getNetworkInputs().size() + " inputs " + conf.getNetworkInputs() + " but "
                            + inputTypes.length + " input types were given");
        }
        Map<String, InputType> types = conf.getLayerActivationTypes(inputTypes);
        List<LayerCount> rows = new ArrayList<>();
        Map<String, InputType> resolved = new java.util.HashMap<>();
        for (int i = 0; i < inputTypes.length; i++) {
            rows.add(inputRow(conf.getNetworkInputs().get(i), inputTypes[i]));
            resolved.put(conf.getNetworkInputs().get(i), inputTypes[i]);
        }
        for (String name : topologicalOrder(conf)) {
            GraphVertex vertex = conf.getVertices().get(name);
            if (vertex == null) {
                continue; // a network input
            }
            String type = vertex.getClass().getSimpleName();
            if (vertex instanceof LayerVertex lv) {
                Layer layer = lv.getLayerConf().getLayer();
                checkNIn(layer, name);
                type = layer.getClass().getSimpleName();
            }
            InputType out = withKnownLength(
                    conf, name, vertex, fromResolvedInputs(conf, name, vertex, types.get(name), resolved), resolved);
            resolved.put(name, out);
            rows.add(new LayerCount(
                    name, type, out.getShape(false), vertex.numParams(true), out.arrayElementsPerExample()));
        }
        return new NetworkCount(rows);
    }

    /**
     * The vertex's output type recomputed from its inputs' resolved types: where DL4J's own inference lost or
     * misreported a sequence length upstream, a vertex whose output length is not its inputs' (AdditivePairsVertex:
     * T_q·T_a) then still gets it right. DL4J's type is kept where the recomputation fails.
     */
    private static InputType fromResolvedInputs(
            ComputationGraphConfiguration conf,
            String name,
            GraphVertex vertex,
            InputType dl4j,
            Map<String, InputType> resolved) {
        InputType[] in = conf.getVertexInputs().getOrDefault(name, List.of()).stream()
                .map(resolved::get)
                .toArray(InputType[]::new);
        try {
            return vertex.getOutputType(-1, in);
        } catch (RuntimeException e) {
            return dl4j;
        }
    }

    /**
     * Some DL4J vertices report sequences of unknown length, and DuplicateToTimeSeriesVertex reports length 1: the
     * length is then that of the sequence the vertex copies its length from, or of its sequence inputs.
     */
    private static InputType withKnownLength(
            ComputationGraphConfiguration conf,
            String name,
            GraphVertex vertex,
            InputType out,
            Map<String, InputType> resolved) {
        boolean duplicate = vertex instanceof org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
        if (!(out instanceof InputType.InputTypeRecurrent r) || (r.getTimeSeriesLength() > 0 && !duplicate)) {
            return out;
        }
        List<String> from = vertex instanceof org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex d
                ? List.of(d.getInputName())
                : conf.getVertexInputs().getOrDefault(name, List.of());
        long t = from.stream()
                .map(resolved::get)
                .filter(x -> x instanceof InputType.InputTypeRecurrent)
                .mapToLong(x -> ((InputType.InputTypeRecurrent) x).getTimeSeriesLength())
                .max()
                .orElse(-1);
        return t > 0 ? InputType.recurrent(r.getSize(), t, r.getFormat()) : out;
    }

    /** Kahn's algorithm over the vertex inputs, ties broken by declaration order (the conf is not yet initialised). */
    static List<String> topologicalOrder(ComputationGraphConfiguration conf) {
        Map<String, List<String>> inputs = conf.getVertexInputs();
        List<String> order = new ArrayList<>();
        java.util.Set<String> done = new java.util.HashSet<>(conf.getNetworkInputs());
        List<String> pending = new ArrayList<>(conf.getVertices().keySet());
        while (!pending.isEmpty()) {
            String next = pending.stream()
                    .filter(v -> done.containsAll(inputs.getOrDefault(v, List.of())))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("the graph has a cycle among " + pending));
            pending.remove(next);
            done.add(next);
            order.add(next);
        }
        return order;
    }

    private static LayerCount inputRow(String name, InputType type) {
        return new LayerCount(name, "Input", type.getShape(false), 0, type.arrayElementsPerExample());
    }

    private static void checkNIn(Layer layer, Object where) {
        if (layer instanceof FeedForwardLayer ff && ff.getNIn() <= 0) {
            throw new IllegalArgumentException(
                    "layer " + where + " (" + layer.getClass().getSimpleName()
                            + ") has no nIn, so its parameters cannot be counted; build the configuration with "
                            + ".setInputType(...) or set nIn explicitly");
        }
    }
}
