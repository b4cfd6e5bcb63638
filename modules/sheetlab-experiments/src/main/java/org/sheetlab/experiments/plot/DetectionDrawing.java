package org.sheetlab.experiments.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;

/**
 * Sheet, "YOLO &amp; Object Detection": boxes drawn onto an image with their class names and scores, for the
 * detector's sample predictions (before and after non-max suppression) and for ground truth.
 *
 * <p>The image (grey [H, W] or [1, H, W], or RGB [3, H, W], values in [0, 1]) is scaled up {@code scale} times with
 * nearest-neighbour pixels so that small canvases (96×96) stay legible; each box {@code (x1, y1, x2, y2)} in the
 * image's pixels becomes a 2-pixel outline in its class's {@link #colour(int)} on the pixels
 * ⌊x1·scale⌋ … ⌊x2·scale⌋ − 1 (clipped to the image), with a filled label "name score" in the same colour above its
 * top-left corner (inside the box when there is no room above). Boxes are drawn in the order given; no anti-aliasing on
 * the outlines, so every outline pixel has exactly the class colour.
 */
public final class DetectionDrawing {
    /** The default enlargement: 96×96 canvases become 288×288 PNGs. */
    public static final int DEFAULT_SCALE = 3;

    /** Outline thickness in output pixels. */
    public static final int LINE = 2;

    /**
     * One colour per class: matplotlib's tab10 order, with its grey replaced by gold (a grey outline would vanish on
     * the grey items).
     */
    private static final int[] PALETTE = {
        0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0xffd700, 0xbcbd22, 0x17becf
    };

    private DetectionDrawing() {}

    /** The colour of class {@code c}: tab10's ten, then hues spaced by the golden angle. */
    public static Color colour(int c) {
        if (c < 0) {
            throw new IllegalArgumentException("DetectionDrawing: class index must be >= 0, got " + c);
        }
        if (c < PALETTE.length) {
            return new Color(PALETTE[c]);
        }
        float hue = (float) ((c * 0.618033988749895) % 1.0);
        return Color.getHSBColor(hue, 0.85f, 0.95f);
    }

