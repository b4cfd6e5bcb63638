package org.sheetlab.train.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Language models: {@code nll} = −(1/N) Σ log p̂(next token) over the N unmasked predictions, in nats, and
 * {@code perplexity} = exp(nll). Outputs are softmax probabilities [B, V] or [B, V, T] with one-hot labels of the same
 * shape and an optional label mask [B, T]. Computed from the outputs, independent of the network's loss function.
 */
public final class PerplexityEvaluator implements Evaluator {
    private final RunningMean nll = new RunningMean();

    @Override
    public void reset() {
        nll.reset();
    }

    @Override
    public void add(MultiDataSet batch, INDArray[] outputs, Model model) {
        INDArray labels = batch.getLabels(0);
        INDArray p = outputs[0];
        if (!java.util.Arrays.equals(labels.shape(), p.shape())) {
            throw new IllegalArgumentException("perplexity: outputs " + java.util.Arrays.toString(p.shape())
                    + " and labels " + java.util.Arrays.toString(labels.shape()) + " differ in shape");
        }
        // probability of the labelled token at each position: sum over the vocabulary axis of p * onehot
        INDArray picked = p.mul(labels).sum(1); // [B] or [B, T]
        INDArray mask = batch.getLabelsMaskArray(0);
        double[] probs = picked.dup('c').data().asDouble();
        double[] m = mask == null ? null : mask.dup('c').data().asDouble();
        for (int i = 0; i < probs.length; i++) {
            if (m == null || m[i] != 0) {
                nll.add(-Math.log(probs[i]), 1);
            }
        }
    }

    @Override
    public Map<String, Double> result() {
        double mean = nll.mean();
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("nll", mean);
        r.put("perplexity", Math.exp(mean));
        return r;
    }
}
