package org.sheetlab.experiments.notebook;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * The notebook's {@code display(x)}, as in IJava: images ({@link BufferedImage}) and XChart charts become PNG
 * display data, anything else its text. The runner collects what a cell displayed.
 */
public final class Display {
    private static final List<Map<String, String>> pending = new ArrayList<>();

    private Display() {}

    /** Shows {@code value} in the current cell's output and returns a display id (as IJava does). */
    public static synchronized String display(Object value) {
        Map<String, String> data = new LinkedHashMap<>();
        BufferedImage image = null;
        if (value instanceof BufferedImage img) {
            image = img;
        } else if (value instanceof Chart<?, ?> chart) {
            image = BitmapEncoder.getBufferedImage(chart);
        }
        if (image != null) {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            try {
                ImageIO.write(image, "png", png);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            data.put("image/png", Base64.getEncoder().encodeToString(png.toByteArray()));
            data.put("text/plain", "<image " + image.getWidth() + "x" + image.getHeight() + ">");
        } else {
            data.put("text/plain", String.valueOf(value));
        }
        pending.add(data);
        return Integer.toHexString(System.identityHashCode(data));
    }

    /** What was displayed since the last call, in order; clears the list. */
    static synchronized List<Map<String, String>> drain() {
        List<Map<String, String>> out = new ArrayList<>(pending);
        pending.clear();
        return out;
    }
}
