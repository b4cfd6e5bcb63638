package org.sheetlab.train.predict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.core.settings.InvalidSettingException;

/**
 * Feature rows read from CSV: one example per line, numbers separated by commas, the same count on every line. A first
 * line that is not all numbers is a header and skipped; blank lines are skipped. A folder stands for every
 * {@code *.csv} file in it (not its sub-folders), in name order, rows concatenated. Each row keeps its source
 * ({@code file.csv:line}) for the output.
 *
 * @param values the rows, {@code [N][F]}
 * @param sources {@code file:line} of each row
 */
public record FeatureRows(double[][] values, List<String> sources) {
    /** Number of rows N. */
    public int size() {
        return values.length;
    }

    /** Features per row F (0 when there are no rows). */
    public int width() {
        return values.length == 0 ? 0 : values[0].length;
    }

    /** Rows {@code [from, to)} as a {@code [to - from, F]} array of {@code type}. */
    public INDArray toArray(int from, int to, DataType type) {
        double[][] part = new double[to - from][];
        System.arraycopy(values, from, part, 0, to - from);
        return Nd4j.create(part).castTo(type);
    }

    /**
     * Reads {@code input}, a CSV file or a folder of them.
     *
     * @throws InvalidSettingException (setting {@code input}) when it is missing, empty, ragged or not numeric
     */
    public static FeatureRows read(Path input) {
        List<Path> files;
        if (Files.isDirectory(input)) {
            try (Stream<Path> list = Files.list(input)) {
                files = list.filter(p -> Files.isRegularFile(p)
                                && p.getFileName()
                                        .toString()
                                        .toLowerCase(java.util.Locale.ROOT)
                                        .endsWith(".csv"))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (files.isEmpty()) {
                throw InvalidSettingException.mentioning(
                        "input", input, "{input} %s is a folder without .csv files; give a CSV of feature rows", input);
            }
        } else if (Files.isRegularFile(input)) {
            files = List.of(input);
        } else {
            throw InvalidSettingException.mentioning(
                    "input", input, "{input} %s: no such file or folder; give a CSV of feature rows", input);
        }
        List<double[]> rows = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (Path f : files) {
            readFile(f, rows, sources);
        }
        if (rows.isEmpty()) {
            throw InvalidSettingException.mentioning(
                    "input", input, "{input} %s holds no feature rows; give one example per line", input);
        }
        return new FeatureRows(rows.toArray(double[][]::new), List.copyOf(sources));
    }

    private static void readFile(Path file, List<double[]> rows, List<String> sources) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw InvalidSettingException.mentioning(
                    "input", file, "{input} %s cannot be read as text (%s)", file, e.getMessage());
        }
        boolean first = true;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split(",", -1);
            double[] row = new double[fields.length];
            for (int c = 0; c < fields.length; c++) {
                try {
                    row[c] = Double.parseDouble(fields[c].strip());
                } catch (NumberFormatException e) {
                    if (first) {
                        row = null; // a header
                        break;
                    }
                    throw InvalidSettingException.mentioning(
                            "input",
                            file,
                            "{input} %s line %s, column %s: '%s' is not a number; feature rows are numbers only",
                            file,
                            i + 1,
                            c + 1,
                            fields[c].strip());
                }
            }
            first = false;
            if (row == null) {
                continue;
            }
            if (!rows.isEmpty() && row.length != rows.get(0).length) {
                throw InvalidSettingException.mentioning(
                        "input",
                        file,
                        "{input} %s line %s has %s values, but %s has %s; every row needs the same number of features",
                        file,
                        i + 1,
                        row.length,
                        sources.get(0),
                        rows.get(0).length);
            }
            rows.add(row);
            sources.add(file.getFileName() + ":" + (i + 1));
        }
    }
}
