package org.sheetlab.core.style;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * An optional smoothness prior on the generated image (not on the sheet; common in style transfer since Johnson et
 * al.): TV(x) = (Σ (x_{i+1,j} − x_{i,j})² + Σ (x_{i,j+1} − x_{i,j})²) / N over all images and channels, N = the
 * number of pixels values B·C·H·W. It damps the high-frequency noise that optimising pixels through a network
 * produces.
 *
 * <p>Shapes: image x [B, C, H, W] → gradient [B, C, H, W]: dTV/dx_{ij} = 2/N · (d^v_{i−1,j} − d^v_{ij} + d^h_{i,j−1}
 * − d^h_{ij}) with d^v_{ij} = x_{i+1,j} − x_{ij}, d^h_{ij} = x_{i,j+1} − x_{ij} (terms outside the image are 0).
 */
public final class TotalVariation {
    private TotalVariation() {}

    /** TV(x) and dTV/dx [shape of x]. */
    public static LossTerm of(INDArray image) {
        INDArray x = GramMatrix.batched(image);
        long h = x.size(2);
        long w = x.size(3);
        double n = x.length();
        INDArray grad = org.nd4j.linalg.factory.Nd4j.zeros(x.dataType(), x.shape());
        double value = 0;
        if (h > 1) {
            INDArray dv = x.get(all(), all(), NDArrayIndex.interval(1, h), all())
                    .sub(x.get(all(), all(), NDArrayIndex.interval(0, h - 1), all()));
            value += dv.mul(dv).sumNumber().doubleValue();
            grad.get(all(), all(), NDArrayIndex.interval(1, h), all()).addi(dv);
            grad.get(all(), all(), NDArrayIndex.interval(0, h - 1), all()).subi(dv);
        }
        if (w > 1) {
            INDArray dh = x.get(all(), all(), all(), NDArrayIndex.interval(1, w))
                    .sub(x.get(all(), all(), all(), NDArrayIndex.interval(0, w - 1)));
            value += dh.mul(dh).sumNumber().doubleValue();
            grad.get(all(), all(), all(), NDArrayIndex.interval(1, w)).addi(dh);
            grad.get(all(), all(), all(), NDArrayIndex.interval(0, w - 1)).subi(dh);
        }
        return new LossTerm(value / n, grad.muli(2.0 / n).reshape(image.shape()));
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex all() {
        return NDArrayIndex.all();
    }
}
