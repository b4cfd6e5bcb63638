package org.sheetlab.data.detection;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.sheetlab.data.DatasetDescriptor;
import org.sheetlab.data.DatasetException;
import org.sheetlab.data.fashionmnist.FashionMnist;
import org.sheetlab.data.source.LabeledArrays;

/**
 * A seeded generator of a detection set from real images: small grey items (Fashion-MNIST's 28×28 pictures) pasted
 * onto larger black canvases at random positions and scales, with a random number of items per image, overlaps and
 * aspect-ratio changes, written in the Pascal VOC layout by {@link VocWriter}. This is the data of the sheet's YOLO
 * &amp; Object Detection section ("different aspect ratios → use YOLO").
 *
 * <p>Per image (a {@link SplittableRandom} seeded with {@link Options#seed()}, one stream per split, drawn in a fixed
 * order): the item count {@code k} uniform in [{@link Options#minItems()}, {@link Options#maxItems()}]; per item, an
 * item index uniform over the split's items (train canvases use train items, test canvases test items), a scale
 * {@code s} uniform in [{@link Options#minScale()}, {@link Options#maxScale()}] and an aspect factor {@code a}
 * log-uniform in [1/{@link Options#maxAspect()}, {@link Options#maxAspect()}]; the item is resized bilinearly to
 * {@code h = round(28·s/√a)} rows by {@code w = round(28·s·√a)} columns, then placed at a uniform position wholly
 * inside the canvas, retried (up to {@link #PLACEMENT_TRIES} times, else the item is dropped) while its box's IoU with
 * an earlier box of the image exceeds {@link Options#maxOverlap()}. Pixels combine by maximum, so a later item
 * never erases an earlier one's brighter pixels.
 *
 * <p>The box is tight: it spans exactly the pixels of the resized item whose 8-bit value is non-zero (pixel-edge
 * coordinates, see {@link Box}); on a canvas with one item it is the bounding box of the canvas's non-zero pixels.
 * Only integer and {@code float} arithmetic of Java's strict IEEE semantics is used, so a seed gives the same files,
 * byte for byte, on every JVM.
 */
public final class PastedItemsGenerator {
    /** Placement attempts per item before it is dropped for overlapping too much. */
    public static final int PLACEMENT_TRIES = 50;

    private PastedItemsGenerator() {}

    /**
     * The generator's settings.
     *
     * @param canvas canvas side in pixels (square canvases)
     * @param trainImages canvases in the train split
     * @param testImages canvases in the test split
     * @param minItems least items per canvas (≥ 1)
     * @param maxItems most items per canvas
     * @param minScale least scale (item height ≈ 28·scale before the aspect change)
     * @param maxScale most scale
     * @param maxAspect the width/height change factor is log-uniform in [1/maxAspect, maxAspect] (1: none)
     * @param maxOverlap the largest IoU allowed between two boxes of a canvas
     * @param seed the random seed
     */
    public record Options(
            int canvas,
            int trainImages,
            int testImages,
            int minItems,
            int maxItems,
            double minScale,
            double maxScale,
            double maxAspect,
            double maxOverlap,
            long seed) {
        /** The documented default set: 96×96 canvases, 2000 train and 500 test images, 1–4 items, seed 18. */
        public static final Options DEFAULT = new Options(96, 2000, 500, 1, 4, 0.75, 1.75, 1.5, 0.4, 18L);

        public Options {
            if (canvas < 8 || trainImages < 0 || testImages < 0 || minItems < 1 || maxItems < minItems) {
                throw new IllegalArgumentException("bad generator options: canvas " + canvas + " (>= 8), images "
                        + trainImages + "/" + testImages + " (>= 0), items " + minItems + ".." + maxItems
                        + " (1 <= min <= max)");
            }
            if (!(minScale > 0 && maxScale >= minScale && maxAspect >= 1 && maxOverlap >= 0 && maxOverlap <= 1)) {
                throw new IllegalArgumentException("bad generator options: scale " + minScale + ".." + maxScale
                        + " (0 < min <= max), maxAspect " + maxAspect + " (>= 1), maxOverlap " + maxOverlap
                        + " (in [0, 1])");
            }
            double largest = 28 * maxScale * Math.sqrt(maxAspect);
            if (Math.round(largest) > canvas) {
                throw new IllegalArgumentException("items up to " + Math.round(largest) + " px (28 x maxScale x "
                        + "sqrt(maxAspect)) do not fit a " + canvas
                        + " px canvas; lower maxScale or enlarge the canvas");
            }
        }

        public Options withSeed(long newSeed) {
            return new Options(
                    canvas,
                    trainImages,
                    testImages,
                    minItems,
                    maxItems,
                    minScale,
                    maxScale,
                    maxAspect,
                    maxOverlap,
                    newSeed);
        }

        public Options withCounts(int train, int test) {
            return new Options(
                    canvas, train, test, minItems, maxItems, minScale, maxScale, maxAspect, maxOverlap, seed);
        }
    }

