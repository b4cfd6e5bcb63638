package org.sheetlab.core.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Sheet, Loss Functions, "Categorical CE": 𝓛 = −(1/B) Σᵢ Σₖ yₖ⁽ⁱ⁾ log p̂ₖ⁽ⁱ⁾, with k the class index.
 *
 * <p>Shapes: y one-hot (or a distribution) and p̂ a distribution over K classes, both [B, K]; gradient
 * ∂𝓛/∂p̂ = −(1/B)·y / p̂. (Through a softmax output the combined gradient w.r.t. the logits is (p̂ − y)/B.)
 *
 * <p>Relation to DL4J: {@code LossMCXENT} with a softmax output computes the same sum over classes and averages over
 * the batch, so the scores are equal (DL4J clips p̂ at 1e-10 inside the log; this class does not clip). Terms with
 * yₖ = 0 contribute 0 even where p̂ₖ = 0.
 */
public final class CategoricalCrossEntropy implements SheetLoss {
    @Override
    public double value(INDArray labels, INDArray predictions) {
        long b = SheetLoss.checkShapes("Categorical cross-entropy", labels, predictions);
        SheetLoss.checkProbabilities("Categorical cross-entropy", predictions);
        double[] y = labels.dup('c').data().asDouble();
        double[] logP = Transforms.log(predictions, true).dup('c').data().asDouble();
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i] != 0) {
                sum += y[i] * logP[i];
            }
        }
        return -sum / b;
    }

    @Override
    public INDArray gradient(INDArray labels, INDArray predictions) {
        long b = SheetLoss.checkShapes("Categorical cross-entropy", labels, predictions);
        SheetLoss.checkProbabilities("Categorical cross-entropy", predictions);
        return labels.div(predictions).negi().divi(b);
    }
}
