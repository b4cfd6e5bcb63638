package org.sheetlab.core.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A loss from the sheet's "Loss Functions" section, averaged over the batch (the sheet's 1/B).
 *
 * <p>Shapes: labels y and predictions p̂ are both [B, K] (K outputs per example) or both [B] (one output each).
 */
public interface SheetLoss {
    /** The loss value 𝓛(y, p̂), a scalar. */
    double value(INDArray labels, INDArray predictions);

    /** ∂𝓛/∂p̂, same shape as the predictions. */
    INDArray gradient(INDArray labels, INDArray predictions);

    /** Validates that labels and predictions agree in shape and returns the batch size B. */
    static long checkShapes(String loss, INDArray labels, INDArray predictions) {
        if (labels == null || predictions == null) {
            throw new IllegalArgumentException(loss + ": labels and predictions must not be null");
        }
        if (!java.util.Arrays.equals(labels.shape(), predictions.shape())) {
            throw new IllegalArgumentException(loss + ": labels have shape " + java.util.Arrays.toString(labels.shape())
                    + " but predictions have shape " + java.util.Arrays.toString(predictions.shape())
                    + "; pass both as [B, K] (or both as [B])");
        }
        if (labels.rank() < 1 || labels.rank() > 2 || labels.length() == 0) {
            throw new IllegalArgumentException(loss + ": expected non-empty [B] or [B, K] arrays, got rank "
                    + labels.rank() + " shape " + java.util.Arrays.toString(labels.shape()));
        }
        return labels.size(0);
    }

    /** Rejects probabilities outside [0, 1], which make a cross-entropy meaningless. */
    static void checkProbabilities(String loss, INDArray predictions) {
        double min = predictions.minNumber().doubleValue();
        double max = predictions.maxNumber().doubleValue();
        if (!(min >= 0 && max <= 1)) {
            throw new IllegalArgumentException(loss + ": predictions must be probabilities in [0, 1] but range over ["
                    + min + ", " + max + "]; apply sigmoid/softmax first");
        }
    }
}
