package org.sheetlab.core.style;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sheet, Neural Style Transfer: the style loss at one layer l, L_style^[l](S, G) = mean over the B·C·C entries of
 * (Ĝ^[l](G) − Ĝ^[l](S))², the MSE between normalised Gram matrices Ĝ = M Mᵀ / (C·H·W) ({@link GramMatrix#normalised})
 * of the generated image and of the style image. The total style loss sums this over several layers with per-layer
 * weights (early layers: fine texture; later layers: larger motifs).
 *
 * <p>Gradient: dL/dĜ = 2 (Ĝ − Ĝ_S) / (B C²), then through the Gram matrix dL/dM = (dL/dĜ + dL/dĜᵀ) M / (C·H·W)
 * ({@link GramMatrix#backward}).
 *
 * <p>Shapes: generated activations A [B, C, H, W]; the style target as its normalised Gram matrix [B, C, C] (computed
 * once from the style image, which may have another H·W than the generated image).
 */
public final class StyleLoss {
    private StyleLoss() {}

    /** The loss and dL/dA [shape of {@code generated}] against the style image's normalised Gram matrix. */
    public static LossTerm of(INDArray generated, INDArray targetGram) {
        INDArray a = GramMatrix.batched(generated);
        INDArray g = GramMatrix.normalised(a);
        INDArray t =
                targetGram.rank() == 2 ? targetGram.reshape(1, targetGram.size(0), targetGram.size(1)) : targetGram;
        if (!Arrays.equals(g.shape(), t.shape())) {
            throw new IllegalArgumentException("StyleLoss: the generated image's Gram matrix has shape "
                    + Arrays.toString(g.shape()) + " but the style target's is " + Arrays.toString(targetGram.shape())
                    + ": compute the target at the same layer, with the same batch size");
        }
        INDArray diff = g.sub(t.castTo(g.dataType()));
        double n = diff.length();
        double value = diff.mul(diff).sumNumber().doubleValue() / n;
        INDArray dGram = diff.muli(2.0 / n);
        return new LossTerm(value, GramMatrix.backward(a, dGram, true).reshape(generated.shape()));
    }
}
