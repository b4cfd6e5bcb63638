package org.sheetlab.data.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.datavec.image.recordreader.objdetect.ObjectDetectionRecordReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.data.DatasetException;
import org.sheetlab.data.source.LabeledArrays;

/**
 * The detection set generator, the VOC writer and reader, and DataVec's object-detection reader over the written
 * files, on small sets built here from synthetic 28×28 items (filled ellipses of random size, position and
 * brightness on black, three classes), so no dataset download is needed. Expectations come from the PNG pixels read
 * back with {@code javax.imageio} and from boxes written by hand, not from the generator's own arithmetic.
 */
class DetectionSetTest {
    @TempDir
    Path tmp;

    private static final List<String> CLASSES = List.of("ring", "blob", "bar");

    /** n synthetic items: a filled ellipse per item, grey levels in (0.2, 1], class id = i % 3. */
    private static LabeledArrays items(int n, long seed) {
        Random rnd = new Random(seed);
        float[] px = new float[n * 784];
        int[] ids = new int[n];
        float[] oneHot = new float[n * 3];
        for (int i = 0; i < n; i++) {
            double cy = 8 + rnd.nextInt(12);
            double cx = 8 + rnd.nextInt(12);
            double ry = 3 + rnd.nextInt(8);
            double rx = 3 + rnd.nextInt(8);
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    double d = Math.pow((r - cy) / ry, 2) + Math.pow((c - cx) / rx, 2);
                    if (d <= 1) {
                        px[i * 784 + r * 28 + c] = 0.2f + 0.8f * rnd.nextFloat();
                    }
                }
            }
            ids[i] = i % 3;
            oneHot[i * 3 + ids[i]] = 1;
        }
        return new LabeledArrays(
                Nd4j.create(px, new long[] {n, 784}), Nd4j.create(oneHot, new long[] {n, 3}), ids, CLASSES);
    }

    private static PastedItemsGenerator.Options options(int minItems, int maxItems, long seed) {
        return new PastedItemsGenerator.Options(64, 12, 5, minItems, maxItems, 0.75, 1.5, 1.5, 0.4, seed);
    }

    private Path generate(String name, PastedItemsGenerator.Options o) {
        return PastedItemsGenerator.generate(items(40, 1), items(20, 2), tmp.resolve(name), o);
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    private static int[][] pixels(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        int[][] p = new int[img.getHeight()][img.getWidth()];
        for (int r = 0; r < p.length; r++) {
            for (int c = 0; c < p[0].length; c++) {
                p[r][c] = img.getRaster().getSample(c, r, 0);
            }
        }
        return p;
    }

    @Test
    void sameSeedGivesTheSameFilesBitForBitAndAnotherSeedDoesNot() throws IOException {
        Path a = generate("a", options(1, 4, 7));
        Path b = generate("b", options(1, 4, 7));
        Path c = generate("c", options(1, 4, 8));
        List<Path> names = files(a);
        assertThat(names).hasSize(2 * 17 + 2 + 1).isEqualTo(files(b)).isEqualTo(files(c));
        boolean anyDiffers = false;
        for (Path f : names) {
            assertThat(Files.readAllBytes(b.resolve(f))).as(f.toString()).isEqualTo(Files.readAllBytes(a.resolve(f)));
            anyDiffers |= !Arrays.equals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(c.resolve(f)));
        }
        assertThat(anyDiffers).isTrue();
        assertThat(Files.list(tmp).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void aSingleItemsBoxIsTheBoundingBoxOfTheCanvasNonZeroPixels() throws IOException {
        Path root = generate("one", options(1, 1, 3));
        for (String split : List.of("train", "test")) {
            VocDataset set = VocDataset.read(root, split, CLASSES);
            assertThat(set.images()).hasSize(split.equals("train") ? 12 : 5);
            for (AnnotatedImage im : set.images()) {
                int[][] p = pixels(im.image());
                int xmin = 64, ymin = 64, xmax = -1, ymax = -1;
                for (int r = 0; r < 64; r++) {
                    for (int c = 0; c < 64; c++) {
                        if (p[r][c] != 0) {
                            xmin = Math.min(xmin, c);
                            ymin = Math.min(ymin, r);
                            xmax = Math.max(xmax, c + 1);
                            ymax = Math.max(ymax, r + 1);
                        }
                    }
                }
                assertThat(im.boxes()).hasSize(1);
                Box b = im.boxes().get(0);
                assertThat(new int[] {b.xmin(), b.ymin(), b.xmax(), b.ymax()})
                        .as(im.id())
                        .containsExactly(xmin, ymin, xmax, ymax);
            }
        }
    }

    @Test
    void boxesLieInsideTheCanvasTouchPastedPixelsOnAllFourEdgesAndVary() throws IOException {
        Path root = generate("many", options(1, 4, 5));
        VocDataset train = VocDataset.read(root, "train", CLASSES);
        VocDataset test = VocDataset.read(root, "test", CLASSES);
        int multi = 0;
        double minAspect = Double.MAX_VALUE;
        double maxAspect = 0;
        boolean overlap = false;
        for (VocDataset set : List.of(train, test)) {
            for (AnnotatedImage im : set.images()) {
                assertThat(im.width()).isEqualTo(64);
                assertThat(im.height()).isEqualTo(64);
                assertThat(im.depth()).isEqualTo(1);
                assertThat(im.boxes()).hasSizeBetween(1, 4);
                multi += im.boxes().size() > 1 ? 1 : 0;
                int[][] p = pixels(im.image());
                for (Box b : im.boxes()) {
                    assertThat(b.inside(64, 64)).as(b.toString()).isTrue();
                    assertThat(CLASSES.get(b.classId())).isEqualTo(b.className());
                    // tight: each edge row/column of the box holds a pasted (non-zero) pixel
                    boolean top = false, bottom = false, left = false, right = false;
                    for (int c = b.xmin(); c < b.xmax(); c++) {
                        top |= p[b.ymin()][c] != 0;
                        bottom |= p[b.ymax() - 1][c] != 0;
                    }
                    for (int r = b.ymin(); r < b.ymax(); r++) {
                        left |= p[r][b.xmin()] != 0;
                        right |= p[r][b.xmax() - 1] != 0;
                    }
                    assertThat(new boolean[] {top, bottom, left, right})
                            .as(im.id() + " " + b)
                            .containsOnly(true);
                    double aspect = (double) b.width() / b.height();
                    minAspect = Math.min(minAspect, aspect);
                    maxAspect = Math.max(maxAspect, aspect);
                    for (Box other : im.boxes()) {
                        if (other != b) {
                            double iou = PastedItemsGenerator.iou(b, other);
                            assertThat(iou).isLessThanOrEqualTo(0.4);
                            overlap |= iou > 0;
                        }
                    }
                }
            }
        }
        assertThat(multi).isGreaterThan(3);
        assertThat(overlap).isTrue();
        assertThat(maxAspect / minAspect).isGreaterThan(2);
    }

    @Test
    void vocRoundTripGivesBackTheBoxesAndPixels() throws IOException {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < 30; r++) {
            for (int c = 0; c < 40; c++) {
                img.getRaster().setSample(c, r, 0, (r * 7 + c * 3) % 256);
            }
        }
        List<Box> boxes = List.of(new Box("cat & dog", 0, 0, 0, 40, 30), new Box("b", 1, 3, 4, 10, 12));
        Path root = VocWriter.write(
                tmp.resolve("rt"),
                List.of(new VocWriter.Entry("x-1", img, boxes), new VocWriter.Entry("x_2", img, List.of())),
                Map.of("train", List.of("x_2", "x-1"), "val", List.of("x-1")));
        VocDataset set = VocDataset.read(root, "train", List.of("cat & dog", "b"));
        assertThat(set.images()).extracting(AnnotatedImage::id).containsExactly("x_2", "x-1");
        assertThat(set.images().get(1).boxes()).isEqualTo(boxes);
        assertThat(set.images().get(0).boxes()).isEmpty();
        assertThat(set.images().get(1).width()).isEqualTo(40);
        assertThat(set.images().get(1).height()).isEqualTo(30);
        int[][] p = pixels(set.images().get(1).image());
        for (int r = 0; r < 30; r++) {
            for (int c = 0; c < 40; c++) {
                assertThat(p[r][c]).isEqualTo((r * 7 + c * 3) % 256);
            }
        }
        // without a class list: the names found, sorted (DataVec's order)
        assertThat(VocDataset.read(root, "val").classes()).containsExactly("b", "cat & dog");
        assertThat(VocDataset.read(root, "val").images().get(0).boxes().get(0).classId())
                .isEqualTo(1);
        assertThatThrownBy(() -> VocWriter.write(root, List.of(), Map.of()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("already exists");
    }

    @Test
    void dataVecGridLabelsPutTheBoxAtTheCellOfItsCentre() throws IOException {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
        // centres: (25, 40) → column 1, row 2 of a 4×4 grid (16 px cells); (56, 8) → column 3, row 0
        Box a = new Box("zebra", 0, 20, 36, 30, 44);
        Box b = new Box("apple", 1, 50, 2, 62, 14);
        Path root = VocWriter.write(
                tmp.resolve("grid"),
                List.of(new VocWriter.Entry("g0", img, List.of(a, b))),
                Map.of("train", List.of("g0")));
        // class order given unsorted, to check it is the one the grid labels use
        VocDataset set = VocDataset.read(root, "train", List.of("zebra", "apple"));
        ObjectDetectionRecordReader reader = set.objectDetectionReader(32, 32, 1, 4, 4);
        assertThat(reader.getLabels()).containsExactly("zebra", "apple");
        List<Writable> rec = reader.next();
        INDArray image = ((NDArrayWritable) rec.get(0)).get();
        INDArray label = ((NDArrayWritable) rec.get(1)).get();
        assertThat(image.shape()).containsExactly(1, 1, 32, 32);
        assertThat(label.shape()).containsExactly(1, 4 + 2, 4, 4);
        double[][][] expected = new double[6][4][4];
        double[] ea = {20 / 16.0, 36 / 16.0, 30 / 16.0, 44 / 16.0, 1, 0};
        double[] eb = {50 / 16.0, 2 / 16.0, 62 / 16.0, 14 / 16.0, 0, 1};
        for (int ch = 0; ch < 6; ch++) {
            expected[ch][2][1] = ea[ch];
            expected[ch][0][3] = eb[ch];
        }
        for (int ch = 0; ch < 6; ch++) {
            for (int r = 0; r < 4; r++) {
                for (int c = 0; c < 4; c++) {
                    assertThat(label.getDouble(0, ch, r, c))
                            .as("channel %d cell (%d, %d)", ch, r, c)
                            .isCloseTo(expected[ch][r][c], org.assertj.core.data.Offset.offset(1e-6));
                }
            }
        }
        assertThat(reader.hasNext()).isFalse();
    }

    @Test
    void theGeneratedSetReadsThroughDataVec() {
        Path root = generate("dv", options(1, 4, 9));
        VocDataset set = VocDataset.read(root, "train", CLASSES);
        ObjectDetectionRecordReader reader = set.objectDetectionReader(64, 64, 1, 8, 8);
        int objects = 0;
        int images = 0;
        while (reader.hasNext()) {
            INDArray label = ((NDArrayWritable) reader.next().get(1)).get();
            // one class channel set per occupied cell; boxes sharing a cell keep one
            objects += label.get(
                            org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                            org.nd4j.linalg.indexing.NDArrayIndex.interval(4, 7))
                    .sumNumber()
                    .intValue();
            images++;
        }
        assertThat(images).isEqualTo(12);
        assertThat(objects).isPositive().isLessThanOrEqualTo(set.boxCount());
    }

    @Test
    void aUserVocSetWithJpegImagesReadsTheSameWay() throws IOException {
        // a hand-made VOC folder: JPEGImages/*.jpg, an annotation in VOC's own style (1-line header, extra elements)
        Path root = tmp.resolve("user");
        Files.createDirectories(root.resolve("JPEGImages"));
        Files.createDirectories(root.resolve("Annotations"));
        Files.createDirectories(root.resolve("ImageSets/Main"));
        BufferedImage img = new BufferedImage(48, 32, BufferedImage.TYPE_INT_RGB);
        assertThat(ImageIO.write(
                        img, "jpg", root.resolve("JPEGImages/2007_000027.jpg").toFile()))
                .isTrue();
        Files.writeString(
                root.resolve("Annotations/2007_000027.xml"),
                "<annotation>\n<folder>VOC2007</folder>\n<filename>2007_000027.jpg</filename>\n<source>\n"
                        + "<database>mine</database>\n</source>\n<size>\n<width>48</width>\n<height>32</height>\n"
                        + "<depth>3</depth>\n</size>\n<object>\n<name>person</name>\n<truncated>1</truncated>\n"
                        + "<bndbox>\n<xmin>4</xmin>\n<ymin>8</ymin>\n<xmax>20</xmax>\n<ymax>30</ymax>\n</bndbox>\n"
                        + "</object>\n</annotation>\n");
        Files.writeString(root.resolve("ImageSets/Main/val.txt"), "2007_000027\n\n");
        VocDataset set = VocDataset.read(root, "val");
        assertThat(set.classes()).containsExactly("person");
        assertThat(set.images().get(0).image()).isEqualTo(root.resolve("JPEGImages/2007_000027.jpg"));
        assertThat(set.images().get(0).depth()).isEqualTo(3);
        assertThat(set.images().get(0).boxes()).containsExactly(new Box("person", 0, 4, 8, 20, 30));
        // centre (12, 19) of a 48x32 image on a 3x2 grid (16 px cells): column 0, row 1
        INDArray label = ((NDArrayWritable)
                        set.objectDetectionReader(32, 48, 3, 2, 3).next().get(1))
                .get();
        assertThat(label.getDouble(0, 4, 1, 0)).isEqualTo(1.0);
        assertThat(label.getDouble(0, 0, 1, 0)).isCloseTo(4 / 16.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(label.sumNumber().doubleValue())
                .isCloseTo(1 + (4 + 20) / 16.0 + (8 + 30) / 16.0, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void aFailedWriteLeavesNoFolderBehind() throws IOException {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        Path root = tmp.resolve("failed");
        assertThatThrownBy(() -> VocWriter.write(
                        root, List.of(new VocWriter.Entry("a", img, List.of())), Map.of("train", List.of("a", "b"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown image id b");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).isEmpty();
        }
    }

    // ---- errors ----

    private Path smallSet(String name) {
        BufferedImage img = new BufferedImage(20, 10, BufferedImage.TYPE_BYTE_GRAY);
        return VocWriter.write(
                tmp.resolve(name),
                List.of(new VocWriter.Entry("i0", img, List.of(new Box("a", 0, 1, 1, 5, 5)))),
                Map.of("train", List.of("i0")));
    }

    private static void rewrite(Path root, String from, String to) throws IOException {
        Path xml = root.resolve("Annotations/i0.xml");
        String s = Files.readString(xml, StandardCharsets.UTF_8);
        assertThat(s).contains(from);
        Files.writeString(xml, s.replace(from, to), StandardCharsets.UTF_8);
    }

    @Test
    void missingFoldersListsAndFilesAreNamed() throws IOException {
        assertThatThrownBy(() -> VocDataset.read(tmp.resolve("nowhere"), "train"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("nowhere")
                .hasMessageContaining("does not exist");
        Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> VocDataset.read(tmp.resolve("empty"), "train"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("no Annotations/");
        Path root = smallSet("s");
        assertThatThrownBy(() -> VocDataset.read(root, "test"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("test.txt");
        Files.delete(root.resolve("PNGImages/i0.png"));
        assertThatThrownBy(() -> VocDataset.read(root, "train"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("no image for id 'i0'");
        Files.delete(root.resolve("Annotations/i0.xml"));
        assertThatThrownBy(() -> VocDataset.read(root, "train"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("i0.xml")
                .hasMessageContaining("does not exist");
    }

    @Test
    void malformedXmlNamesTheFileAndTheElement() throws IOException {
        Path r1 = smallSet("m1");
        rewrite(r1, "</bndbox>", "");
        assertThatThrownBy(() -> VocDataset.read(r1, "train"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("i0.xml")
                .hasMessageContaining("not well-formed");
        Path r2 = smallSet("m2");
        rewrite(r2, "\t\t\t<ymax>5</ymax>\n", "");
        assertThatThrownBy(() -> VocDataset.read(r2, "train"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("i0.xml")
                .hasMessageContaining("<ymax> is missing");
        Path r3 = smallSet("m3");
        rewrite(r3, "<xmin>1</xmin>", "<xmin>one</xmin>");
        assertThatThrownBy(() -> VocDataset.read(r3, "train"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("i0.xml")
                .hasMessageContaining("xmin")
                .hasMessageContaining("'one'");
        Path r4 = smallSet("m4");
        rewrite(r4, "\t\t<width>20</width>\n", "");
        assertThatThrownBy(() -> VocDataset.read(r4, "train"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("<width> is missing from <size>");
    }

    @Test
    void aBoxOutsideTheImageOrInvertedAndAnUnknownClassAreRejected() throws IOException {
        Path r1 = smallSet("o1");
        rewrite(r1, "<xmax>5</xmax>", "<xmax>21</xmax>");
        assertThatThrownBy(() -> VocDataset.read(r1, "train"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("i0.xml")
                .hasMessageContaining("outside the 20x10 image");
        Path r2 = smallSet("o2");
        rewrite(r2, "<ymin>1</ymin>", "<ymin>7</ymin>");
        assertThatThrownBy(() -> VocDataset.read(r2, "train"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("empty or inverted");
        Path r3 = smallSet("o3");
        assertThatThrownBy(() -> VocDataset.read(r3, "train", List.of("b", "c")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("i0.xml")
                .hasMessageContaining("class 'a' is not one of the classes [b, c]");
        assertThat(VocDataset.read(r3, "train", List.of("b", "a"))
                        .images()
                        .get(0)
                        .boxes()
                        .get(0)
                        .classId())
                .isEqualTo(1);
    }

    @Test
    void anExistingSetIsReusedOnlyWithTheSameSettings() {
        Path root = generate("reuse", options(1, 2, 4));
        assertThat(PastedItemsGenerator.locateOrGenerate(root, options(1, 2, 4), null))
                .isEqualTo(root);
        assertThatThrownBy(() -> PastedItemsGenerator.locateOrGenerate(root, options(1, 2, 5), null))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("generated with other settings")
                .hasMessageContaining("seed=4")
                .hasMessageContaining("Delete the folder");
    }

    @Test
    void optionsThatCannotFitAreRejected() {
        assertThatThrownBy(() -> new PastedItemsGenerator.Options(32, 1, 1, 1, 2, 0.5, 2.0, 1.5, 0.4, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("do not fit a 32 px canvas");
        assertThatThrownBy(() -> new PastedItemsGenerator.Options(96, 1, 1, 3, 2, 0.5, 1.0, 1.5, 0.4, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("items 3..2");
    }
}
