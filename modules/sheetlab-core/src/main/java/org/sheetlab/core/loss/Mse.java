package org.sheetlab.core.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sheet, Loss Functions, "MSE": 𝓛 = (1/B) Σᵢ (y⁽ⁱ⁾ − p̂⁽ⁱ⁾)², the squared error summed over the K outputs of each
 * example and averaged over the B examples.
 *
 * <p>Shapes: y, p̂ ∈ [B, K] (or [B]); gradient ∂𝓛/∂p̂ = (2/B)(p̂ − y), shape [B, K].
 *
 * <p>Relation to DL4J: {@code LossMSE} (and {@code LossFunction.MSE}) averages over the K outputs too, so its score is
 * this value divided by K; {@code LossL2} sums over outputs and, with DL4J's batch averaging, equals this value.
 */
public final class Mse implements SheetLoss {
    @Override
    public double value(INDArray labels, INDArray predictions) {
        long b = SheetLoss.checkShapes("MSE", labels, predictions);
        INDArray diff = predictions.sub(labels);
        return diff.mul(diff).sumNumber().doubleValue() / b;
    }

    @Override
    public INDArray gradient(INDArray labels, INDArray predictions) {
        long b = SheetLoss.checkShapes("MSE", labels, predictions);
        return predictions.sub(labels).muli(2.0 / b);
    }
}
