package org.sheetlab.train.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.sheetlab.data.source.ArrayDataSource;

/**
 * What evaluators and listeners ask of a network, for both {@link MultiLayerNetwork} and {@link ComputationGraph}:
 * inference outputs, the loss on a batch and the activations of every layer.
 */
public final class Networks {
    private Networks() {}

    /** Inference outputs (dropout off, BatchNorm on running statistics), one array per network output. */
    public static INDArray[] output(Model model, MultiDataSet batch) {
        if (model instanceof MultiLayerNetwork net) {
            INDArray mask = batch.getFeaturesMaskArray(0);
            INDArray out = mask == null
                    ? net.output(batch.getFeatures(0), false)
                    : net.output(batch.getFeatures(0), false, mask, batch.getLabelsMaskArray(0));
            return new INDArray[] {out};
        }
        ComputationGraph graph = graph(model);
        return graph.output(false, batch.getFeatures(), batch.getFeaturesMaskArrays(), batch.getLabelsMaskArrays());
    }

    /** The network's loss on {@code batch} in inference mode (DL4J's score: mean over the batch). */
    public static double score(Model model, MultiDataSet batch) {
        if (model instanceof MultiLayerNetwork net) {
            return net.score(ArrayDataSource.toDataSet(batch), false);
        }
        return graph(model).score(batch, false);
    }

    /**
     * Activations for input {@code x} (inference mode), input first, then every layer: for a MultiLayerNetwork in
     * layer order (DL4J's feedForward), for a ComputationGraph in topological order (its feedForward returns a map).
     */
    public static List<INDArray> activations(Model model, INDArray x) {
        if (model instanceof MultiLayerNetwork net) {
            return net.feedForward(x, false);
        }
        ComputationGraph graph = graph(model);
        Map<String, INDArray> acts = graph.feedForward(x, false);
        List<INDArray> ordered = new ArrayList<>();
        graph.getConfiguration().getTopologicalOrderStr().stream()
                .filter(acts::containsKey)
                .forEach(name -> ordered.add(acts.get(name)));
        return ordered;
    }

    private static ComputationGraph graph(Model model) {
        if (model instanceof ComputationGraph graph) {
            return graph;
        }
        throw new IllegalArgumentException("expected a MultiLayerNetwork or ComputationGraph, got "
                + model.getClass().getName());
    }
}
