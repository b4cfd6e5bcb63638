package org.sheetlab.data.fashionmnist;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.Checksums;
import org.sheetlab.data.DatasetDescriptor;
import org.sheetlab.data.DatasetException;
import org.sheetlab.data.idx.IdxFile;
import org.sheetlab.data.idx.IdxFormatException;
import org.sheetlab.data.source.LabeledArrays;

/**
 * The Fashion-MNIST dataset loaded from its four IDX files (gzip or plain).
 *
 * <p>Shapes: {@link LabeledArrays#features()} is [N, 784] FLOAT with pixel/255 in [0, 1] (row-major 28×28);
 * {@link LabeledArrays#labels()} is [N, 10] one-hot FLOAT. N = 60,000 (train) and 10,000 (test).
 *
 * <p>Checks on load: IDX header and payload size, image size 28×28, equal image and label counts, labels in 0..9, the
 * expected example counts and the SHA-256 of each decompressed file (the same for Debian's package and the official
 * download), read from {@code datasets/fashion-mnist/checksums.sha256} through {@link #DESCRIPTOR}. Every failure is a
 * {@link DatasetException} naming the file and {@link #FETCH_COMMAND}.
 *
 * <p>Where the files are looked for, and how missing ones are fetched, is {@link DatasetDescriptor}'s one scheme:
 * {@code --data-dir}, else {@code $SHEETLAB_DATA/fashion-mnist}, else {@link #DEBIAN_DIR}.
 *
 * @param directory the folder the files were read from
 * @param train the 60,000 training images and labels
 * @param test the 10,000 test images and labels
 */
public record FashionMnist(Path directory, LabeledArrays train, LabeledArrays test) {
    /** Where Debian's dataset-fashion-mnist package installs the files. */
    public static final Path DEBIAN_DIR = Paths.get("/usr/share/datasets/fashion-mnist");
    /** Name, files, checksums (from {@code datasets/fashion-mnist/checksums.sha256}), fetch command, search path. */
    public static final DatasetDescriptor DESCRIPTOR = DatasetDescriptor.of("fashion-mnist", DEBIAN_DIR);
    /** The command that installs the dataset (Debian package where apt exists, else the official files). */
    public static final String FETCH_COMMAND = "datasets/fashion-mnist/fetch.sh";
    /** Class names, index = label id. */
    public static final List<String> CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    public static final int HEIGHT = 28;
    public static final int WIDTH = 28;
    public static final int NUM_CLASSES = 10;

    /** The expected content of one IDX file: base name, example count and SHA-256 of the decompressed bytes. */
    public record FileSpec(String baseName, int count, String sha256) {}

    /** The four files of the official dataset, their checksums from {@link #DESCRIPTOR}. */
    public static final FileSpec TRAIN_IMAGES = official("train-images-idx3-ubyte", 60_000);

    public static final FileSpec TRAIN_LABELS = official("train-labels-idx1-ubyte", 60_000);
    public static final FileSpec TEST_IMAGES = official("t10k-images-idx3-ubyte", 10_000);
    public static final FileSpec TEST_LABELS = official("t10k-labels-idx1-ubyte", 10_000);

    private static FileSpec official(String baseName, int count) {
        return new FileSpec(baseName, count, DESCRIPTOR.sha256(baseName));
    }

    /** Loads and verifies the official dataset from the first directory of {@link #searchPath()} that holds it. */
    public static FashionMnist load() {
        return load(locate().orElseThrow(() -> DESCRIPTOR.notFound(searchPath())));
    }

    /**
     * The experiments' entry point: loads and verifies the official dataset from {@code dataDirOrNull} (their
     * {@code --data-dir}; null: {@code $SHEETLAB_DATA/fashion-mnist}, then {@link #DEBIAN_DIR}), running
     * {@link #FETCH_COMMAND} first when no searched directory holds it.
     *
     * @throws DatasetException "fashion-mnist data not found in &lt;places&gt;. Install it with: ..." when it cannot
     *     be fetched, or the file and problem when a file is corrupt
     */
    public static FashionMnist loadOrFetch(Path dataDirOrNull) {
        return load(DESCRIPTOR.locateOrFetch(dataDirOrNull));
    }

