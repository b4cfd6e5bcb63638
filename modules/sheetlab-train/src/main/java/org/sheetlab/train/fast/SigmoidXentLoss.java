package org.sheetlab.train.fast;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

/**
 * DL4J's binary cross-entropy ({@link LossBinaryXENT}) behind a sigmoid output, fused into one pass per call where
 * DL4J runs about ten element-wise ops, each with its own temporary: for z the layer's pre-activation, y the labels,
 * s = σ(z), c = min(max(s, ε), 1 − ε) (ε = the loss's clipEps),
 *
 * <ul>
 *   <li>the gradient ∂L/∂z = (c − y)/(c(1 − c)) · s(1 − s), written over z in place (DL4J's sigmoid backprop returns
 *       its input array overwritten, so callers already expect that);
 *   <li>the score −Σ [y log c + (1 − y) log(1 − c)], divided by the minibatch size when averaged.
 * </ul>
 *
 * Same formulas and clipping as LossBinaryXENT with ActivationSigmoid, in float (the score summed in double), so
 * results differ from DL4J's by the rounding of exp and log only. {@link FastCore} swaps it in for the duration of its
 * step where an output layer has exactly LossBinaryXENT (no weights) with a sigmoid; anything else (masks, other
 * data types or layouts, another activation) runs LossBinaryXENT's own code.
 */
final class SigmoidXentLoss extends LossBinaryXENT {
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** σ(z) of the last score computed here (the layer's output in that forward pass), or null. */
    private float[] outputs;

    private int outputCount;

    /** Whether {@link #computeScore} keeps σ(z) for {@link #outputs} (off: no extra pass). */
    boolean keepOutputs;

    SigmoidXentLoss(double clipEps) {
        super(clipEps, null);
    }

    /**
     * The outputs σ(z) of the last {@link #computeScore} that ran the fused kernel, in the layout of its arrays
     * ('c' order: row by row), or null when the last call ran DL4J's code (and before the first call).
     */
    float[] outputs() {
        return outputs == null ? null : java.util.Arrays.copyOf(outputs, outputCount);
    }

    /** Whether {@code loss} with {@code activation} is what this loss computes (DL4J's exact classes, no weights). */
    static boolean covers(ILossFunction loss, IActivation activation) {
        return loss != null
                && loss.getClass() == LossBinaryXENT.class
                && ((LossBinaryXENT) loss).getWeights() == null
                && activation != null
                && activation.getClass() == ActivationSigmoid.class;
    }

    /** Whether the fused kernels take this call: FLOAT, equal shapes and layouts, contiguous, no mask. */
    private static boolean fused(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        return mask == null
                && activation.getClass() == ActivationSigmoid.class
                && preOutput.dataType() == DataType.FLOAT
                && labels.dataType() == DataType.FLOAT
                && preOutput.equalShapes(labels)
                && preOutput.ordering() == labels.ordering()
                && preOutput.elementWiseStride() == 1
                && labels.elementWiseStride() == 1
                && preOutput.length() < Integer.MAX_VALUE / 4
                && !preOutput.isEmpty();
    }

    private static ByteBuffer bytes(INDArray a) {
        return a.data().asNio().order(ORDER);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (!fused(labels, preOutput, activationFn, mask)) {
            return super.computeGradient(labels, preOutput, activationFn, mask);
        }
        float lo = (float) getClipEps();
        float hi = (float) (1.0 - getClipEps());
        SigmoidXentKernels.gradient(
                bytes(preOutput),
                (int) preOutput.offset(),
                bytes(labels),
                (int) labels.offset(),
                (int) preOutput.length(),
                lo,
                hi,
                getClipEps() > 0);
        return preOutput;
    }

    @Override
    public double computeScore(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        if (!fused(labels, preOutput, activationFn, mask)) {
            outputs = null;
            return super.computeScore(labels, preOutput, activationFn, mask, average);
        }
        int n = (int) preOutput.length();
        outputCount = keepOutputs && (preOutput.ordering() == 'c' || preOutput.size(1) == 1) ? n : 0;
        if (outputCount > 0) {
            if (outputs == null || outputs.length < n) {
                outputs = new float[n];
            }
            preOutput.data().asNio().order(ORDER).asFloatBuffer().get((int) preOutput.offset(), outputs, 0, n);
            for (int i = 0; i < n; i++) {
                outputs[i] = 1f / (1f + (float) Math.exp(-outputs[i]));
            }
        } else {
            outputs = null;
        }
        double sum = SigmoidXentKernels.logLikelihood(
                bytes(preOutput),
                (int) preOutput.offset(),
                bytes(labels),
                (int) labels.offset(),
                (int) preOutput.length(),
                (float) getClipEps(),
                (float) (1.0 - getClipEps()),
                getClipEps() > 0);
        double score = -sum;
        return average ? score / preOutput.size(0) : score;
    }
}
