package org.sheetlab.data.fashionmnist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.Checksums;
import org.sheetlab.data.DatasetException;
import org.sheetlab.data.idx.IdxFile;
import org.sheetlab.data.idx.IdxFormatException;
import org.sheetlab.data.iterator.LabeledArrays;

/**
 * The Fashion-MNIST dataset loaded from its four IDX files (gzip or plain).
 *
 * <p>Shapes: {@link LabeledArrays#features()} is [N, 784] FLOAT with pixel/255 in [0, 1] (row-major 28×28);
 * {@link LabeledArrays#labels()} is [N, 10] one-hot FLOAT. N = 60,000 (train) and 10,000 (test).
 *
 * <p>Checks on load: IDX header and payload size, image size 28×28, equal image and label counts, labels in 0..9, the
 * expected example counts and the SHA-256 of each decompressed file (the same for Debian's package and the official
 * download). Every failure is a {@link DatasetException} naming the file and {@link #FETCH_COMMAND}.
 */
public final class FashionMnist {
    /** The command that installs the dataset (Debian package where apt exists, else the official files). */
    public static final String FETCH_COMMAND = "datasets/fashion-mnist/fetch.sh";
    /** Where Debian's dataset-fashion-mnist package installs the files. */
    public static final Path DEBIAN_DIR = Paths.get("/usr/share/datasets/fashion-mnist");
    /** Class names, index = label id. */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final int HEIGHT = 28;
    public static final int WIDTH = 28;
    public static final int NUM_CLASSES = 10;

    /** The expected content of one IDX file: base name, example count and SHA-256 of the decompressed bytes. */
    public record FileSpec(String baseName, int count, String sha256) {}

    /** The four files of the official dataset. */
    public static final FileSpec TRAIN_IMAGES = new FileSpec("train-images-idx3-ubyte", 60_000,
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888");
    public static final FileSpec TRAIN_LABELS = new FileSpec("train-labels-idx1-ubyte", 60_000,
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9");
    public static final FileSpec TEST_IMAGES = new FileSpec("t10k-images-idx3-ubyte", 10_000,
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b");
    public static final FileSpec TEST_LABELS = new FileSpec("t10k-labels-idx1-ubyte", 10_000,
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    private final Path directory;
    private final LabeledArrays train;
    private final LabeledArrays test;

    private FashionMnist(Path directory, LabeledArrays train, LabeledArrays test) {
        this.directory = directory;
        this.train = train;
        this.test = test;
    }

    /** Loads and verifies the official dataset from the first directory of {@link #searchPath()} that holds it. */
    public static FashionMnist load() {
        Path dir = locate().orElseThrow(() -> new DatasetException("Fashion-MNIST is not installed: looked in "
                + searchPath() + ". Install it with: " + FETCH_COMMAND));
        return load(dir);
    }

    /** Loads and verifies the official dataset from {@code directory}. */
    public static FashionMnist load(Path directory) {
        return load(directory, TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
    }

    /**
     * Loads four IDX files from {@code directory} and checks them against the given specs. A spec with a null
     * checksum skips the checksum (used for small files built by tests).
     */
    public static FashionMnist load(Path directory, FileSpec trainImages, FileSpec trainLabels, FileSpec testImages,
            FileSpec testLabels) {
        LabeledArrays train = loadSplit(directory, trainImages, trainLabels);
        LabeledArrays test = loadSplit(directory, testImages, testLabels);
        return new FashionMnist(directory, train, test);
    }

    /**
     * Directories searched, in order: {@code $SHEETLAB_DATA/fashion-mnist}, {@code ~/.sheetlab/datasets/fashion-mnist}
     * (where the fetch script downloads without apt), and Debian's {@code /usr/share/datasets/fashion-mnist}.
     */
    public static List<Path> searchPath() {
        List<Path> dirs = new ArrayList<>();
        String env = System.getenv("SHEETLAB_DATA");
        if (env != null && !env.isBlank()) {
            dirs.add(Paths.get(env, "fashion-mnist"));
        }
        dirs.add(Paths.get(System.getProperty("user.home"), ".sheetlab", "datasets", "fashion-mnist"));
        dirs.add(DEBIAN_DIR);
        return dirs;
    }

    /** The first directory of {@link #searchPath()} that holds all four files, if any. */
    public static Optional<Path> locate() {
        return searchPath().stream().filter(FashionMnist::isComplete).findFirst();
    }

    /** True when all four files (gzip or plain) are present in {@code dir}. */
    public static boolean isComplete(Path dir) {
        for (FileSpec spec : List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)) {
            if (find(dir, spec.baseName()).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    public Path directory() {
        return directory;
    }

    public LabeledArrays train() {
        return train;
    }

    public LabeledArrays test() {
        return test;
    }

    private static Optional<Path> find(Path dir, String baseName) {
        for (String name : List.of(baseName + ".gz", baseName)) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static IdxFile readChecked(Path dir, FileSpec spec) {
        Path file = find(dir, spec.baseName()).orElseThrow(() -> new DatasetException("Fashion-MNIST file "
                + spec.baseName() + "(.gz) is missing from " + dir + ". Install the dataset with: " + FETCH_COMMAND));
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
            throw new DatasetException("Fashion-MNIST file is corrupt: " + e.getMessage() + ". Delete it and reinstall "
                    + "with: " + FETCH_COMMAND, e);
        } catch (IOException e) {
            throw new DatasetException("cannot read Fashion-MNIST file " + file + ": " + e.getMessage(), e);
        }
    }

    private static LabeledArrays loadSplit(Path dir, FileSpec imagesSpec, FileSpec labelsSpec) {
        IdxFile images = readChecked(dir, imagesSpec);
        IdxFile labels = readChecked(dir, labelsSpec);
        long[] shape = images.shape();
        if (shape.length != 3 || shape[1] != HEIGHT || shape[2] != WIDTH) {
            throw new DatasetException("Fashion-MNIST images in " + dir + " have shape " + java.util.Arrays.toString(shape)
                    + ", expected [N, 28, 28]. Reinstall with: " + FETCH_COMMAND);
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