    /**
     * The image scaled {@code scale}× with boxes {@code [N, 4]} (corner x1, y1, x2, y2 in the image's pixels), class
     * indices {@code [N]} and scores {@code [N]} drawn on it; {@code scores} may be null (ground truth: the label is the
     * class name alone). {@code classNames.get(c)} names class c (its index when the list is shorter).
     *
     * @throws IllegalArgumentException when the shapes disagree or the scale is below 1
     */
    public static BufferedImage draw(
            INDArray image, INDArray boxes, INDArray classes, INDArray scores, List<String> classNames, int scale) {
        if (scale < 1) {
            throw new IllegalArgumentException("DetectionDrawing: scale must be >= 1, got " + scale);
        }
        BufferedImage out = scaled(image, scale);
        long n = boxes == null ? 0 : (boxes.isEmpty() ? 0 : boxes.size(0));
        if (n == 0) {
            return out;
        }
        if (boxes.rank() != 2 || boxes.size(1) != 4) {
            throw new IllegalArgumentException("DetectionDrawing: boxes must be [N, 4] corner (x1, y1, x2, y2), got "
                    + Arrays.toString(boxes.shape()));
        }
        if (classes == null || classes.length() != n || (scores != null && scores.length() != n)) {
            throw new IllegalArgumentException("DetectionDrawing: need one class" + (scores == null ? "" : " and score")
                    + " per box: " + n + " boxes, " + (classes == null ? "no" : classes.length()) + " classes"
                    + (scores == null ? "" : ", " + scores.length() + " scores"));
        }
        double[][] b = boxes.castTo(DataType.DOUBLE).toDoubleMatrix();
        long[] cls = classes.castTo(DataType.LONG).reshape(n).toLongVector();
        double[] sc = scores == null
                ? null
                : scores.castTo(DataType.DOUBLE).reshape(n).toDoubleVector();
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, 4 * scale)));
            for (int i = 0; i < n; i++) {
                int c = Math.toIntExact(cls[i]);
                String name = c < classNames.size() ? classNames.get(c) : Integer.toString(c);
                String label = sc == null ? name : name + String.format(Locale.ROOT, " %.2f", sc[i]);
                box(g, out.getWidth(), out.getHeight(), b[i], scale, colour(c), label);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Panels side by side, {@code gap} black pixels apart (e.g. before and after NMS), tops aligned. */
    public static BufferedImage sideBySide(List<BufferedImage> panels, int gap) {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("DetectionDrawing.sideBySide: no panels");
        }
        int w = panels.stream().mapToInt(BufferedImage::getWidth).sum() + gap * (panels.size() - 1);
        int h = panels.stream().mapToInt(BufferedImage::getHeight).max().orElseThrow();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            int x = 0;
            for (BufferedImage p : panels) {
                g.drawImage(p, x, 0, null);
                x += p.getWidth() + gap;
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Writes {@code image} as the PNG {@code name} into the run folder, atomically (temp file, then move). */
    public static Path write(RunDirectory run, String name, BufferedImage image) {
        Charts.writePng(run, name, image);
        return run.resolve(name);
    }

    private static void box(Graphics2D g, int width, int height, double[] b, int scale, Color colour, String label) {
        int x1 = clamp((int) Math.floor(b[0] * scale), width - 1);
        int y1 = clamp((int) Math.floor(b[1] * scale), height - 1);
        int x2 = clamp((int) Math.floor(b[2] * scale) - 1, width - 1);
        int y2 = clamp((int) Math.floor(b[3] * scale) - 1, height - 1);
        if (x2 < x1 || y2 < y1) {
            return;
        }
        g.setColor(colour);
        g.setStroke(new BasicStroke(1));
        for (int t = 0; t < LINE && x1 + t <= x2 - t && y1 + t <= y2 - t; t++) {
            g.drawRect(x1 + t, y1 + t, x2 - x1 - 2 * t, y2 - y1 - 2 * t);
        }
        FontMetrics fm = g.getFontMetrics();
        int tw = fm.stringWidth(label) + 4;
        int th = fm.getAscent() + fm.getDescent();
        int ty = y1 - th >= 0 ? y1 - th : y1 + LINE;
        int tx = Math.max(0, Math.min(x1, width - tw));
        g.fillRect(tx, ty, tw, th);
        double luminance = 0.299 * colour.getRed() + 0.587 * colour.getGreen() + 0.114 * colour.getBlue();
        g.setColor(luminance > 140 ? Color.BLACK : Color.WHITE);
        g.drawString(label, tx + 2, ty + fm.getAscent());
    }

    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(max, v));
    }

    /** [H, W], [1, H, W] or [3, H, W] (also with a leading 1) in [0, 1] → RGB image scale× larger. */
    private static BufferedImage scaled(INDArray image, int scale) {
        INDArray im = image;
        while (im.rank() > 3 && im.size(0) == 1) {
            im = im.reshape(Arrays.copyOfRange(im.shape(), 1, im.rank()));
        }
        if (im.rank() == 2) {
            im = im.reshape(1, im.size(0), im.size(1));
        }
        if (im.rank() != 3 || (im.size(0) != 1 && im.size(0) != 3)) {
            throw new IllegalArgumentException("DetectionDrawing: the image must be [H, W], [1, H, W] or [3, H, W] "
                    + "with values in [0, 1], got " + Arrays.toString(image.shape()));
        }
        int ch = (int) im.size(0);
        int h = (int) im.size(1);
        int w = (int) im.size(2);
        float[] px = im.castTo(DataType.FLOAT).dup('c').data().asFloat();
        BufferedImage out = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = byteOf(px[y * w + x]);
                int gr = ch == 3 ? byteOf(px[h * w + y * w + x]) : r;
                int bl = ch == 3 ? byteOf(px[2 * h * w + y * w + x]) : r;
                int rgb = (r << 16) | (gr << 8) | bl;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        out.setRGB(x * scale + dx, y * scale + dy, rgb);
                    }
                }
            }
        }
        return out;
    }

    private static int byteOf(float v) {
        return Math.round(255 * Math.max(0f, Math.min(1f, v)));
    }
}
