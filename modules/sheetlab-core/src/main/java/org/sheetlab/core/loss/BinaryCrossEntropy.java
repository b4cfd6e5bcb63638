package org.sheetlab.core.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Sheet, Loss Functions, "Binary Cross-Entropy": 𝓛 = −(1/B) Σᵢ [y log p̂ + (1 − y) log(1 − p̂)], summed over the K
 * independent binary outputs of each example and averaged over the B examples.
 *
 * <p>Shapes: y ∈ {0,1} (or soft targets in [0,1]) and p̂ ∈ [0,1], both [B, K] or [B]; gradient
 * ∂𝓛/∂p̂ = (1/B)·(p̂ − y) / (p̂(1 − p̂)).
 *
 * <p>Relation to DL4J: {@code LossBinaryXENT} also sums over outputs and averages over the batch, so its score equals
 * this value for predictions away from 0 and 1 (DL4J clips p̂ to [1e-5, 1 − 1e-5]; this class does not clip, so
 * p̂ = 0 with y = 1 gives +∞, the true value). Predictions outside [0, 1] are rejected.
 */
public final class BinaryCrossEntropy implements SheetLoss {
    @Override
    public double value(INDArray labels, INDArray predictions) {
        long b = SheetLoss.checkShapes("Binary cross-entropy", labels, predictions);
        SheetLoss.checkProbabilities("Binary cross-entropy", predictions);
        INDArray logP = Transforms.log(predictions, true);
        INDArray log1mP = Transforms.log(predictions.rsub(1.0), false);
        INDArray terms = labels.mul(logP).addi(labels.rsub(1.0).muli(log1mP));
        // 0·log 0 is taken as 0, the limit, so a confident correct prediction costs nothing.
        double sum = 0;
        double[] t = terms.dup('c').data().asDouble();
        for (double v : t) {
            sum += Double.isNaN(v) ? 0 : v;
        }
        return -sum / b;
    }

    @Override
    public INDArray gradient(INDArray labels, INDArray predictions) {
        long b = SheetLoss.checkShapes("Binary cross-entropy", labels, predictions);
        SheetLoss.checkProbabilities("Binary cross-entropy", predictions);
        INDArray denominator = predictions.mul(predictions.rsub(1.0));
        return predictions.sub(labels).divi(denominator).divi(b);
    }
}