    /** Loads and verifies the official dataset from {@code directory}. */
    public static FashionMnist load(Path directory) {
        return load(directory, TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
    }

    /**
     * Loads four IDX files from {@code directory} and checks them against the given specs. A spec with a null
     * checksum skips the checksum (used for small files built by tests).
     */
    public static FashionMnist load(
            Path directory, FileSpec trainImages, FileSpec trainLabels, FileSpec testImages, FileSpec testLabels) {
        LabeledArrays train = loadSplit(directory, trainImages, trainLabels);
        LabeledArrays test = loadSplit(directory, testImages, testLabels);
        return new FashionMnist(directory, train, test);
    }

    /**
     * Directories searched without a {@code --data-dir}, in order: {@code $SHEETLAB_DATA/fashion-mnist}
     * ({@code $SHEETLAB_DATA} defaults to {@code ~/.sheetlab/datasets}, where the fetch script downloads without
     * apt), then Debian's {@code /usr/share/datasets/fashion-mnist}.
     */
    public static List<Path> searchPath() {
        return DESCRIPTOR.searchPath(null);
    }

    /** The first directory of {@link #searchPath()} that holds all four files, if any. */
    public static Optional<Path> locate() {
        return DESCRIPTOR.locate(null);
    }

    /** True when all four files (gzip or plain) are present in {@code dir}. */
    public static boolean isComplete(Path dir) {
        return DESCRIPTOR.isComplete(dir);
    }

    private static Optional<Path> find(Path dir, String baseName) {
        return DatasetDescriptor.find(dir, baseName);
    }

    private static IdxFile readChecked(Path dir, FileSpec spec) {
        Path file = find(dir, spec.baseName())
                .orElseThrow(() -> new DatasetException("Fashion-MNIST file " + spec.baseName()
                        + "(.gz) is missing from " + dir + ". Install the dataset with: " + FETCH_COMMAND));
        try {
            byte[] raw = IdxFile.readAll(file);
            if (spec.sha256() != null) {
                String actual = Checksums.sha256(raw);
                if (!actual.equals(spec.sha256())) {
                    throw new DatasetException("Fashion-MNIST file " + file + " is corrupt: SHA-256 of its content is "
                            + actual + ", expected " + spec.sha256() + ". Delete it and reinstall with: "
                            + FETCH_COMMAND);
                }
            }
            IdxFile idx = IdxFile.parse(file.toString(), raw);
            if (idx.shape()[0] != spec.count()) {
                throw new DatasetException("Fashion-MNIST file " + file + " holds " + idx.shape()[0]
                        + " examples, expected " + spec.count() + ". Reinstall with: " + FETCH_COMMAND);
            }
            return idx;
        } catch (IdxFormatException e) {
            throw new DatasetException(
                    "Fashion-MNIST file is corrupt: " + e.getMessage() + ". Delete it and reinstall " + "with: "
                            + FETCH_COMMAND,
                    e);
        } catch (IOException e) {
            throw new DatasetException("cannot read Fashion-MNIST file " + file + ": " + e.getMessage(), e);
        }
    }

    private static LabeledArrays loadSplit(Path dir, FileSpec imagesSpec, FileSpec labelsSpec) {
        IdxFile images = readChecked(dir, imagesSpec);
        IdxFile labels = readChecked(dir, labelsSpec);
        long[] shape = images.shape();
        if (shape.length != 3 || shape[1] != HEIGHT || shape[2] != WIDTH) {
            throw new DatasetException("Fashion-MNIST images in " + dir + " have shape "
                    + java.util.Arrays.toString(shape) + ", expected [N, 28, 28]. Reinstall with: " + FETCH_COMMAND);
        }
        if (labels.shape().length != 1 || labels.shape()[0] != shape[0]) {
            throw new DatasetException("Fashion-MNIST in " + dir + ": " + shape[0] + " images but labels of shape "
                    + java.util.Arrays.toString(labels.shape()) + ". Reinstall with: " + FETCH_COMMAND);
        }
        int n = (int) shape[0];
        int pixels = HEIGHT * WIDTH;
        float[] x = new float[n * pixels];
        byte[] raw = images.data();
        for (int i = 0; i < x.length; i++) {
            x[i] = (raw[i] & 0xff) / 255f;
        }
        int[] ids = new int[n];
        float[] y = new float[n * NUM_CLASSES];
        for (int i = 0; i < n; i++) {
            int id = labels.unsigned(i);
            if (id >= NUM_CLASSES) {
                throw new DatasetException("Fashion-MNIST labels in " + dir + ": example " + i + " has label " + id
                        + ", outside 0..9. Reinstall with: " + FETCH_COMMAND);
            }
            ids[i] = id;
            y[i * NUM_CLASSES + id] = 1f;
        }
        INDArray features = Nd4j.create(x, new long[] {n, pixels}, 'c').castTo(DataType.FLOAT);
        INDArray oneHot = Nd4j.create(y, new long[] {n, NUM_CLASSES}, 'c').castTo(DataType.FLOAT);
        return new LabeledArrays(features, oneHot, ids, CLASSES);
    }
}
