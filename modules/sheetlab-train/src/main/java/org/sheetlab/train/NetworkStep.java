package org.sheetlab.train;

import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.sheetlab.data.source.ArrayDataSource;

/**
 * The ordinary training step: DL4J's own {@code fit} on one batch of a {@link MultiLayerNetwork} (single input and
 * output) or a {@link ComputationGraph}, returning its score (the loss DL4J minimised, averaged over the batch, plus
 * regularisation). After every epoch the network's epoch counter advances, which drives per-epoch learning-rate
 * schedules ({@code ScheduleType.EPOCH}) and is saved with the checkpoint.
 */
public final class NetworkStep implements TrainingStep {
    public static final String NAME = "network";
    private Model network;

    private NetworkStep(Model network) {
        this.network = network;
    }

    /** A step over an initialised MultiLayerNetwork. */
    public static NetworkStep of(MultiLayerNetwork network) {
        return new NetworkStep(network);
    }

    /** A step over an initialised ComputationGraph. */
    public static NetworkStep of(ComputationGraph graph) {
        return new NetworkStep(graph);
    }

    /** The network being trained (after a resume: the restored one). */
    public Model network() {
        return network;
    }

    @Override
    public double fit(MultiDataSet batch) {
        if (network instanceof MultiLayerNetwork net) {
            net.fit(ArrayDataSource.toDataSet(batch));
            return net.score();
        }
        ComputationGraph graph = (ComputationGraph) network;
        graph.fit(batch);
        return graph.score();
    }

    @Override
    public Map<String, Model> networks() {
        return Map.of(NAME, network);
    }

    @Override
    public void restore(Map<String, Model> networks) {
        network = networks.get(NAME);
    }

    @Override
    public void endEpoch() {
        if (network instanceof MultiLayerNetwork net) {
            net.incrementEpochCount();
        } else {
            ((ComputationGraph) network).incrementEpochCount();
        }
    }
}
