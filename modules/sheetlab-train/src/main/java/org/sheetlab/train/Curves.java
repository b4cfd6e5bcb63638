package org.sheetlab.train;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;

/**
 * Training curves against the epoch, one PNG of panels. Metrics are grouped first by unit (losses: the training loss
 * and every metric whose name ends in "Loss"; everything else: accuracy, perplexity, a KL term, …), then by scale:
 * within a unit, a series joins a panel only when its magnitude (largest absolute finite value) is within a factor of
 * {@link #SCALE_FACTOR} of the panel's largest, so that a KL of about 6 does not lie flat under a negative ELBO of
 * about 270. Panels are laid out two per row.
 */
public final class Curves {
    /** The largest ratio of magnitudes that share a panel. */
    public static final double SCALE_FACTOR = 10;

    private Curves() {}

    /** The series by name, the training loss first, then every metric in the order first seen. */
    static Map<String, double[]> series(List<EpochMetrics> history) {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put(
                "trainLoss",
                history.stream().mapToDouble(EpochMetrics::trainLoss).toArray());
        for (EpochMetrics m : history) {
            for (String name : m.metrics().keySet()) {
                series.computeIfAbsent(
                        name,
                        n -> history.stream()
                                .mapToDouble(e -> e.metrics().getOrDefault(n, Double.NaN))
                                .toArray());
            }
        }
        return series;
    }

    static boolean isLoss(String name) {
        return name.equals("trainLoss") || name.endsWith("Loss");
    }

    static double magnitude(double[] y) {
        double m = 0;
        for (double v : y) {
            if (Double.isFinite(v)) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }

    /**
     * The panels: lists of series names, losses before other metrics, each unit split by scale (largest magnitude
     * first). Series with no finite value go with the largest panel of their unit.
     */
    public static List<List<String>> panels(Map<String, double[]> series) {
        List<List<String>> panels = new ArrayList<>();
        for (boolean loss : new boolean[] {true, false}) {
            List<String> names = series.keySet().stream()
                    .filter(n -> isLoss(n) == loss)
                    .sorted(Comparator.comparingDouble((String n) -> magnitude(series.get(n)))
                            .reversed())
                    .toList();
            List<String> current = null;
            double top = 0;
            for (String n : names) {
                double mag = magnitude(series.get(n));
                if (current == null || (mag > 0 && top / mag > SCALE_FACTOR)) {
                    current = new ArrayList<>();
                    panels.add(current);
                    top = mag;
                }
                current.add(n);
            }
        }
        // keep each panel's series in the order they were reported
        List<String> order = new ArrayList<>(series.keySet());
        panels.forEach(p -> p.sort(Comparator.comparingInt(order::indexOf)));
        return panels;
    }

    /** One chart per panel. */
    public static List<XYChart> charts(String title, List<EpochMetrics> history) {
        double[] epochs = history.stream().mapToDouble(EpochMetrics::epoch).toArray();
        Map<String, double[]> series = series(history);
        List<XYChart> charts = new ArrayList<>();
        for (List<String> panel : panels(series)) {
            boolean loss = isLoss(panel.get(0));
            XYChart chart = Charts.chart(
                    XYChart::new, 560, 400, title + ": " + String.join(", ", panel), "epoch", loss ? "loss" : "value");
            for (String name : panel) {
                chart.addSeries(name, epochs, series.get(name))
                        .setMarker(name.equals("trainLoss") ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND);
            }
            charts.add(chart);
        }
        return charts;
    }

    /** The panels as one image, two per row. */
    public static BufferedImage image(String title, List<EpochMetrics> history) {
        return Charts.grid(charts(title, history), 2);
    }

    /** Writes {@code curves.png} into the run folder atomically. */
    public static void write(RunDirectory run, String title, List<EpochMetrics> history) {
        Charts.writePng(run, "curves.png", image(title, history));
    }
}
