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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.Checksums;
import org.sheetlab.data.DatasetException;
import org.sheetlab.data.iterator.LabeledArrays;

/**
 * The Wisconsin diagnostic breast-cancer data. Labels: 1 = malignant (the positive class), 0 = benign.
 *
 * <p>Shapes: {@link LabeledArrays#features()} [N, 30] FLOAT standardised with the training part's mean and standard
 * deviation;
 * {@link LabeledArrays#labels()} [N, 2] one-hot (column 1 = malignant).
 */
public final class BreastCancer {
    public static final String FETCH_COMMAND = "datasets/breast-cancer/fetch.sh";
    public static final Path DEBIAN_FILE = Paths.get("/usr/lib/python3/dist-packages/sklearn/datasets/data/"
            + "breast_cancer.csv");
    public static final String SHA256 = "fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed";
    public static final int FEATURES = 30;
    public static final List<String> CLASSES = List.of("benign", "malignant");

    private final LabeledArrays train;
    private final LabeledArrays validation;
    private final LabeledArrays test;

    private BreastCancer(LabeledArrays train, LabeledArrays validation, LabeledArrays test) {
        this.train = train;
        this.validation = validation;
        this.test = test;
    }

    public LabeledArrays train() {
        return train;
    }

    public LabeledArrays validation() {
        return validation;
    }

    public LabeledArrays test() {
        return test;
    }

    /** The file: {@code $SHEETLAB_BREAST_CANCER} if set, else Debian's python3-sklearn copy. */
    public static Path location() {
        String env = System.getenv("SHEETLAB_BREAST_CANCER");
        return env != null && !env.isBlank() ? Paths.get(env) : DEBIAN_FILE;
    }

    /** Loads the official file (checksum checked) and splits it 60/20/20, stratified, by {@code seed}. */
    public static BreastCancer load(long seed) {
        return load(location(), SHA256, 569, seed);
    }

    /**
     * Loads a file in scikit-learn's layout, checking the header, row count, feature count, labels and (unless
     * {@code sha256} is null) the checksum; splits 60/20/20 stratified by class.
     */
    public static BreastCancer load(Path file, String sha256, int expectedRows, long seed) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("breast-cancer data not found at " + file + ". Install it with: "
                    + FETCH_COMMAND);
        }
        List<String> lines;
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (sha256 != null) {
                String actual = Checksums.sha256(bytes);
                if (!actual.equals(sha256)) {
                    throw new DatasetException("breast-cancer file " + file + " is corrupt: SHA-256 " + actual
                            + ", expected " + sha256 + ". Reinstall with: " + FETCH_COMMAND);
                }
            }
            lines = new String(bytes, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String[] header = lines.get(0).split(",");
        if (header.length != 4 || !header[0].equals(String.valueOf(expectedRows))
                || !header[1].equals(String.valueOf(FEATURES)) || !header[2].equals("malignant")) {
            throw new DatasetException(file + ": unexpected header '" + lines.get(0) + "', expected '" + expectedRows
                    + ",30,malignant,benign'. Reinstall with: " + FETCH_COMMAND);
        }
        if (lines.size() - 1 != expectedRows) {
            throw new DatasetException(file + " holds " + (lines.size() - 1) + " rows, expected " + expectedRows
                    + ". Reinstall with: " + FETCH_COMMAND);
        }
        double[][] x = new double[expectedRows][FEATURES];
        int[] y = new int[expectedRows];
        for (int i = 0; i < expectedRows; i++) {
            String[] f = lines.get(i + 1).split(",");
            if (f.length != FEATURES + 1) {
                throw new DatasetException(file + " line " + (i + 2) + " has " + f.length + " fields, expected "
                        + (FEATURES + 1) + ". Reinstall with: " + FETCH_COMMAND);
            }
            try {
                for (int j = 0; j < FEATURES; j++) {
                    x[i][j] = Double.parseDouble(f[j]);
                }
                int target = Integer.parseInt(f[FEATURES].trim());
                if (target != 0 && target != 1) {
                    throw new NumberFormatException("target " + target);
                }
                y[i] = 1 - target; // scikit-learn: 0 = malignant; here malignant is the positive class 1
            } catch (NumberFormatException e) {
                throw new DatasetException(file + " line " + (i + 2) + ": not a number (" + e.getMessage()
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
        return new BreastCancer(part(x, y, train, mean, std), part(x, y, validation, mean, std),
                part(x, y, test, mean, std));
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
        return new LabeledArrays(Nd4j.create(f, new long[] {rows.size(), FEATURES}, 'c').castTo(DataType.FLOAT),
                Nd4j.create(l, new long[] {rows.size(), 2}, 'c').castTo(DataType.FLOAT), ids, CLASSES);
    }
}
