package org.sheetlab.core.loss;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * A DL4J loss given by its per-example scores [B, 1] ({@link #computeScoreArray}) and its gradient: the batch score is
 * their sum, divided by B when averaged (DL4J's score), and the score-and-gradient pair is the two together.
 */
public abstract class PerExampleLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public final double computeScore(
            INDArray labels, INDArray preOutput, IActivation activation, INDArray mask, boolean average) {
        double sum = computeScoreArray(labels, preOutput, activation, mask)
                .sumNumber()
                .doubleValue();
        return average ? sum / preOutput.size(0) : sum;
    }

    @Override
    public final Pair<Double, INDArray> computeGradientAndScore(
            INDArray labels, INDArray preOutput, IActivation activation, INDArray mask, boolean average) {
        return new Pair<>(
                computeScore(labels, preOutput, activation, mask, average),
                computeGradient(labels, preOutput, activation, mask));
    }
}
