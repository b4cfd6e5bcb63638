package org.sheetlab.train.eval;

import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * {@code accuracy}: the fraction of examples (or unmasked time steps, for [B, C, T] outputs) whose arg-max output is
 * the labelled class, through DL4J's {@link Evaluation} on the first output.
 */
public final class AccuracyEvaluator implements Evaluator {
    private Evaluation eval;

    @Override
    public void reset() {
        eval = null;
    }

    @Override
    public void add(MultiDataSet batch, INDArray[] outputs, Model model) {
        INDArray labels = batch.getLabels(0);
        if (eval == null) {
            eval = new Evaluation((int) labels.size(1));
        }
        if (labels.rank() == 3) {
            eval.evalTimeSeries(labels, outputs[0], batch.getLabelsMaskArray(0));
        } else {
            eval.eval(labels, outputs[0]);
        }
    }

    @Override
    public Map<String, Double> result() {
        return Map.of("accuracy", eval == null ? Double.NaN : eval.accuracy());
    }
}
