package org.sheetlab.data.image;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.DatasetException;
import org.sheetlab.data.source.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ImageFolder} as a seekable {@link DataSource}: only the current batch is decoded, so a folder larger than
 * memory streams from disk.
 *
 * <p>Shapes: features [b, C, H, W] FLOAT in [0, 1] (NCHW, what {@code InputType.convolutional(H, W, C)} takes),
 * labels [b, K] one-hot FLOAT with K = the folder's classes; b = batch size, the last batch of an epoch smaller.
 *
 * <p>Order and randomness depend only on (seed, epoch): with shuffling on, epoch e visits the images in a permutation
 * drawn by a {@link Random} seeded from (seed, e) (with P passes per epoch, pass p from (seed, e·P + p)); the k-th image
 * served in epoch e is augmented with a {@link Random} seeded from (seed, e, k). {@link #seek(int, int)} therefore lands on the same batch, bit for bit, as an uninterrupted iteration.
 *
 * <p>An image that became unreadable after the folder was scanned (deleted, truncated) is handled by the folder's
 * {@link ImageFolderOptions.OnCorrupt} policy: SKIP leaves it out of its batch (the batch is one smaller; the path is
 * logged and counted in {@link #skippedDuringEpochs()}), FAIL throws a {@link DatasetException} naming it.
 */
public final class ImageFolderSource implements DataSource {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolderSource.class);

    private final ImageFolder folder;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final Augmentation augmentation;
    private final int passes;
    private final List<String> skippedDuringEpochs = new ArrayList<>();

    private int epoch;
    private int position;
    private int[] order;

    /**
     * @param folder the scanned folder
     * @param batchSize b ≥ 1
     * @param shuffle whether each epoch visits the images in a fresh seeded permutation (training) or folder order
     * @param seed seeds the permutations and the augmentation
     * @param augmentation applied to every image served ({@link Augmentation#NONE} for evaluation data)
     */
    public ImageFolderSource(ImageFolder folder, int batchSize, boolean shuffle, long seed, Augmentation augmentation) {
        this(folder, batchSize, shuffle, seed, augmentation, 1);
    }

    /**
     * A source whose epoch is {@code passes} passes over the folder (each in its own permutation when shuffling), so
     * that a small training set gets as many steps per epoch as a larger one.
     *
     * @param passes P ≥ 1: an epoch serves N·P images
     */
    public ImageFolderSource(
            ImageFolder folder, int batchSize, boolean shuffle, long seed, Augmentation augmentation, int passes) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (passes < 1) {
            throw new IllegalArgumentException("passes per epoch must be >= 1, got " + passes);
        }
        this.passes = passes;
        this.folder = folder;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.augmentation = augmentation;
        seek(0, 0);
    }

    /** A training source: shuffled each epoch, augmented. */
    public static ImageFolderSource training(ImageFolder folder, int batchSize, long seed, Augmentation augmentation) {
        return new ImageFolderSource(folder, batchSize, true, seed, augmentation);
    }

    /**
     * A training source whose epoch serves at least {@code minImagesPerEpoch} images: ⌈min / N⌉ passes over the
     * folder (one pass when the folder is that large).
     */
    public static ImageFolderSource training(
            ImageFolder folder, int batchSize, long seed, Augmentation augmentation, int minImagesPerEpoch) {
        int passes = Math.max(1, (minImagesPerEpoch + folder.size() - 1) / folder.size());
        return new ImageFolderSource(folder, batchSize, true, seed, augmentation, passes);
    }

    /** Passes over the folder per epoch. */
    public int passes() {
        return passes;
    }

    /** Images served per epoch, N · passes. */
    public int imagesPerEpoch() {
        return folder.size() * passes;
    }

    /** An evaluation source: folder order, no augmentation. */
    public static ImageFolderSource evaluation(ImageFolder folder, int batchSize) {
        return new ImageFolderSource(folder, batchSize, false, 0, Augmentation.NONE);
    }

    /** The folder served. */
    public ImageFolder folder() {
        return folder;
    }

    /** Paths of images that failed to decode while serving batches and were left out (policy SKIP). */
    public List<String> skippedDuringEpochs() {
        return List.copyOf(skippedDuringEpochs);
    }

    @Override
    public int batchesPerEpoch() {
        return (imagesPerEpoch() + batchSize - 1) / batchSize;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public void seek(int epoch, int batch) {
        DataSource.checkSeekTarget(epoch, batch, batchesPerEpoch());
        this.epoch = epoch;
        this.position = Math.min(batch * batchSize, imagesPerEpoch());
        int n = folder.size();
        int[] o = new int[n * passes];
        for (int p = 0; p < passes; p++) {
            int base = p * n;
            for (int i = 0; i < n; i++) {
                o[base + i] = i;
            }
            if (shuffle) {
                Random rng = new Random(mix(seed, (long) epoch * passes + p));
                for (int i = n - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int t = o[base + i];
                    o[base + i] = o[base + j];
                    o[base + j] = t;
                }
            }
        }
        this.order = o;
    }

    @Override
    public boolean hasNext() {
        return position < imagesPerEpoch();
    }

    @Override
    public MultiDataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException(
                    "epoch " + epoch + " is exhausted; seek(" + (epoch + 1) + ", 0) for the next epoch");
        }
        int b = Math.min(batchSize, imagesPerEpoch() - position);
        int len = folder.exampleLength();
        int k = folder.classes().size();
        float[] x = new float[b * len];
        float[] y = new float[b * k];
        int filled = 0;
        for (int r = 0; r < b; r++) {
            int index = order[position + r];
            Random rng = augmentation.isNone() ? null : new Random(mix(mix(seed, epoch), position + r));
            try {
                int label = folder.load(index, augmentation, rng, x, filled * len);
                y[filled * k + label] = 1f;
                filled++;
            } catch (DatasetException e) {
                if (folder.options().onCorrupt() == ImageFolderOptions.OnCorrupt.FAIL) {
                    throw e;
                }
                LOG.warn("skipping, in epoch {}: {}", epoch, e.getMessage());
                skippedDuringEpochs.add(folder.files().get(index).toString());
            }
        }
        position += b;
        if (filled == 0) {
            if (hasNext()) {
                return next();
            }
            throw new DatasetException("every image of the last batch of epoch " + epoch + " in " + folder.root()
                    + " became unreadable after the folder was scanned; scan it again");
        }
        if (filled < b) {
            float[] xs = new float[filled * len];
            float[] ys = new float[filled * k];
            System.arraycopy(x, 0, xs, 0, xs.length);
            System.arraycopy(y, 0, ys, 0, ys.length);
            x = xs;
            y = ys;
        }
        ImageFolderOptions o = folder.options();
        return new org.nd4j.linalg.dataset.MultiDataSet(
                Nd4j.create(x, new long[] {filled, o.channels(), o.height(), o.width()}, 'c'),
                Nd4j.create(y, new long[] {filled, k}, 'c'));
    }

    private static long mix(long a, long b) {
        return (a * 1_000_003L + b) * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    }
}
