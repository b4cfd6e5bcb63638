package org.sheetlab.data.image;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.datavec.api.io.labels.ParentPathLabelGenerator;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.datavec.image.loader.NativeImageLoader;
import org.datavec.image.recordreader.ImageRecordReader;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.data.DatasetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of images with one subfolder per class, read through DataVec's {@link ImageRecordReader} with a
 * {@link ParentPathLabelGenerator} (the label of a file is the name of its folder). The sheet's Transfer Learning
 * section (Final Q2d) trains its VGG19 head on such a folder of the user's photos.
 *
 * <p>Layout: {@code root/<class>/<image>}; classes are the subfolders sorted by name, class id = position in
 * {@link #classes()}. Files with an extension DataVec decodes ({@link NativeImageLoader#ALLOWED_FORMATS}: png, jpg,
 * jpeg, bmp, gif, tif, …) are images; other files (and files directly under root) are ignored and reported in
 * {@link #ignored()}, as are hidden entries (names starting with a dot). Every image is decoded once when the folder is scanned, so an unreadable image is found before
 * training starts: {@link ImageFolderOptions.OnCorrupt#SKIP} leaves it out (logged by path, listed in
 * {@link #skipped()}), {@link ImageFolderOptions.OnCorrupt#FAIL} refuses the folder naming the file. A class folder
 * left without images is refused (a class the network never sees cannot be learnt).
 *
 * <p>Decoding ({@link #load(int, Augmentation, Random, float[], int)}): the file is decoded (OpenCV, Leptonica as
 * fallback), centre-cropped to aspect W / H if its class's fit is {@link ImageFolderOptions.Fit#CROP}, augmented,
 * converted to C channels and resized to H × W (bilinear), then scaled from 0–255 to [0, 1]: x = v / 255, stored C, H,
 * W in that order (NCHW, colour channels B, G, R as OpenCV reads them).
 */
public final class ImageFolder {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolder.class);
    private static final Set<String> IMAGE_EXTENSIONS = Set.of(NativeImageLoader.ALLOWED_FORMATS);

    private final Path root;
    private final ImageFolderOptions options;
    private final List<String> classes;
    private final List<Path> files;
    private final int[] labels;
    private final List<Path> skipped;
    private final List<Path> ignored;
    private final ImageRecordReader reader;
    private final ExampleTransform transform;

    private ImageFolder(
            Path root,
            ImageFolderOptions options,
            List<String> classes,
            List<Path> files,
            int[] labels,
            List<Path> skipped,
            List<Path> ignored) {
        this.root = root;
        this.options = options;
        this.classes = List.copyOf(classes);
        this.files = List.copyOf(files);
        this.labels = labels;
        this.skipped = List.copyOf(skipped);
        this.ignored = List.copyOf(ignored);
        this.transform = new ExampleTransform((double) options.width() / options.height());
        this.reader = new ImageRecordReader(
                options.height(), options.width(), options.channels(), new ParentPathLabelGenerator(), transform);
        this.reader.setLabels(new ArrayList<>(classes));
    }

    /**
     * Scans {@code root}, decodes every image once and applies the corrupt-file policy.
     *
     * @throws DatasetException if root is missing or not a folder, has fewer than two class folders, a class folder
     *     holds no (readable) image, or (with {@link ImageFolderOptions.OnCorrupt#FAIL}) an image cannot be decoded
     */
    public static ImageFolder scan(Path root, ImageFolderOptions options) {
        if (!Files.isDirectory(root)) {
            throw new DatasetException("image folder " + root + (Files.exists(root) ? " is not a folder" : " not found")
                    + "; give a folder with one subfolder per class, e.g. "
                    + root.resolve("cat").resolve("001.jpg")
                    + ", " + root.resolve("dog").resolve("001.jpg"));
        }
        List<String> classes = new ArrayList<>();
        List<Path> ignored = new ArrayList<>();
        for (Path entry : list(root)) {
            if (entry.getFileName().toString().startsWith(".")) {
                ignored.add(entry); // hidden: .DS_Store, .ipynb_checkpoints, a writer's temporary folder
            } else if (Files.isDirectory(entry)) {
                classes.add(entry.getFileName().toString());
            } else {
                ignored.add(entry);
            }
        }
        Collections.sort(classes);
        if (classes.size() < 2) {
            throw new DatasetException("image folder " + root + " has " + classes.size() + " class subfolder"
                    + (classes.size() == 1 ? " (" + classes.get(0) + ")" : "s") + "; a classifier needs at least 2: "
                    + "put each class's images in its own subfolder, e.g. " + root.resolve("cat") + ", "
                    + root.resolve("dog"));
        }
        List<Path> candidates = new ArrayList<>();
        List<Integer> candidateLabels = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            for (Path file : list(root.resolve(classes.get(c)))) {
                if (Files.isRegularFile(file) && isImageName(file)) {
                    candidates.add(file);
                    candidateLabels.add(c);
                } else {
                    ignored.add(file);
                }
            }
        }
        ImageFolder probe =
                new ImageFolder(root, options, classes, candidates, toArray(candidateLabels), List.of(), ignored);
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Path> skipped = new ArrayList<>();
        int[] perClass = new int[classes.size()];
        float[] scratch = new float[probe.exampleLength()];
        for (int i = 0; i < candidates.size(); i++) {
            try {
                probe.decode(i, Augmentation.NONE, null, scratch, 0);
                files.add(candidates.get(i));
                labels.add(candidateLabels.get(i));
                perClass[candidateLabels.get(i)]++;
            } catch (DatasetException e) {
                if (options.onCorrupt() == ImageFolderOptions.OnCorrupt.FAIL) {
                    throw new DatasetException(
                            e.getMessage() + "; remove or replace the file, or skip unreadable "
                                    + "files (OnCorrupt.SKIP, --on-corrupt skip)",
                            e.getCause());
                }
                LOG.warn("skipping {}", e.getMessage());
                skipped.add(candidates.get(i));
            }
        }
        for (int c = 0; c < classes.size(); c++) {
            if (perClass[c] == 0) {
                throw new DatasetException("class folder " + root.resolve(classes.get(c)) + " holds no readable image"
                        + " (formats: " + String.join(", ", new java.util.TreeSet<>(IMAGE_EXTENSIONS)) + "); add "
                        + "images to it or remove the folder");
            }
        }
        if (!ignored.isEmpty()) {
            LOG.info("{}: ignored {} non-image file(s), e.g. {}", root, ignored.size(), ignored.get(0));
        }
        if (!skipped.isEmpty()) {
            LOG.warn("{}: skipped {} unreadable image(s)", root, skipped.size());
        }
        return new ImageFolder(root, options, classes, files, toArray(labels), skipped, ignored);
    }

    /**
     * This folder restricted to at most {@code perClass} images of each class, drawn without replacement by a
     * {@link Random} seeded with {@code seed} and kept in folder order (a smaller count's images are a subset of a
     * larger count's under the same seed).
     */
    public ImageFolder limitPerClass(int perClass, long seed) {
        if (perClass < 1) {
            throw new IllegalArgumentException("need >= 1 image per class, got " + perClass);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        int[] taken = new int[classes.size()];
        boolean[] keep = new boolean[files.size()];
        for (int i : order) {
            if (taken[labels[i]] < perClass) {
                taken[labels[i]]++;
                keep[i] = true;
            }
        }
        return select(keep);
    }

    /**
     * Splits this folder per class into a training and a test part: of each class's n images, round(n · testFraction)
     * (at least 1, at most n − 1) drawn by a {@link Random} seeded with {@code seed} go to the test part.
     *
     * @return {train, test}
     * @throws org.sheetlab.data.DatasetException if a class has fewer than 2 images
     */
    public ImageFolder[] split(double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
        }
        int[] counts = countsPerClass();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        int[] wanted = new int[counts.length];
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] < 2) {
                throw new DatasetException("class " + classes.get(c) + " in " + root + " has " + counts[c]
                        + " image; a train/test split needs at least 2 per class: add images");
            }
            wanted[c] = (int) Math.max(1, Math.min(counts[c] - 1, Math.round(counts[c] * testFraction)));
        }
        boolean[] test = new boolean[files.size()];
        for (int i : order) {
            if (wanted[labels[i]] > 0) {
                wanted[labels[i]]--;
                test[i] = true;
            }
        }
        boolean[] train = new boolean[test.length];
        for (int i = 0; i < test.length; i++) {
            train[i] = !test[i];
        }
        return new ImageFolder[] {select(train), select(test)};
    }

    private ImageFolder select(boolean[] keep) {
        List<Path> keptFiles = new ArrayList<>();
        List<Integer> keptLabels = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (keep[i]) {
                keptFiles.add(files.get(i));
                keptLabels.add(labels[i]);
            }
        }
        return new ImageFolder(root, options, classes, keptFiles, toArray(keptLabels), skipped, ignored);
    }

    /** The folder scanned. */
    public Path root() {
        return root;
    }

    /** The options images are decoded with. */
    public ImageFolderOptions options() {
        return options;
    }

    /** Class names (subfolder names) sorted; class id = index. */
    public List<String> classes() {
        return classes;
    }

    /** The readable images, by class then file name. */
    public List<Path> files() {
        return files;
    }

    /** Number of readable images N. */
    public int size() {
        return files.size();
    }

    /** Class id of image {@code index}. */
    public int label(int index) {
        return labels[index];
    }

    /** Images per class, by class id. */
    public int[] countsPerClass() {
        int[] counts = new int[classes.size()];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
    }

    /** Images with an image extension that could not be decoded and were left out (policy SKIP). */
    public List<Path> skipped() {
        return skipped;
    }

    /** Files that are not images by their extension, or not inside a class folder; never read. */
    public List<Path> ignored() {
        return ignored;
    }

    /** C · H · W, the floats one image takes. */
    public int exampleLength() {
        return options.channels() * options.height() * options.width();
    }

    /**
     * Decodes image {@code index} into {@code out[offset .. offset + C·H·W)}, values in [0, 1], layout C, H, W.
     *
     * @param rng the image's own random numbers (null when {@code augmentation} is none)
     * @return the class id
     * @throws DatasetException naming the file if it cannot be read or decoded
     */
    public int load(int index, Augmentation augmentation, Random rng, float[] out, int offset) {
        return decode(index, augmentation, rng, out, offset);
    }

    private int decode(int index, Augmentation augmentation, Random rng, float[] out, int offset) {
        Path file = files.get(index);
        transform.prepare(options.fitOf(classes.get(labels[index])) == ImageFolderOptions.Fit.CROP, augmentation, rng);
        List<Writable> record;
        try (InputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            record = reader.record(file.toUri(), (DataInputStream) in);
        } catch (IOException | RuntimeException e) {
            throw new DatasetException(file + " cannot be read as an image (" + e.getMessage() + ")", e);
        }
        INDArray image = ((NDArrayWritable) record.get(0)).get();
        int label = record.get(1).toInt();
        if (label != labels[index]) {
            throw new IllegalStateException(
                    "DataVec labelled " + file + " as class " + label + ", the scan as " + labels[index]);
        }
        long n = image.length();
        if (n != exampleLength()) {
            throw new DatasetException(file + " decoded to " + Arrays.toString(image.shape()) + ", not ["
                    + options.channels() + ", " + options.height() + ", " + options.width() + "]");
        }
        float[] pixels = image.data().asFloat();
        if (image.isView() || image.ordering() != 'c') {
            pixels = image.dup('c').data().asFloat();
        }
        for (int i = 0; i < n; i++) {
            out[offset + i] = pixels[i] / 255f;
        }
        return label;
    }

    private static boolean isImageName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            throw new DatasetException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
