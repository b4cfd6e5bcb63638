package org.sheetlab.train.eval;

import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A metric computed over an evaluation set, one batch at a time: the loop calls {@link #reset()}, then
 * {@link #add} for every batch with the network's inference outputs (computed once per batch and shared by all
 * evaluators), then {@link #result()}. Values land in {@code metrics.json} and {@code curves.png} under
 * "set name + metric name" (a loss named {@code loss} on the set {@code test} becomes {@code testLoss}); metric names
 * ending in {@code loss}/{@code Loss} are plotted with the training loss.
 */
public interface Evaluator {
    /** Starts a new pass. */
    void reset();

    /**
     * Adds one batch.
     *
     * @param batch the batch (features, labels, masks)
     * @param outputs the network's inference outputs for it, one per network output
     * @param model the network (for evaluators that need more than outputs, e.g. DL4J's loss)
     */
    void add(MultiDataSet batch, INDArray[] outputs, Model model);

    /** The values of this pass, by metric name (lowerCamelCase). */
    Map<String, Double> result();
}
