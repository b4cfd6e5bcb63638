package org.sheetlab.train.plot;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.sheetlab.train.run.RunDirectory;

/** Rendering XChart charts into a run folder. */
public final class Charts {
    private Charts() {}

    /** A chart constructor of XChart: {@code XYChart::new}, {@code CategoryChart::new}, {@code HeatMapChart::new}. */
    @FunctionalInterface
    public interface Kind<C extends Chart<?, ?>> {
        C make(int width, int height, Styler.ChartTheme theme);
    }

    /**
     * A chart of {@code kind} with its size, title and axis titles ({@code ""} for none), made as XChart's builders
     * make it (XChart theme), e.g. {@code Charts.chart(XYChart::new, 640, 480, "loss by epoch", "epoch", "loss")}.
     */
    public static <C extends Chart<?, ?>> C chart(
            Kind<C> kind, int width, int height, String title, String xAxisTitle, String yAxisTitle) {
        C chart = kind.make(width, height, Styler.ChartTheme.XChart);
        chart.setTitle(title);
        chart.setXAxisTitle(xAxisTitle);
        chart.setYAxisTitle(yAxisTitle);
        return chart;
    }

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

    /**
     * Charts in a grid of {@code columns} columns (row by row), as one image; cells take the largest chart's size.
     */
    public static BufferedImage grid(java.util.List<? extends Chart<?, ?>> charts, int columns) {
        if (charts.isEmpty()) {
            throw new IllegalArgumentException("no charts to draw");
        }
        java.util.List<BufferedImage> images =
                charts.stream().map(BitmapEncoder::getBufferedImage).toList();
        int w = images.stream().mapToInt(BufferedImage::getWidth).max().orElseThrow();
        int h = images.stream().mapToInt(BufferedImage::getHeight).max().orElseThrow();
        int cols = Math.min(columns, images.size());
        int rows = (images.size() + cols - 1) / cols;
        BufferedImage out = new BufferedImage(w * cols, h * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        for (int i = 0; i < images.size(); i++) {
            g.drawImage(images.get(i), (i % cols) * w, (i / cols) * h, null);
        }
        g.dispose();
        return out;
    }

    /** Writes a chart as PNG into the run folder, atomically. */
    public static void writePng(RunDirectory run, String name, Chart<?, ?> chart) {
        writePng(run, name, BitmapEncoder.getBufferedImage(chart));
    }

    /** Writes an image as PNG into the run folder, atomically. */
    public static void writePng(RunDirectory run, String name, BufferedImage image) {
        run.write(name, out -> ImageIO.write(image, "png", out));
    }
}
