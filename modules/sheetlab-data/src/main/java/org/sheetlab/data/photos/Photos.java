package org.sheetlab.data.photos;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.DatasetException;

/**
 * RGB photographs ↔ arrays. An image array is [1, 3, H, W] (NCHW, channels R, G, B) with values in [0, 1] (pixel byte
 * / 255), in the data type asked for; a grey-scale or palette file is read as RGB.
 */
public final class Photos {
    private Photos() {}

    /**
     * Reads {@code file} and scales it to cover {@code height}×{@code width} (keeping its aspect ratio, bicubic), then
     * crops the centre: [1, 3, height, width] in [0, 1].
     *
     * @throws DatasetException naming the file when it is missing or not an image ImageIO can read (PNG, JPEG, BMP,
     *     GIF)
     */
    public static INDArray read(Path file, int height, int width, DataType type) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "Photos.read: the size must be at least 1×1, got " + height + "×" + width);
        }
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("image file " + file + " does not exist");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new DatasetException("cannot read image " + file + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new DatasetException("cannot read image " + file + ": not a PNG, JPEG, BMP or GIF file");
        }
        return toArray(cover(img, height, width), type);
    }

    /** {@code img} scaled to cover height×width and centre-cropped. */
    public static BufferedImage cover(BufferedImage img, int height, int width) {
        double scale = Math.max((double) width / img.getWidth(), (double) height / img.getHeight());
        int w = Math.max(width, (int) Math.round(img.getWidth() * scale));
        int h = Math.max(height, (int) Math.round(img.getHeight() * scale));
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(img, -(w - width) / 2, -(h - height) / 2, w, h, null);
        g.dispose();
        return out;
    }

    /** An image as [1, 3, H, W] in [0, 1]. */
    public static INDArray toArray(BufferedImage img, DataType type) {
        int h = img.getHeight();
        int w = img.getWidth();
        double[] data = new double[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                data[y * w + x] = ((rgb >> 16) & 0xff) / 255.0;
                data[h * w + y * w + x] = ((rgb >> 8) & 0xff) / 255.0;
                data[2 * h * w + y * w + x] = (rgb & 0xff) / 255.0;
            }
        }
        return Nd4j.create(data, new long[] {1, 3, h, w}, DataType.DOUBLE).castTo(type);
    }

    /** [1, 3, H, W] (or [3, H, W]) in [0, 1] as an RGB image; values outside [0, 1] are clipped. */
    public static BufferedImage toImage(INDArray image) {
        if (!(image.rank() == 4 && image.size(0) == 1 && image.size(1) == 3)
                && !(image.rank() == 3 && image.size(0) == 3)) {
            throw new IllegalArgumentException("Photos.toImage: an image array is [1, 3, H, W] or [3, H, W], got "
                    + java.util.Arrays.toString(image.shape()));
        }
        int h = (int) image.size(image.rank() - 2);
        int w = (int) image.size(image.rank() - 1);
        double[] d = image.castTo(DataType.DOUBLE).dup().data().asDouble();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = byteOf(d[y * w + x]);
                int g = byteOf(d[h * w + y * w + x]);
                int b = byteOf(d[2 * h * w + y * w + x]);
                out.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return out;
    }

    /** Writes [1, 3, H, W] in [0, 1] as a PNG file. */
    public static void writePng(INDArray image, Path file) {
        try {
            if (!ImageIO.write(toImage(image), "png", file.toFile())) {
                throw new IllegalStateException("no PNG writer in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static int byteOf(double v) {
        return (int) Math.round(Math.min(1, Math.max(0, v)) * 255);
    }
}
