package org.sheetlab.models.optim;

import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.sheetlab.data.source.ArrayDataSource;
import org.sheetlab.train.TrainingStep;

/**
 * Sheet, "Newton Step": the harness step for {@link NewtonTrainer}: each batch gives one damped Newton step
 * w ← w − (H + λI)⁻¹∇L (full or block-diagonal H), so that Newton's method gets the same loop as every other model:
 * seekable batches (full batch when the batch size is the training-set size), evaluators, metrics, checkpoints and a
 * bit-identical {@code --resume}. The returned training loss is the loss on the batch <em>after</em> the step.
 */
public final class NewtonStep implements TrainingStep {
    public static final String NAME = "network";
    private final NewtonTrainer.Mode mode;
    private final double damping;
    private final double eps;
    private MultiLayerNetwork net;
    private NewtonTrainer trainer;

    /**
     * @param net an initialised DOUBLE network (its updater is not used)
     * @param damping λ ≥ 0
     * @param eps finite-difference step of the Hessian
     */
    public NewtonStep(MultiLayerNetwork net, NewtonTrainer.Mode mode, double damping, double eps) {
        this.mode = mode;
        this.damping = damping;
        this.eps = eps;
        this.net = net;
        this.trainer = new NewtonTrainer(net, mode, damping, eps);
    }

    /** The trainer (e.g. for its Hessian) over the current network. */
    public NewtonTrainer trainer() {
        return trainer;
    }

    @Override
    public double fit(MultiDataSet batch) {
        return trainer.step(ArrayDataSource.toDataSet(batch));
    }

    @Override
    public Map<String, Model> networks() {
        return Map.of(NAME, net);
    }

    @Override
    public void restore(Map<String, Model> networks) {
        net = (MultiLayerNetwork) networks.get(NAME);
        trainer = new NewtonTrainer(net, mode, damping, eps);
    }
}
