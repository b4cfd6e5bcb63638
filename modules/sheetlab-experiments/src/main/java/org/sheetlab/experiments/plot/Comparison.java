package org.sheetlab.experiments.plot;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.sheetlab.train.run.RunDirectory;

/**
 * A comparison of several trained variants: {@code metrics.json} (the variants' final figures), {@code summary.txt} (a table) and
 * {@code comparison.png} (test accuracy and seconds per epoch as bar charts), written atomically.
 */
public final class Comparison {
    /** One variant's result. */
    public record Row(
            String variant,
            double testAccuracy,
            double testLoss,
            double secondsPerEpoch,
            int epochs,
            long parameters) {}

    private Comparison() {}

    public static void write(RunDirectory run, String title, List<Row> rows) {
        run.writeJson("metrics.json", Map.of("experiment", title, "variants", rows));
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "%-10s %14s %10s %14s %7s %11s%n",
                "variant",
                "test accuracy",
                "test loss",
                "s per epoch",
                "epochs",
                "parameters"));
        for (Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%-10s %14.4f %10.4f %14.2f %7d %,11d%n",
                    r.variant(),
                    r.testAccuracy(),
                    r.testLoss(),
                    r.secondsPerEpoch(),
                    r.epochs(),
                    r.parameters()));
        }
        run.writeText("summary.txt", sb.toString());
        List<String> names = rows.stream().map(Row::variant).toList();
        CategoryChart acc = new CategoryChartBuilder()
                .width(520)
                .height(380)
                .title(title + ": test accuracy")
                .yAxisTitle("accuracy")
                .build();
        acc.addSeries(
                "test accuracy", names, rows.stream().map(Row::testAccuracy).toList());
        CategoryChart time = new CategoryChartBuilder()
                .width(520)
                .height(380)
                .title(title + ": training time")
                .yAxisTitle("seconds per epoch")
                .build();
        time.addSeries(
                "seconds per epoch",
                names,
                rows.stream().map(Row::secondsPerEpoch).toList());
        org.sheetlab.train.plot.Charts.writePng(
                run, "comparison.png", org.sheetlab.train.plot.Charts.sideBySide(acc, time));
    }

    /** What a comparison experiment prints at the end: the table from summary.txt and the run folder. */
    public static String report(java.nio.file.Path runDir) {
        try {
            return java.nio.file.Files.readString(runDir.resolve("summary.txt")) + "run folder " + runDir
                    + System.lineSeparator();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
