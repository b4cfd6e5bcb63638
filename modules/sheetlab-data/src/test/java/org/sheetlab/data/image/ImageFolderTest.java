package org.sheetlab.data.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sheetlab.testing.NdAssert.assertBitIdentical;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.DatasetException;
import org.sheetlab.data.image.ImageFolderOptions.Fit;
import org.sheetlab.data.image.ImageFolderOptions.OnCorrupt;
import org.sheetlab.data.source.DataSource;

/**
 * The image folder on small folders the tests write with {@code javax.imageio} (PNG and JPEG), independently of
 * {@link ImageFolderWriter}: expected pixels are the bytes written, divided by 255.
 */
class ImageFolderTest {
    @TempDir
    Path tmp;

    /** A grey image whose pixel (r, c) is {@code value(r, c)}. */
    private static BufferedImage grey(int height, int width, java.util.function.IntBinaryOperator value) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                img.getRaster().setSample(c, r, 0, value.applyAsInt(r, c));
            }
        }
        return img;
    }

    private static Path write(BufferedImage img, Path file, String format) throws IOException {
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(img, format, file.toFile())).isTrue();
        return file;
    }

    /**
     * root/ant: 3 grey 4×4 PNGs (pixel 10·i + r·4 + c), a text file; root/bee: 2 JPEGs of constant grey 200, a corrupt
     * PNG; a stray file at root.
     */
    private Path smallFolder() throws IOException {
        Path root = tmp.resolve("photos");
        for (int i = 0; i < 3; i++) {
            int base = 10 * i;
            write(grey(4, 4, (r, c) -> base + r * 4 + c), root.resolve("ant").resolve("a" + i + ".png"), "png");
        }
        Files.writeString(root.resolve("ant").resolve("notes.txt"), "not an image");
        for (int i = 0; i < 2; i++) {
            write(grey(4, 4, (r, c) -> 200), root.resolve("bee").resolve("b" + i + ".jpg"), "jpg");
        }
        byte[] junk = new byte[64];
        new Random(1).nextBytes(junk);
        Files.write(root.resolve("bee").resolve("broken.png"), junk);
        Files.writeString(root.resolve("README"), "stray");
        return root;
    }

    @Test
    void scanSortsClassesSkipsTheCorruptImageAndIgnoresNonImages() throws IOException {
        Path root = smallFolder();
        ImageFolder folder = ImageFolder.scan(root, ImageFolderOptions.of(4, 4, 1));

        assertThat(folder.classes()).containsExactly("ant", "bee");
        assertThat(folder.size()).isEqualTo(5);
        assertThat(folder.countsPerClass()).containsExactly(3, 2);
        assertThat(folder.skipped()).containsExactly(root.resolve("bee").resolve("broken.png"));
        assertThat(folder.ignored())
                .containsExactlyInAnyOrder(
                        root.resolve("README"), root.resolve("ant").resolve("notes.txt"));
    }

    @Test
    void pngPixelsComeBackAsTheirBytesOver255InChwOrder() throws IOException {
        ImageFolder folder = ImageFolder.scan(smallFolder(), ImageFolderOptions.of(4, 4, 1));
        float[] out = new float[16];
        for (int i = 0; i < 3; i++) {
            assertThat(folder.load(i, Augmentation.NONE, null, out, 0)).isZero();
            for (int p = 0; p < 16; p++) {
                assertThat(out[p]).isEqualTo((10 * i + p) / 255f);
            }
        }
        // a lossy JPEG of constant 200 decodes to about 200
        assertThat(folder.load(3, Augmentation.NONE, null, out, 0)).isEqualTo(1);
        for (float v : out) {
            assertThat(v).isBetween(195 / 255f, 205 / 255f);
        }
    }

    @Test
    void failPolicyRefusesTheFolderNamingTheCorruptFile() throws IOException {
        Path root = smallFolder();
        assertThatThrownBy(() ->
                        ImageFolder.scan(root, ImageFolderOptions.of(4, 4, 1).withOnCorrupt(OnCorrupt.FAIL)))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(root.resolve("bee").resolve("broken.png").toString())
                .hasMessageContaining("skip unreadable");
    }

    @Test
    void missingFolderEmptyClassAndSingleClassAreClearErrors() throws IOException {
        assertThatThrownBy(() -> ImageFolder.scan(tmp.resolve("nowhere"), ImageFolderOptions.of(4, 4, 1)))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("nowhere not found")
                .hasMessageContaining("one subfolder per class");

        Path root = smallFolder();
        Files.createDirectories(root.resolve("cat"));
        assertThatThrownBy(() -> ImageFolder.scan(root, ImageFolderOptions.of(4, 4, 1)))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(root.resolve("cat") + " holds no readable image")
                .hasMessageContaining("add images to it or remove the folder");

        Path single = tmp.resolve("single");
        write(grey(4, 4, (r, c) -> 1), single.resolve("only").resolve("x.png"), "png");
        assertThatThrownBy(() -> ImageFolder.scan(single, ImageFolderOptions.of(4, 4, 1)))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("1 class subfolder (only)")
                .hasMessageContaining("at least 2");
    }

    @Test
    void cropPerClassKeepsTheCentreWhileResizeSquashesTheWholeImage() throws IOException {
        // 2 rows × 6 columns: columns 2 and 3 white, the rest black. Target 2×2: the centred 2×2 window is all white;
        // a plain resize keeps the black borders.
        Path root = tmp.resolve("wide");
        BufferedImage wide = grey(2, 6, (r, c) -> c == 2 || c == 3 ? 255 : 0);
        write(wide, root.resolve("cropped").resolve("w.png"), "png");
        write(wide, root.resolve("resized").resolve("w.png"), "png");
        ImageFolder folder =
                ImageFolder.scan(root, ImageFolderOptions.of(2, 2, 1).withFit("cropped", Fit.CROP));
        float[] cropped = new float[4];
        float[] resized = new float[4];
        folder.load(0, Augmentation.NONE, null, cropped, 0);
        folder.load(1, Augmentation.NONE, null, resized, 0);
        assertThat(cropped).containsExactly(1f, 1f, 1f, 1f);
        // the resize keeps the black borders in view
        float min = 1f;
        for (float v : resized) {
            min = Math.min(min, v);
        }
        assertThat(min).isLessThan(0.5f);
    }

    @Test
    void sourceServesNchwBatchesWithOneHotLabelsFromTheFolder() throws IOException {
        ImageFolder folder = ImageFolder.scan(smallFolder(), ImageFolderOptions.of(4, 4, 3));
        DataSource source = ImageFolderSource.evaluation(folder, 2);
        assertThat(source.batchesPerEpoch()).isEqualTo(3);
        List<Integer> labels = new ArrayList<>();
        while (source.hasNext()) {
            MultiDataSet batch = source.next();
            INDArray x = batch.getFeatures(0);
            assertThat(x.shape()[1]).isEqualTo(3);
            assertThat(x.shape()[2]).isEqualTo(4);
            assertThat(x.shape()[3]).isEqualTo(4);
            INDArray y = batch.getLabels(0);
            for (int r = 0; r < y.rows(); r++) {
                assertThat(y.getRow(r).sumNumber().doubleValue()).isEqualTo(1.0);
                labels.add(y.getRow(r).argMax().getInt(0));
            }
        }
        assertThat(labels).containsExactly(0, 0, 0, 1, 1);
    }

    @Test
    void seekLandsOnTheSameAugmentedBatchAsAnUninterruptedRun() throws IOException {
        ImageFolder folder = ImageFolder.scan(smallFolder(), ImageFolderOptions.of(4, 4, 1));
        ImageFolderSource a = ImageFolderSource.training(folder, 2, 7, Augmentation.DEFAULT);
        List<INDArray> uninterrupted = new ArrayList<>();
        for (int epoch = 0; epoch < 2; epoch++) {
            a.seek(epoch, 0);
            while (a.hasNext()) {
                uninterrupted.add(a.next().getFeatures(0));
            }
        }
        ImageFolderSource b = ImageFolderSource.training(folder, 2, 7, Augmentation.DEFAULT);
        b.seek(1, 1);
        assertBitIdentical(b.next().getFeatures(0), uninterrupted.get(4));
        assertBitIdentical(b.next().getFeatures(0), uninterrupted.get(5));

        // augmentation changes the pixels, differently in another epoch
        ImageFolderSource plain = new ImageFolderSource(folder, 5, true, 7, Augmentation.NONE);
        ImageFolderSource augmented = new ImageFolderSource(folder, 5, true, 7, Augmentation.DEFAULT);
        INDArray p0 = plain.next().getFeatures(0);
        INDArray a0 = augmented.next().getFeatures(0);
        augmented.seek(1, 0);
        INDArray a1 = augmented.next().getFeatures(0);
        assertThat(equalBits(p0, a0)).isFalse();
        assertThat(equalBits(a0, a1)).isFalse();
        for (float v : a0.data().asFloat()) {
            assertThat(v).isBetween(0f, 1f);
        }
    }

    @Test
    void anImageThatVanishesAfterTheScanIsSkippedOrRefusedByPolicy() throws IOException {
        Path root = smallFolder();
        Files.delete(root.resolve("bee").resolve("broken.png"));
        ImageFolder skip = ImageFolder.scan(root, ImageFolderOptions.of(4, 4, 1));
        ImageFolder fail = ImageFolder.scan(root, ImageFolderOptions.of(4, 4, 1).withOnCorrupt(OnCorrupt.FAIL));
        Path gone = root.resolve("ant").resolve("a1.png");
        Files.delete(gone);

        ImageFolderSource source = ImageFolderSource.evaluation(skip, 5);
        MultiDataSet batch = source.next();
        assertThat(batch.getFeatures(0).shape()[0]).isEqualTo(4);
        assertThat(batch.getLabels(0).shape()[0]).isEqualTo(4);
        assertThat(source.skippedDuringEpochs()).containsExactly(gone.toString());

        ImageFolderSource refusing = ImageFolderSource.evaluation(fail, 5);
        assertThatThrownBy(refusing::next).isInstanceOf(DatasetException.class).hasMessageContaining(gone.toString());
    }

    @Test
    void limitPerClassDrawsNestedSubsets() throws IOException {
        ImageFolder folder = ImageFolder.scan(smallFolder(), ImageFolderOptions.of(4, 4, 1));
        ImageFolder one = folder.limitPerClass(1, 3);
        ImageFolder two = folder.limitPerClass(2, 3);
        assertThat(one.countsPerClass()).containsExactly(1, 1);
        assertThat(two.countsPerClass()).containsExactly(2, 2);
        assertThat(two.files()).containsAll(one.files());
    }

    @Test
    void splitKeepsEveryClassOnBothSidesAndPartitionsTheImages() throws IOException {
        ImageFolder folder = ImageFolder.scan(smallFolder(), ImageFolderOptions.of(4, 4, 1));
        ImageFolder[] parts = folder.split(0.4, 9);
        assertThat(parts[0].countsPerClass()).containsExactly(2, 1);
        assertThat(parts[1].countsPerClass()).containsExactly(1, 1);
        List<Path> all = new ArrayList<>(parts[0].files());
        all.addAll(parts[1].files());
        assertThat(all).containsExactlyInAnyOrderElementsOf(folder.files());
    }

    @Test
    void aSmallSetIsServedInSeveralShuffledPassesPerEpoch() throws IOException {
        ImageFolder folder = ImageFolder.scan(smallFolder(), ImageFolderOptions.of(4, 4, 1));
        ImageFolderSource source = ImageFolderSource.training(folder, 4, 3, Augmentation.NONE, 12);
        assertThat(source.passes()).isEqualTo(3);
        assertThat(source.batchesPerEpoch()).isEqualTo(4); // 15 images in batches of 4
        int[] seen = new int[2];
        int served = 0;
        while (source.hasNext()) {
            INDArray y = source.next().getLabels(0);
            served += (int) y.size(0);
            for (int r = 0; r < y.rows(); r++) {
                seen[y.getRow(r).argMax().getInt(0)]++;
            }
        }
        assertThat(served).isEqualTo(15);
        assertThat(seen).containsExactly(9, 6); // every image once per pass
    }

    @Test
    void writerRoundTripsGreyAndColourArraysExactly() throws IOException {
        Random rng = new Random(5);
        float[] grey = new float[4 * 6 * 5];
        float[] colour = new float[4 * 3 * 6 * 5];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = rng.nextInt(256) / 255f;
        }
        for (int i = 0; i < colour.length; i++) {
            colour[i] = rng.nextInt(256) / 255f;
        }
        int[] labels = {1, 0, 1, 2};
        List<String> names = List.of("zero", "one", "two");
        Path g = ImageFolderWriter.write(
                tmp.resolve("grey"), Nd4j.create(grey, new long[] {4, 30}), labels, names, 6, 5);
        Path c = ImageFolderWriter.write(
                tmp.resolve("colour"), Nd4j.create(colour, new long[] {4, 3, 6, 5}), labels, names, 6, 5);

        ImageFolder gf = ImageFolder.scan(g, ImageFolderOptions.of(6, 5, 1));
        ImageFolder cf = ImageFolder.scan(c, ImageFolderOptions.of(6, 5, 3));
        assertThat(gf.classes()).containsExactly("one", "two", "zero");
        // files are named by their index, so image i is found by name
        for (int k = 0; k < 4; k++) {
            int i = Integer.parseInt(gf.files().get(k).getFileName().toString().replace(".png", ""));
            float[] out = new float[30];
            gf.load(k, Augmentation.NONE, null, out, 0);
            assertThat(out).containsExactly(java.util.Arrays.copyOfRange(grey, i * 30, i * 30 + 30));
            assertThat(gf.classes().get(gf.label(k))).isEqualTo(names.get(labels[i]));
            float[] outC = new float[90];
            cf.load(k, Augmentation.NONE, null, outC, 0);
            assertThat(outC).containsExactly(java.util.Arrays.copyOfRange(colour, i * 90, i * 90 + 90));
        }
    }

    @Test
    void writerRefusesAnExistingFolderAndLeavesNothingBehindOnFailure() throws IOException {
        INDArray images = Nd4j.zeros(DataType.FLOAT, 2, 4);
        Path root = tmp.resolve("out");
        Files.createDirectories(root);
        assertThatThrownBy(() -> ImageFolderWriter.write(root, images, new int[] {0, 1}, List.of("a", "b"), 2, 2))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("already exists");
        Path other = tmp.resolve("other");
        assertThatThrownBy(() -> ImageFolderWriter.write(other, images, new int[] {0, 5}, List.of("a", "b"), 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 5");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("out");
        }
    }

    private static boolean equalBits(INDArray a, INDArray b) {
        return java.util.Arrays.equals(a.data().asFloat(), b.data().asFloat());
    }
}
