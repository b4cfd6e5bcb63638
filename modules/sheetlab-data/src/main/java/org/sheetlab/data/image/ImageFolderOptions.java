package org.sheetlab.data.image;

import java.util.Map;
import java.util.Objects;

/**
 * How an {@link ImageFolder} turns files into arrays: the target size H × W × C, how an image whose aspect ratio
 * differs from W / H is fitted (per class, the sheet's "crop-resize per class"), and what happens to a file that
 * cannot be decoded.
 *
 * @param height H, rows of every decoded image (≥ 1)
 * @param width W, columns (≥ 1)
 * @param channels C: 1 (grey) or 3 (colour, in OpenCV's B, G, R order); images are converted to it
 * @param fit how every class not named in {@code fitPerClass} is fitted
 * @param fitPerClass overrides of {@code fit} by class (subfolder) name
 * @param onCorrupt skip an undecodable image (reported by path and counted) or refuse the folder naming it
 */
public record ImageFolderOptions(
        int height, int width, int channels, Fit fit, Map<String, Fit> fitPerClass, OnCorrupt onCorrupt) {

    /** How an image of another aspect ratio becomes H × W. */
    public enum Fit {
        /** Crop the largest centred window of aspect W / H, then resize: no distortion, the borders are lost. */
        CROP,
        /** Resize the whole image to H × W: nothing is lost, shapes are stretched. */
        RESIZE
    }

    /** What a file with an image extension that cannot be decoded does. */
    public enum OnCorrupt {
        /** Leave it out, log its path and count it ({@link ImageFolder#skipped()}). */
        SKIP,
        /** Refuse the folder with a {@link org.sheetlab.data.DatasetException} naming the file. */
        FAIL
    }

    public ImageFolderOptions {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be >= 1 x 1, got " + height + " x " + width);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (grey) or 3 (colour), got " + channels);
        }
        Objects.requireNonNull(fit, "fit");
        Objects.requireNonNull(onCorrupt, "onCorrupt");
        fitPerClass = Map.copyOf(fitPerClass);
    }

    /** H × W × C with plain resizing for every class, corrupt files skipped. */
    public static ImageFolderOptions of(int height, int width, int channels) {
        return new ImageFolderOptions(height, width, channels, Fit.RESIZE, Map.of(), OnCorrupt.SKIP);
    }

    /** The same options with {@code fit} for every class not overridden. */
    public ImageFolderOptions withFit(Fit fit) {
        return new ImageFolderOptions(height, width, channels, fit, fitPerClass, onCorrupt);
    }

    /** The same options with class {@code className} fitted by {@code classFit}. */
    public ImageFolderOptions withFit(String className, Fit classFit) {
        java.util.HashMap<String, Fit> map = new java.util.HashMap<>(fitPerClass);
        map.put(className, classFit);
        return new ImageFolderOptions(height, width, channels, fit, map, onCorrupt);
    }

    /** The same options with the given corrupt-file policy. */
    public ImageFolderOptions withOnCorrupt(OnCorrupt policy) {
        return new ImageFolderOptions(height, width, channels, fit, fitPerClass, policy);
    }

    /** How class {@code className} is fitted. */
    public Fit fitOf(String className) {
        return fitPerClass.getOrDefault(className, fit);
    }
}