    /** Generates the set from Fashion-MNIST (train canvases from its train items, test canvases from its test items). */
    public static Path generate(FashionMnist fashion, Path root, Options options) {
        return generate(fashion.train(), fashion.test(), root, options);
    }

    /**
     * Generates the set into {@code root} (atomically; it must not exist).
     *
     * @param trainItems items for the train canvases: features [N, 28·28] in [0, 1], class ids and names
     * @param testItems items for the test canvases, same classes
     */
    public static Path generate(LabeledArrays trainItems, LabeledArrays testItems, Path root, Options options) {
        List<VocWriter.Entry> entries = new ArrayList<>();
        Map<String, List<String>> splits = new LinkedHashMap<>();
        SplittableRandom master = new SplittableRandom(options.seed());
        SplittableRandom trainRng = master.split();
        SplittableRandom testRng = master.split();
        splits.put("train", canvases("train", trainItems, options.trainImages(), options, trainRng, entries));
        splits.put("test", canvases("test", testItems, options.testImages(), options, testRng, entries));
        return VocWriter.write(root, entries, splits, Map.of(SETTINGS_FILE, settings(options)));
    }

    /** The file at the top of a generated set that records the {@link Options} it was generated with. */
    public static final String SETTINGS_FILE = "generator.txt";

    /** The default folder of the set: {@code $SHEETLAB_DATA/fashion-detect} (default {@code ~/.sheetlab/datasets}). */
    public static Path defaultDir() {
        String env = System.getenv(DatasetDescriptor.DATA_ENV);
        Path base = env != null && !env.isBlank()
                ? Paths.get(env)
                : Paths.get(System.getProperty("user.home"), ".sheetlab", "datasets");
        return base.resolve(NAME);
    }

    /** The dataset's name, its folder under {@code datasets/} and under {@code $SHEETLAB_DATA}. */
    public static final String NAME = "fashion-detect";

    /**
     * The experiments' entry point: the set in {@code dirOrNull} (null: {@link #defaultDir()}), generated there from
     * Fashion-MNIST ({@link FashionMnist#loadOrFetch}, from {@code fashionDirOrNull}) when the folder does not exist.
     *
     * @throws DatasetException if the folder exists but was generated with other options (its {@link #SETTINGS_FILE}
     *     differs): delete it or pass another folder
     */
    public static Path locateOrGenerate(Path dirOrNull, Options options, Path fashionDirOrNull) {
        Path dir = dirOrNull != null ? dirOrNull : defaultDir();
        if (Files.exists(dir)) {
            Path file = dir.resolve(SETTINGS_FILE);
            String found;
            try {
                found = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
            } catch (IOException e) {
                throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
            }
            if (found != null && !found.equals(settings(options))) {
                throw new DatasetException(dir + " holds a detection set generated with other settings (" + file
                        + ":\n" + found + "), not\n" + settings(options)
                        + "Delete the folder to regenerate it, or pass "
                        + "another folder");
            }
            return dir;
        }
        return generate(FashionMnist.loadOrFetch(fashionDirOrNull), dir, options);
    }

