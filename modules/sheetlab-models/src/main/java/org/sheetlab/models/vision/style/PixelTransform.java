package org.sheetlab.models.vision.style;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The fixed map from the optimised image (pixels in [0, 1], channels R, G, B) to what the network reads: input_c =
 * scale · image_{channels[c]} − offset_c. {@link #identity()} feeds the pixels as they are (the random-weight networks);
 * {@link #imagenetCaffe()} is Keras' VGG19 preprocessing ("caffe" mode: BGR order, 0–255, the ImageNet channel means
 * subtracted), which ImageNet VGG19 weights expect. Linear, so dL/dimage_{channels[c]} = scale · dL/dinput_c.
 *
 * <p>Shapes: [B, C, H, W] both ways.
 *
 * @param channels which image channel feeds network channel c
 * @param scale the factor applied to pixels
 * @param offset subtracted from network channel c after scaling
 */
public record PixelTransform(int[] channels, double scale, double[] offset) {
    public PixelTransform {
        if (channels.length != offset.length) {
            throw new IllegalArgumentException("PixelTransform: one offset per channel, got " + channels.length
                    + " channels and " + offset.length + " offsets");
        }
        channels = channels.clone();
        offset = offset.clone();
    }

    /** input = image (RGB in [0, 1]). */
    public static PixelTransform identity() {
        return new PixelTransform(new int[] {0, 1, 2}, 1, new double[3]);
    }

    /** Keras' VGG19 "caffe" preprocessing: BGR, ×255, minus the ImageNet means (103.939, 116.779, 123.68). */
    public static PixelTransform imagenetCaffe() {
        return new PixelTransform(new int[] {2, 1, 0}, 255, new double[] {103.939, 116.779, 123.68});
    }

    /** The network input for {@code image} [B, C, H, W]. */
    public INDArray apply(INDArray image) {
        check(image);
        INDArray out = Nd4j.create(image.dataType(), image.shape());
        for (int c = 0; c < channels.length; c++) {
            out.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(channel(image, channels[c]).mul(scale).subi(offset[c]));
        }
        return out;
    }

    /** dL/dimage [B, C, H, W] from dL/dinput [B, C, H, W]. */
    public INDArray backward(INDArray inputGradient) {
        check(inputGradient);
        INDArray out = Nd4j.zeros(inputGradient.dataType(), inputGradient.shape());
        for (int c = 0; c < channels.length; c++) {
            out.get(NDArrayIndex.all(), NDArrayIndex.point(channels[c]), NDArrayIndex.all(), NDArrayIndex.all())
                    .addi(channel(inputGradient, c).mul(scale));
        }
        return out;
    }

    private static INDArray channel(INDArray a, int c) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all());
    }

    private void check(INDArray a) {
        if (a.rank() != 4 || a.size(1) != channels.length) {
            throw new IllegalArgumentException("PixelTransform: expected an image [B, " + channels.length
                    + ", H, W], got " + Arrays.toString(a.shape()));
        }
    }
}
