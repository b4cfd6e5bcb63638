package org.sheetlab.data.breastcancer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.datavec.api.records.reader.impl.csv.CSVRecordReader;
import org.datavec.api.split.FileSplit;
import org.datavec.api.writable.Writable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.Checksums;
import org.sheetlab.data.DatasetDescriptor;
import org.sheetlab.data.DatasetException;
import org.sheetlab.data.source.LabeledArrays;

/**
 * The Wisconsin diagnostic breast-cancer data. Labels: 1 = malignant (the positive class), 0 = benign.
 *
 * <p>Shapes: {@link LabeledArrays#features()} [N, 30] FLOAT standardised with the training part's mean and standard
 * deviation;
 * {@link LabeledArrays#labels()} [N, 2] one-hot (column 1 = malignant).
 *
 * <p>The file is scikit-learn's {@value #FILE_NAME}, read with DataVec's {@link CSVRecordReader}; its SHA-256 comes
 * from {@code datasets/breast-cancer/checksums.sha256} through {@link #DESCRIPTOR}, which also gives the search path
 * ({@code --data-dir}, else {@code $SHEETLAB_DATA/breast-cancer}, else {@link #DEBIAN_DIR}) and fetches missing data
 * with {@link #FETCH_COMMAND}.
 *
 * @param train the 60% training part
 * @param validation the 20% validation part
 * @param test the 20% test part
 */
public record BreastCancer(LabeledArrays train, LabeledArrays validation, LabeledArrays test) {
    /** The file's name in every data directory. */
    public static final String FILE_NAME = "breast_cancer.csv";
    /** Where Debian's python3-sklearn installs the file. */
    public static final Path DEBIAN_DIR = Paths.get("/usr/lib/python3/dist-packages/sklearn/datasets/data");

    public static final Path DEBIAN_FILE = DEBIAN_DIR.resolve(FILE_NAME);
    /** Name, file, checksum (from {@code datasets/breast-cancer/checksums.sha256}), fetch command, search path. */
    public static final DatasetDescriptor DESCRIPTOR = DatasetDescriptor.of("breast-cancer", DEBIAN_DIR);

    public static final String FETCH_COMMAND = "datasets/breast-cancer/fetch.sh";
    public static final int ROWS = 569;
    public static final int FEATURES = 30;
    public static final List<String> CLASSES = List.of("benign", "malignant");

    /** The official file, fetched if missing, split 60/20/20 stratified by {@code seed}: {@code loadOrFetch(null, seed)}. */
    public static BreastCancer load(long seed) {
        return loadOrFetch(null, seed);
    }

    /**
     * The experiments' entry point: loads the official file (checksum checked) from {@code dataDirOrNull} (their
     * {@code --data-dir}; null: {@code $SHEETLAB_DATA/breast-cancer}, then {@link #DEBIAN_DIR}), running
     * {@link #FETCH_COMMAND} first when no searched directory holds it, and splits it 60/20/20, stratified, by
     * {@code seed}.
     *
     * @throws DatasetException "breast-cancer data not found in &lt;places&gt;. Install it with: ..." when it cannot
     *     be fetched, or the file and problem when it is corrupt
     */
    public static BreastCancer loadOrFetch(Path dataDirOrNull, long seed) {
        Path dir = DESCRIPTOR.locateOrFetch(dataDirOrNull);
        return load(dir.resolve(FILE_NAME), DESCRIPTOR.sha256(FILE_NAME), ROWS, seed);
    }

