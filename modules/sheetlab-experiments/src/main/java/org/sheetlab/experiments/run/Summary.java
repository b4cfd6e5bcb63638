package org.sheetlab.experiments.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.sheetlab.train.EpochMetrics;
import org.sheetlab.train.plot.Charts;
import org.sheetlab.train.run.RunDirectory;

/**
 * The top of a run folder, written by the harness after every variant (atomically, so an interrupted comparison still
 * shows the variants done): {@code summary.txt} (one row per variant: the experiment's headline metrics, seconds per
 * epoch, epochs, parameters) and, for an experiment with several variants, {@code metrics.json} (the same rows) and
 * {@code comparison.png} (one bar chart per headline metric, and seconds per epoch). An experiment that trains one
 * network in the run folder itself keeps the loop's per-epoch {@code metrics.json} and {@code curves.png}; its
 * headline values are added to that {@code metrics.json} as {@code headline}.
 */
public final class Summary {
    /** The summary table's file name. */
    public static final String FILE = "summary.txt";

    private Summary() {}

    /** Writes the summary of a comparison: metrics.json, summary.txt and comparison.png. */
    public static void writeComparison(RunDirectory run, String experiment, List<Headline> headline, List<Row> rows) {
        run.writeJson("metrics.json", json(experiment, headline, rows));
        run.writeText(FILE, table(headline, rows));
        Charts.writePng(run, "comparison.png", chart(experiment, headline, rows));
    }

    /**
     * Writes the summary of a single run trained in the run folder: summary.txt, and the headline values added to the
     * loop's metrics.json next to the epochs.
     */
    public static void writeSingle(
            RunDirectory run, String experiment, List<Headline> headline, Row row, List<EpochMetrics> history) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("experiment", experiment);
        json.put("headline", headlineKeys(headline));
        json.put("final", row);
        json.put("epochs", history);
        run.writeJson("metrics.json", json);
        run.writeText(FILE, table(headline, List.of(row)));
    }

    private static Map<String, Object> json(String experiment, List<Headline> headline, List<Row> rows) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("experiment", experiment);
        json.put("headline", headlineKeys(headline));
        json.put("variants", rows);
        return json;
    }

    private static List<Map<String, String>> headlineKeys(List<Headline> headline) {
        return headline.stream()
                .map(h -> Map.of("key", h.key(), "label", h.label()))
                .toList();
    }

    /** The table: variant, each headline metric, seconds per epoch, epochs, parameters (and notes below). */
    public static String table(List<Headline> headline, List<Row> rows) {
        int first = Math.max(
                "variant".length(),
                rows.stream().mapToInt(r -> r.variant().length()).max().orElse(0));
        List<Integer> widths = new ArrayList<>();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + first + "s", "variant"));
        for (Headline h : headline) {
            int w = Math.max(10, h.label().length());
            widths.add(w);
            sb.append(String.format(Locale.ROOT, " %" + w + "s", h.label()));
        }
        sb.append(String.format(Locale.ROOT, " %12s %7s %11s%n", "s per epoch", "epochs", "parameters"));
        StringBuilder notes = new StringBuilder();
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-" + first + "s", r.variant()));
            for (int i = 0; i < headline.size(); i++) {
                Headline h = headline.get(i);
                sb.append(String.format(
                        Locale.ROOT,
                        " %" + widths.get(i) + "s",
                        h.format(r.values().get(h.key()))));
            }
            sb.append(
                    String.format(Locale.ROOT, " %12.2f %7d %,11d%n", r.secondsPerEpoch(), r.epochs(), r.parameters()));
            if (r.note() != null) {
                notes.append(r.variant()).append(": ").append(r.note()).append(System.lineSeparator());
            }
        }
        return sb.append(notes).toString();
    }

    /** One bar chart per headline metric and one of seconds per epoch, two per row. */
    static java.awt.image.BufferedImage chart(String experiment, List<Headline> headline, List<Row> rows) {
        List<String> names = rows.stream().map(Row::variant).toList();
        List<CategoryChart> charts = new ArrayList<>();
        for (Headline h : headline) {
            charts.add(bars(
                    experiment + ": " + h.label(),
                    h.label(),
                    names,
                    rows.stream()
                            .map(r -> finiteOrZero(r.values().get(h.key())))
                            .toList()));
        }
        charts.add(bars(
                experiment + ": training time",
                "seconds per epoch",
                names,
                rows.stream().map(r -> finiteOrZero(r.secondsPerEpoch())).toList()));
        return Charts.grid(charts, 2);
    }

    /** A bar of a missing or non-finite value is drawn at 0 (the table says n/a or NaN, and the note says why). */
    private static double finiteOrZero(Double v) {
        return v == null || !Double.isFinite(v) ? 0 : v;
    }

    private static CategoryChart bars(String title, String axis, List<String> names, List<Double> values) {
        CategoryChart c = Charts.chart(CategoryChart::new, 520, 380, title, "", axis);
        c.getStyler().setLegendVisible(false);
        c.addSeries(axis, names, values);
        return c;
    }
}
