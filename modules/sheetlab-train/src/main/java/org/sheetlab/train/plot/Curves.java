package org.sheetlab.train.plot;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.sheetlab.train.EpochMetrics;
import org.sheetlab.train.run.RunDirectory;

/**
 * Training curves against the epoch, one PNG: the losses (the training loss and every metric whose name ends in
 * "Loss") on the left, every other evaluator metric (accuracy, perplexity, …) on the right, each under its own name.
 */
public final class Curves {
    private Curves() {}

    /** The charts: [0] losses, and [1] the other metrics when there are any. */
    public static List<XYChart> charts(String title, List<EpochMetrics> history) {
        double[] epochs = history.stream().mapToDouble(EpochMetrics::epoch).toArray();
        Set<String> names = new LinkedHashSet<>();
        history.forEach(m -> names.addAll(m.metrics().keySet()));
        XYChart loss = new XYChartBuilder()
                .width(560)
                .height(400)
                .title(title + ": loss")
                .xAxisTitle("epoch")
                .yAxisTitle("loss")
                .build();
        loss.addSeries(
                        "trainLoss",
                        epochs,
                        history.stream().mapToDouble(EpochMetrics::trainLoss).toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        XYChart other = new XYChartBuilder()
                .width(560)
                .height(400)
                .title(title + ": metrics")
                .xAxisTitle("epoch")
                .yAxisTitle("value")
                .build();
        for (String name : names) {
            double[] y = history.stream()
                    .mapToDouble(m -> m.metrics().getOrDefault(name, Double.NaN))
                    .toArray();
            XYChart chart = name.endsWith("Loss") ? loss : other;
            chart.addSeries(name, epochs, y).setMarker(SeriesMarkers.DIAMOND);
        }
        List<XYChart> charts = new ArrayList<>(List.of(loss));
        if (!other.getSeriesMap().isEmpty()) {
            charts.add(other);
        }
        return charts;
    }

    /** The charts side by side as one image. */
    public static BufferedImage image(String title, List<EpochMetrics> history) {
        List<XYChart> charts = charts(title, history);
        return charts.size() == 1
                ? BitmapEncoder.getBufferedImage(charts.get(0))
                : Charts.sideBySide(charts.get(0), charts.get(1));
    }

    /** Writes {@code curves.png} into the run folder atomically. */
    public static void write(RunDirectory run, String title, List<EpochMetrics> history) {
        Charts.writePng(run, "curves.png", image(title, history));
    }
}
