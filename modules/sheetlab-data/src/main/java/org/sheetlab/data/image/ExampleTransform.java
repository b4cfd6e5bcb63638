package org.sheetlab.data.image;

import java.util.Random;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.datavec.image.data.ImageWritable;
import org.datavec.image.transform.BaseImageTransform;
import org.datavec.image.transform.FlipImageTransform;
import org.datavec.image.transform.RotateImageTransform;

/**
 * The one DataVec {@code ImageTransform} an {@link ImageFolder}'s reader holds: before each image is decoded, the
 * folder sets the image's fit (crop or not) and its augmentation with its own seeded {@link Random}; the transform
 * then crops to the target aspect and applies the augmentation, and the reader's loader converts the channels and
 * resizes to H × W. Not thread-safe (one reader, one image at a time).
 */
final class ExampleTransform extends BaseImageTransform<Mat> {
    private final double targetAspect;
    private boolean crop;
    private Augmentation augmentation = Augmentation.NONE;
    private Random rng;

    /** @param targetAspect W / H of the decoded images */
    ExampleTransform(double targetAspect) {
        this.targetAspect = targetAspect;
        this.converter = new OpenCVFrameConverter.ToMat();
    }

    /** Sets what the next image gets; {@code rng} may be null when {@code augmentation} is none. */
    void prepare(boolean crop, Augmentation augmentation, Random rng) {
        this.crop = crop;
        this.augmentation = augmentation;
        this.rng = rng;
    }

    @Override
    protected ImageWritable doTransform(ImageWritable image, Random ignored) {
        ImageWritable out = image;
        if (crop) {
            out = centreCrop(out);
        }
        if (augmentation.isNone()) {
            return out;
        }
        if (augmentation.flip() && rng.nextBoolean()) {
            out = new FlipImageTransform(1).transform(out, null);
        }
        if (augmentation.maxRotationDegrees() > 0 || augmentation.scaleJitter() > 0) {
            float angle = (float) (augmentation.maxRotationDegrees() * (2 * rng.nextDouble() - 1));
            float scale = (float) (augmentation.scaleJitter() * (2 * rng.nextDouble() - 1));
            // with a null Random, RotateImageTransform uses its angle and scale as given: rotate by `angle` and zoom
            // by 1 + scale about the centre
            out = new RotateImageTransform(0, 0, angle, scale).transform(out, null);
        }
        if (augmentation.brightnessJitter() > 0 || augmentation.contrastJitter() > 0) {
            double contrast = 1 + augmentation.contrastJitter() * (2 * rng.nextDouble() - 1);
            double brightness = 255 * augmentation.brightnessJitter() * (2 * rng.nextDouble() - 1);
            Mat mat = converter.convert(out.getFrame());
            Mat result = new Mat();
            mat.convertTo(result, -1, contrast, brightness);
            out = new ImageWritable(converter.convert(result));
        }
        return out;
    }

    /** The largest centred window of aspect W / H. */
    private ImageWritable centreCrop(ImageWritable image) {
        Mat mat = converter.convert(image.getFrame());
        int h = mat.rows();
        int w = mat.cols();
        int cw = w;
        int ch = h;
        if ((double) w / h > targetAspect) {
            cw = Math.max(1, (int) Math.round(h * targetAspect));
        } else {
            ch = Math.max(1, (int) Math.round(w / targetAspect));
        }
        if (cw == w && ch == h) {
            return image;
        }
        Mat window = mat.apply(new Rect((w - cw) / 2, (h - ch) / 2, cw, ch)).clone();
        return new ImageWritable(converter.convert(window));
    }
}
