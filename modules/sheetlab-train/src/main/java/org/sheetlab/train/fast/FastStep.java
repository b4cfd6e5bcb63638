package org.sheetlab.train.fast;

import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.sheetlab.train.NetworkStep;
import org.sheetlab.train.TrainingStep;

/**
 * The harness's fast training step for one {@link MultiLayerNetwork} or {@link ComputationGraph}: each batch is one
 * {@link FastCore} step (the network's own forward and backward pass, then the vectorised updater over the flat
 * parameter, gradient and updater-state views), the drop-in replacement of {@link NetworkStep} (same checkpoint name,
 * same score, same epoch counting) where {@link FastCore#unsupported} is empty. {@link StepSelection} chooses between
 * them.
 */
public final class FastStep implements TrainingStep {
    private FastCore core;

    private FastStep(FastCore core) {
        this.core = core;
    }

    /** The fast step over {@code model}; an IllegalArgumentException names what it does not support. */
    public static FastStep of(Model model) {
        return new FastStep(FastCore.of(model));
    }

    /** The network being trained (after a resume: the restored one). */
    public Model network() {
        return core.model();
    }

    @Override
    public double fit(MultiDataSet batch) {
        return core.fit(batch);
    }

    @Override
    public Map<String, Model> networks() {
        return Map.of(NetworkStep.NAME, core.model());
    }

    @Override
    public void restore(Map<String, Model> networks) {
        core = FastCore.of(networks.get(NetworkStep.NAME));
    }

    @Override
    public void endEpoch() {
        if (core.model() instanceof MultiLayerNetwork net) {
            net.incrementEpochCount();
        } else {
            ((ComputationGraph) core.model()).incrementEpochCount();
        }
    }
}
