package org.sheetlab.experiments.plot;

import java.awt.image.BufferedImage;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Tiles of 28×28 greyscale images (reconstructions, samples, manifolds) as one PNG-ready image. */
public final class ImageGrid {
    private ImageGrid() {}

    /** 28×28 images (rows of {@code images}, values in [0, 1]) tiled rows × cols, 2 px apart, grey on black. */
    public static BufferedImage of(INDArray images, int rows, int cols) {
        int s = 28;
        int gap = 2;
        BufferedImage img =
                new BufferedImage(cols * (s + gap) + gap, rows * (s + gap) + gap, BufferedImage.TYPE_BYTE_GRAY);
        float[] px = images.castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int idx = r * cols + c;
                if (idx >= images.size(0)) {
                    continue;
                }
                for (int y = 0; y < s; y++) {
                    for (int x = 0; x < s; x++) {
                        int v = Math.round(255 * Math.max(0, Math.min(1, px[idx * s * s + y * s + x])));
                        img.getRaster().setSample(gap + c * (s + gap) + x, gap + r * (s + gap) + y, 0, v);
                    }
                }
            }
        }
        return img;
    }

    /**
     * The first row of tiles of each grid made by {@link #of} (same width), stacked top to bottom: a progression of
     * the same latent codes over training.
     */
    public static BufferedImage firstRows(List<BufferedImage> grids) {
        int strip = 28 + 2;
        int width = grids.get(0).getWidth();
        BufferedImage img = new BufferedImage(width, grids.size() * strip + 2, BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D g = img.createGraphics();
        try {
            for (int i = 0; i < grids.size(); i++) {
                BufferedImage src = grids.get(i);
                if (src.getWidth() != width) {
                    throw new IllegalArgumentException("ImageGrid.firstRows: grids of different widths ("
                            + src.getWidth() + " and " + width + ")");
                }
                g.drawImage(src.getSubimage(0, 0, width, strip), 0, i * strip, null);
            }
        } finally {
            g.dispose();
        }
        return img;
    }
}
