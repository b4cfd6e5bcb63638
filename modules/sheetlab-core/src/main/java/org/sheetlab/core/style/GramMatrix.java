package org.sheetlab.core.style;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Sheet, Neural Style Transfer: the Gram (style) matrix of a layer's activations, G^[l] = M^[l] (M^[l])ᵀ with
 * M^[l] ∈ R^(C × H·W) the activations of one image, channel by channel, flattened over the positions: G_cc' = Σ_p
 * a_cp a_c'p, how strongly channels c and c' fire together, whatever the position (texture, not layout).
 *
 * <p>Shapes: activations A [B, C, H, W] (NCHW, as DL4J's convolution layers give them) or [C, H, W] for one image →
 * G [B, C, C] (or [C, C]). {@link #of} is the sheet's plain M Mᵀ; {@link #normalised} divides by C·H·W, the
 * convention {@link StyleLoss} uses (see the package documentation).
 */
public final class GramMatrix {
    private GramMatrix() {}

    /** G = M Mᵀ per image: [B, C, H, W] → [B, C, C], or [C, H, W] → [C, C]. */
    public static INDArray of(INDArray activations) {
        return gram(activations, 1.0);
    }

    /** G / (C·H·W) per image, the Gram matrix {@link StyleLoss} compares. */
    public static INDArray normalised(INDArray activations) {
        INDArray a = batched(activations);
        return gram(activations, 1.0 / (a.size(1) * a.size(2) * a.size(3)));
    }

    /**
     * The gradient through G = s · M Mᵀ (s = 1 for {@link #of}, 1/(C·H·W) for {@link #normalised}): dL/dM = s (dL/dG
     * + dL/dGᵀ) M, reshaped to the activations' shape.
     *
     * @param activations A [B, C, H, W] or [C, H, W]
     * @param gramGradient dL/dG [B, C, C] or [C, C]
     * @param normalised whether G was {@link #normalised}
     */
    public static INDArray backward(INDArray activations, INDArray gramGradient, boolean normalised) {
        INDArray a = batched(activations);
        long b = a.size(0);
        long c = a.size(1);
        long hw = a.size(2) * a.size(3);
        INDArray dg = gramGradient.rank() == 2 ? gramGradient.reshape(1, c, c) : gramGradient;
        if (!Arrays.equals(dg.shape(), new long[] {b, c, c})) {
            throw new IllegalArgumentException("GramMatrix.backward: dL/dG must have shape [" + b + ", " + c + ", " + c
                    + "] for activations " + Arrays.toString(activations.shape()) + "; got "
                    + Arrays.toString(gramGradient.shape()));
        }
        double s = normalised ? 1.0 / (c * hw) : 1.0;
        INDArray out = Nd4j.create(a.dataType(), b, c, hw);
        for (long i = 0; i < b; i++) {
            INDArray m = a.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())
                    .reshape(c, hw);
            INDArray g = dg.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all());
            INDArray sym = g.add(g.transpose());
            out.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(sym.mmul(m).muli(s));
        }
        return out.reshape(activations.shape());
    }

    private static INDArray gram(INDArray activations, double scale) {
        INDArray a = batched(activations);
        long b = a.size(0);
        long c = a.size(1);
        long hw = a.size(2) * a.size(3);
        INDArray out = Nd4j.create(a.dataType(), b, c, c);
        for (long i = 0; i < b; i++) {
            INDArray m = a.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())
                    .dup()
                    .reshape(c, hw);
            out.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(m.mmul(m.transpose()).muli(scale));
        }
        return activations.rank() == 3 ? out.reshape(c, c) : out;
    }

    /** [C, H, W] → [1, C, H, W]; [B, C, H, W] as is; anything else is refused. */
    static INDArray batched(INDArray activations) {
        if (activations == null) {
            throw new IllegalArgumentException("style transfer: activations must not be null");
        }
        if (activations.rank() == 3) {
            return activations.reshape(1, activations.size(0), activations.size(1), activations.size(2));
        }
        if (activations.rank() != 4) {
            throw new IllegalArgumentException(
                    "style transfer: a Gram matrix needs convolutional activations [B, C, H, "
                            + "W] (or [C, H, W]); got shape " + Arrays.toString(activations.shape())
                            + ". Choose a convolution, pooling or activation layer, not a dense one.");
        }
        return activations;
    }
}
