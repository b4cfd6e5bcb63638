package org.sheetlab.data.image;

/**
 * Random training-time changes to an image, for the sheet's domain-shift note (Final Q2d: "book → phone photos: use
 * augmentation, fine-tune"). Applied through DataVec's image transforms before the resize to H × W, in this order:
 * horizontal flip with probability ½ ({@code FlipImageTransform}); a rotation by an angle uniform in ±{@code
 * maxRotationDegrees} combined with a zoom by a factor uniform in 1 ± {@code scaleJitter} about the centre
 * ({@code RotateImageTransform}, borders filled black); colour jitter x' = a·x + b with contrast a uniform in 1 ±
 * {@code contrastJitter} and brightness b uniform in ±255·{@code brightnessJitter} on the 0–255 pixels, saturated
 * (OpenCV {@code convertTo}).
 *
 * <p>The random numbers come from a {@link java.util.Random} seeded from (seed, epoch, image index) by the source,
 * so an image gets the same change in the same epoch of every run, and a resumed run is bit-identical.
 *
 * @param flip whether to flip horizontally with probability ½
 * @param maxRotationDegrees ≥ 0
 * @param scaleJitter in [0, 1)
 * @param brightnessJitter in [0, 1]
 * @param contrastJitter in [0, 1)
 */
public record Augmentation(
        boolean flip, double maxRotationDegrees, double scaleJitter, double brightnessJitter, double contrastJitter) {

    /** No change: evaluation data and un-augmented training. */
    public static final Augmentation NONE = new Augmentation(false, 0, 0, 0, 0);

    /** Flip, ±10°, ±10 % zoom, ±10 % brightness, ±10 % contrast. */
    public static final Augmentation DEFAULT = new Augmentation(true, 10, 0.1, 0.1, 0.1);

    public Augmentation {
        if (!(maxRotationDegrees >= 0)
                || !(scaleJitter >= 0 && scaleJitter < 1)
                || !(brightnessJitter >= 0 && brightnessJitter <= 1)
                || !(contrastJitter >= 0 && contrastJitter < 1)) {
            throw new IllegalArgumentException("augmentation needs rotation >= 0, scale and contrast jitter in [0, 1), "
                    + "brightness jitter in [0, 1]; got " + maxRotationDegrees + ", " + scaleJitter + ", "
                    + contrastJitter + ", " + brightnessJitter);
        }
    }

    /** True when this changes nothing. */
    public boolean isNone() {
        return !flip && maxRotationDegrees == 0 && scaleJitter == 0 && brightnessJitter == 0 && contrastJitter == 0;
    }
}
