package org.sheetlab.experiments.plot;

import java.awt.image.BufferedImage;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.sheetlab.experiments.run.RunDirectory;
import org.sheetlab.experiments.train.EpochMetrics;

/** Training curves: loss (train and test) and test accuracy against the epoch, side by side in one PNG. */
public final class Curves {
    private Curves() {}

    /** The two charts: [0] loss, [1] accuracy. */
    public static XYChart[] charts(String title, List<EpochMetrics> history) {
        double[] epochs = history.stream().mapToDouble(EpochMetrics::epoch).toArray();
        XYChart loss = new XYChartBuilder().width(560).height(400).title(title + ": loss").xAxisTitle("epoch")
                .yAxisTitle("categorical cross-entropy").build();
        loss.addSeries("train", epochs, history.stream().mapToDouble(EpochMetrics::trainLoss).toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        loss.addSeries("test", epochs, history.stream().mapToDouble(EpochMetrics::testLoss).toArray())
                .setMarker(SeriesMarkers.DIAMOND);
        XYChart acc = new XYChartBuilder().width(560).height(400).title(title + ": test accuracy").xAxisTitle("epoch")
                .yAxisTitle("accuracy").build();
        acc.addSeries("test accuracy", epochs, history.stream().mapToDouble(EpochMetrics::testAccuracy).toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        return new XYChart[] {loss, acc};
    }

    /** Both charts side by side as one image. */
    public static BufferedImage image(String title, List<EpochMetrics> history) {
        XYChart[] charts = charts(title, history);
        return Charts.sideBySide(charts[0], charts[1]);
    }

    /** Writes {@code curves.png} into the run folder atomically. */
    public static void write(RunDirectory run, String title, List<EpochMetrics> history) {
        Charts.writePng(run, "curves.png", image(title, history));
    }
}
