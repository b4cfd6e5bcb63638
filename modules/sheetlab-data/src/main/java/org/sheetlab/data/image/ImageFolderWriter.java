package org.sheetlab.data.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.data.AtomicFolder;
import org.sheetlab.data.DatasetException;

/**
 * Writes labelled arrays (e.g. Fashion-MNIST images) as an image folder that {@link ImageFolder} reads: {@code
 * root/<class name>/<index>.png}, one subfolder per class, 8-bit grey or colour PNGs.
 *
 * <p>Atomic: everything is written into a temporary sibling folder, which is then renamed to {@code root} in one
 * step, so a killed writer never leaves a half-written folder that would later be read as a smaller dataset.
 */
public final class ImageFolderWriter {
    private ImageFolderWriter() {}

    /**
     * Writes {@code images} to {@code root}.
     *
     * @param images [N, H·W] (grey, rows of a flattened image) or [N, C, H, W] with C = 1 or 3 (colour channels in B,
     *     G, R order, as {@link ImageFolder} reads them back), values in [0, 1] (clamped, rounded to 0–255)
     * @param labelIds N class ids in [0, classNames.size())
     * @param classNames the subfolder name of each class id; every class gets its folder
     * @param height H (needed for the [N, H·W] layout; checked against the [N, C, H, W] one)
     * @param width W
     * @return root
     * @throws DatasetException if root exists (delete it, or write elsewhere) or a file cannot be written
     */
    public static Path write(
            Path root, INDArray images, int[] labelIds, List<String> classNames, int height, int width) {
        long n = images.size(0);
        int channels = images.rank() == 4 ? (int) images.size(1) : 1;
        if (images.length() != n * channels * height * width || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException("images of shape " + java.util.Arrays.toString(images.shape())
                    + " are not N grey " + height + " x " + width + " images ([N, H*W] or [N, 1|3, H, W])");
        }
        if (labelIds.length != n) {
            throw new IllegalArgumentException(n + " images but " + labelIds.length + " labels");
        }
        float[] pixels = images.dup('c').data().asFloat();
        int len = channels * height * width;
        int digits = Math.max(5, String.valueOf(n).length());
        return AtomicFolder.write(root, "the images", tmp -> {
            for (String name : classNames) {
                Files.createDirectories(tmp.resolve(name));
            }
            for (int i = 0; i < n; i++) {
                int label = labelIds[i];
                if (label < 0 || label >= classNames.size()) {
                    throw new IllegalArgumentException("label " + label + " of image " + i + " is not a class id in 0.."
                            + (classNames.size() - 1));
                }
                BufferedImage img = toImage(pixels, i * len, channels, height, width);
                Path file = tmp.resolve(classNames.get(label)).resolve(String.format("%0" + digits + "d.png", i));
                if (!ImageIO.write(img, "png", file.toFile())) {
                    throw new IOException("no PNG writer");
                }
            }
        });
    }

    private static BufferedImage toImage(float[] p, int offset, int channels, int height, int width) {
        BufferedImage img = new BufferedImage(
                width, height, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                int at = offset + r * width + c;
                if (channels == 1) {
                    img.getRaster().setSample(c, r, 0, toByte(p[at]));
                } else {
                    // stored B, G, R (OpenCV's order, what ImageFolder decodes to)
                    int b = toByte(p[at]);
                    int g = toByte(p[at + plane]);
                    int red = toByte(p[at + 2 * plane]);
                    img.setRGB(c, r, (red << 16) | (g << 8) | b);
                }
            }
        }
        return img;
    }

    private static int toByte(float v) {
        return Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
    }
}
