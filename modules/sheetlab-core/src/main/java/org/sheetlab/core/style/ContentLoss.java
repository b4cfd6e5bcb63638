package org.sheetlab.core.style;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sheet, Neural Style Transfer: the content loss at one layer l, L_content(C, G) = mean over all entries of
 * (a^[l](G) − a^[l](C))², the MSE between the generated image's activations and the content image's (PyTorch's
 * {@code F.mse_loss}). A later layer keeps the layout and objects of C and lets textures change; an early one keeps
 * its pixels. Gradient dL/da^[l](G) = 2 (a^[l](G) − a^[l](C)) / N, N = the number of entries.
 *
 * <p>Shapes: generated and target activations of equal shape, typically [1, C, H, W].
 */
public final class ContentLoss {
    private ContentLoss() {}

    /** The loss and dL/d(generated) [shape of generated]. */
    public static LossTerm of(INDArray generated, INDArray target) {
        if (!Arrays.equals(generated.shape(), target.shape())) {
            throw new IllegalArgumentException("ContentLoss: the generated image's activations "
                    + Arrays.toString(generated.shape()) + " and the content image's "
                    + Arrays.toString(target.shape())
                    + " differ in shape: give the content image the generated image's size");
        }
        INDArray diff = generated.sub(target.castTo(generated.dataType()));
        double n = diff.length();
        double value = diff.mul(diff).sumNumber().doubleValue() / n;
        return new LossTerm(value, diff.muli(2.0 / n));
    }
}