    /**
     * Loads a file in scikit-learn's layout, checking the header, row count, feature count, labels and (unless
     * {@code sha256} is null) the checksum; splits 60/20/20 stratified by class.
     */
    public static BreastCancer load(Path file, String sha256, int expectedRows, long seed) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(
                    "breast-cancer data not found at " + file + ". Install it with: " + FETCH_COMMAND);
        }
        String headerLine;
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (sha256 != null) {
                String actual = Checksums.sha256(bytes);
                if (!actual.equals(sha256)) {
                    throw new DatasetException("breast-cancer file " + file + " is corrupt: SHA-256 " + actual
                            + ", expected " + sha256 + ". Reinstall with: " + FETCH_COMMAND);
                }
            }
            headerLine = new String(bytes, StandardCharsets.UTF_8)
                    .lines()
                    .findFirst()
                    .orElse("");
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String[] header = headerLine.split(",");
        if (header.length != 4
                || !header[0].equals(String.valueOf(expectedRows))
                || !header[1].equals(String.valueOf(FEATURES))
                || !header[2].equals("malignant")) {
            throw new DatasetException(file + ": unexpected header '" + headerLine + "', expected '" + expectedRows
                    + ",30,malignant,benign'. Reinstall with: " + FETCH_COMMAND);
        }
        List<List<Writable>> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        try (CSVRecordReader reader = new CSVRecordReader(1, ',')) {
            reader.initialize(new FileSplit(file.toFile()));
            int line = 1;
            while (reader.hasNext()) {
                List<Writable> record = reader.next();
                line++;
                if (record.size() == 1 && record.get(0).toString().isBlank()) {
                    continue; // a blank line
                }
                rows.add(record);
                lineNumbers.add(line);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new DatasetException(
                    "cannot read " + file + ": " + e.getMessage() + ". Reinstall with: " + FETCH_COMMAND, e);
        }
        if (rows.size() != expectedRows) {
            throw new DatasetException(file + " holds " + rows.size() + " rows, expected " + expectedRows
                    + ". Reinstall with: " + FETCH_COMMAND);
        }
        double[][] x = new double[expectedRows][FEATURES];
        int[] y = new int[expectedRows];
        for (int i = 0; i < expectedRows; i++) {
            List<Writable> f = rows.get(i);
            if (f.size() != FEATURES + 1) {
                throw new DatasetException(file + " line " + lineNumbers.get(i) + " has " + f.size()
                        + " fields, expected " + (FEATURES + 1) + ". Reinstall with: " + FETCH_COMMAND);
            }
            try {
                for (int j = 0; j < FEATURES; j++) {
                    x[i][j] = Double.parseDouble(f.get(j).toString());
                }
                int target = Integer.parseInt(f.get(FEATURES).toString().trim());
                if (target != 0 && target != 1) {
                    throw new NumberFormatException("target " + target);
                }
                y[i] = 1 - target; // scikit-learn: 0 = malignant; here malignant is the positive class 1
            } catch (NumberFormatException e) {
                throw new DatasetException(file + " line " + lineNumbers.get(i) + ": not a number (" + e.getMessage()
                        + "). Reinstall with: " + FETCH_COMMAND);
            }
        }
        return split(x, y, seed);
    }

    private static BreastCancer split(double[][] x, int[] y, long seed) {
        Random random = new Random(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> validation = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int cls = 0; cls < 2; cls++) {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < y.length; i++) {
                if (y[i] == cls) {
                    idx.add(i);
                }
            }
            Collections.shuffle(idx, random);
            int nTrain = (int) Math.round(idx.size() * 0.6);
            int nVal = (int) Math.round(idx.size() * 0.2);
            train.addAll(idx.subList(0, nTrain));
            validation.addAll(idx.subList(nTrain, nTrain + nVal));
            test.addAll(idx.subList(nTrain + nVal, idx.size()));
        }
        double[] mean = new double[FEATURES];
        double[] std = new double[FEATURES];
        for (int i : train) {
            for (int j = 0; j < FEATURES; j++) {
                mean[j] += x[i][j] / train.size();
            }
        }
        for (int i : train) {
            for (int j = 0; j < FEATURES; j++) {
                std[j] += (x[i][j] - mean[j]) * (x[i][j] - mean[j]) / train.size();
            }
        }
        for (int j = 0; j < FEATURES; j++) {
            std[j] = std[j] > 0 ? Math.sqrt(std[j]) : 1;
        }
        return new BreastCancer(
                part(x, y, train, mean, std), part(x, y, validation, mean, std), part(x, y, test, mean, std));
    }

    private static LabeledArrays part(double[][] x, int[] y, List<Integer> rows, double[] mean, double[] std) {
        float[] f = new float[rows.size() * FEATURES];
        float[] l = new float[rows.size() * 2];
        int[] ids = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            int i = rows.get(r);
            for (int j = 0; j < FEATURES; j++) {
                f[r * FEATURES + j] = (float) ((x[i][j] - mean[j]) / std[j]);
            }
            ids[r] = y[i];
            l[r * 2 + y[i]] = 1f;
        }
        return new LabeledArrays(
                Nd4j.create(f, new long[] {rows.size(), FEATURES}, 'c').castTo(DataType.FLOAT),
                Nd4j.create(l, new long[] {rows.size(), 2}, 'c').castTo(DataType.FLOAT),
                ids,
                CLASSES);
    }
}
