package org.sheetlab.train.eval;

import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * {@code loss}: the network's own loss (DL4J's score in inference mode, regularisation included) averaged over
 * examples: Σ_batches score_b · n_b / Σ n_b.
 */
public final class LossEvaluator implements Evaluator {
    private final RunningMean loss = new RunningMean();

    @Override
    public void reset() {
        loss.reset();
    }

    @Override
    public void add(MultiDataSet batch, INDArray[] outputs, Model model) {
        long size = batch.getFeatures(0).size(0);
        loss.add(Networks.score(model, batch) * size, size);
    }

    @Override
    public Map<String, Double> result() {
        return Map.of("loss", loss.mean());
    }
}
