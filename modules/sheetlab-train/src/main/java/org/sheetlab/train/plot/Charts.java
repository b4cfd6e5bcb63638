package org.sheetlab.train.plot;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.sheetlab.train.run.RunDirectory;

/** Rendering XChart charts into a run folder. */
public final class Charts {
    private Charts() {}

    /** Two charts side by side as one image. */
    public static BufferedImage sideBySide(Chart<?, ?> left, Chart<?, ?> right) {
        BufferedImage a = BitmapEncoder.getBufferedImage(left);
        BufferedImage b = BitmapEncoder.getBufferedImage(right);
        BufferedImage out = new BufferedImage(
                a.getWidth() + b.getWidth(), Math.max(a.getHeight(), b.getHeight()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(a, 0, 0, null);
        g.drawImage(b, a.getWidth(), 0, null);
        g.dispose();
        return out;
    }

    /** Writes an image as PNG into the run folder, atomically. */
    public static void writePng(RunDirectory run, String name, BufferedImage image) {
        run.write(name, out -> ImageIO.write(image, "png", out));
    }
}