    /** The settings text written to {@link #SETTINGS_FILE}: one {@code key=value} line per option. */
    static String settings(Options o) {
        return "generator=" + PastedItemsGenerator.class.getName() + "\ncanvas=" + o.canvas() + "\ntrainImages="
                + o.trainImages() + "\ntestImages=" + o.testImages() + "\nminItems=" + o.minItems() + "\nmaxItems="
                + o.maxItems() + "\nminScale=" + o.minScale() + "\nmaxScale=" + o.maxScale() + "\nmaxAspect="
                + o.maxAspect() + "\nmaxOverlap=" + o.maxOverlap() + "\nseed=" + o.seed() + "\n";
    }

    private static List<String> canvases(
            String split, LabeledArrays items, int count, Options o, SplittableRandom rng, List<VocWriter.Entry> out) {
        int side = FashionMnist.WIDTH;
        if (count > 0 && items.features().size(1) != (long) side * side) {
            throw new IllegalArgumentException(
                    "items must be [N, 784] (28x28), got " + items.features().size(1) + " columns");
        }
        float[] pixels = count > 0 ? items.features().dup('c').data().asFloat() : new float[0];
        int n = items.size();
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = String.format("%s-%05d", split, i);
            ids.add(id);
            out.add(canvas(id, pixels, n, items, o, rng));
        }
        return ids;
    }

    private static VocWriter.Entry canvas(
            String id, float[] pixels, int n, LabeledArrays items, Options o, SplittableRandom rng) {
        int size = o.canvas();
        int[] canvas = new int[size * size];
        List<Box> boxes = new ArrayList<>();
        int k = o.minItems() + rng.nextInt(o.maxItems() - o.minItems() + 1);
        for (int j = 0; j < k; j++) {
            int item = rng.nextInt(n);
            double scale = o.minScale() + (o.maxScale() - o.minScale()) * rng.nextDouble();
            double logAspect = Math.log(o.maxAspect()) * (2 * rng.nextDouble() - 1);
            double aspect = Math.exp(logAspect);
            int h = Math.max(1, (int) Math.round(FashionMnist.HEIGHT * scale / Math.sqrt(aspect)));
            int w = Math.max(1, (int) Math.round(FashionMnist.WIDTH * scale * Math.sqrt(aspect)));
            h = Math.min(h, size);
            w = Math.min(w, size);
            int[] resized = resize(pixels, item * FashionMnist.HEIGHT * FashionMnist.WIDTH, h, w);
            int[] tight = tightBounds(resized, h, w);
            // placements are drawn even when the item is blank, so the stream stays aligned
            Box placed = null;
            int px = 0;
            int py = 0;
            for (int t = 0; t < PLACEMENT_TRIES && placed == null; t++) {
                px = rng.nextInt(size - w + 1);
                py = rng.nextInt(size - h + 1);
                if (tight == null) {
                    break;
                }
                int label = items.labelIds()[item];
                Box b = new Box(
                        items.classNames().get(label),
                        label,
                        px + tight[0],
                        py + tight[1],
                        px + tight[2],
                        py + tight[3]);
                if (boxes.stream().allMatch(other -> iou(b, other) <= o.maxOverlap())) {
                    placed = b;
                }
            }
            if (placed == null) {
                continue;
            }
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    int at = (py + r) * size + px + c;
                    canvas[at] = Math.max(canvas[at], resized[r * w + c]);
                }
            }
            boxes.add(placed);
        }
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSamples(0, 0, size, size, 0, canvas);
        return new VocWriter.Entry(id, img, boxes);
    }

    /**
     * Bilinear resize of one 28×28 item (floats in [0, 1] at {@code offset}) to {@code h × w}, as 8-bit values.
     * Sample centres are aligned: output pixel (r, c) reads the source at ((r + ½)·28/h − ½, (c + ½)·28/w − ½),
     * clamped to the image.
     */
    static int[] resize(float[] src, int offset, int h, int w) {
        int sh = FashionMnist.HEIGHT;
        int sw = FashionMnist.WIDTH;
        int[] out = new int[h * w];
        for (int r = 0; r < h; r++) {
            float y = Math.min(Math.max((r + 0.5f) * sh / h - 0.5f, 0f), sh - 1f);
            int y0 = (int) y;
            int y1 = Math.min(y0 + 1, sh - 1);
            float fy = y - y0;
            for (int c = 0; c < w; c++) {
                float x = Math.min(Math.max((c + 0.5f) * sw / w - 0.5f, 0f), sw - 1f);
                int x0 = (int) x;
                int x1 = Math.min(x0 + 1, sw - 1);
                float fx = x - x0;
                float top = src[offset + y0 * sw + x0] * (1 - fx) + src[offset + y0 * sw + x1] * fx;
                float bottom = src[offset + y1 * sw + x0] * (1 - fx) + src[offset + y1 * sw + x1] * fx;
                float v = top * (1 - fy) + bottom * fy;
                out[r * w + c] = Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
            }
        }
        return out;
    }

    /** {xmin, ymin, xmax, ymax} (pixel edges) of the non-zero values of an h × w image; null when all are zero. */
    static int[] tightBounds(int[] img, int h, int w) {
        int xmin = w;
        int ymin = h;
        int xmax = -1;
        int ymax = -1;
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                if (img[r * w + c] != 0) {
                    xmin = Math.min(xmin, c);
                    xmax = Math.max(xmax, c);
                    ymin = Math.min(ymin, r);
                    ymax = Math.max(ymax, r);
                }
            }
        }
        return xmax < 0 ? null : new int[] {xmin, ymin, xmax + 1, ymax + 1};
    }

    /** Intersection over union of two boxes (pixel-edge coordinates). */
    static double iou(Box a, Box b) {
        long iw = Math.max(0, Math.min(a.xmax(), b.xmax()) - Math.max(a.xmin(), b.xmin()));
        long ih = Math.max(0, Math.min(a.ymax(), b.ymax()) - Math.max(a.ymin(), b.ymin()));
        long inter = iw * ih;
        long union = (long) a.width() * a.height() + (long) b.width() * b.height() - inter;
        return (double) inter / union;
    }

    /**
     * Command line: {@code PastedItemsGenerator OUT_DIR [--seed N] [--train N] [--test N] [--fashion-dir DIR]}
     * generates the default set (Fashion-MNIST found or fetched as its loader does) into OUT_DIR.
     */
    public static void main(String[] args) {
        if (args.length == 0 || args[0].startsWith("-")) {
            System.err.println(
                    "usage: PastedItemsGenerator OUT_DIR [--seed N] [--train N] [--test N] " + "[--fashion-dir DIR]");
            System.exit(2);
        }
        Options o = Options.DEFAULT;
        Path fashionDir = null;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seed" -> o = o.withSeed(Long.parseLong(args[i + 1]));
                case "--train" -> o = o.withCounts(Integer.parseInt(args[i + 1]), o.testImages());
                case "--test" -> o = o.withCounts(o.trainImages(), Integer.parseInt(args[i + 1]));
                case "--fashion-dir" -> fashionDir = Paths.get(args[i + 1]);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (args.length % 2 == 0) {
            System.err.println("option " + args[args.length - 1] + " needs a value");
            System.exit(2);
        }
        Path root = Paths.get(args[0]);
        if (Files.exists(root)) {
            System.err.println(root + " already exists; delete it to regenerate the set");
            System.exit(1);
        }
        generate(FashionMnist.loadOrFetch(fashionDir), root, o);
        VocDataset train = VocDataset.read(root, "train");
        VocDataset test = VocDataset.read(root, "test", train.classes());
        System.out.printf(
                "wrote %s: train %d images, %d boxes; test %d images, %d boxes; seed %d%n",
                root, train.images().size(), train.boxCount(), test.images().size(), test.boxCount(), o.seed());
    }
}
