package org.sheetlab.experiments.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sheetlab.train.run.RunDirectory;

class DetectionDrawingTest {
    private static final List<String> NAMES = List.of("T-shirt", "Trouser", "Pullover");
    private static final int GREY = 0x808080; // 0.5 → 128

    /** A 16 × 20 (H × W) grey canvas of 0.5 with box (2, 3) – (10, 12) of class 1, and box (12, 1) – (19, 6) of class 2. */
    private static BufferedImage drawn() {
        INDArray image = Nd4j.valueArrayOf(new long[] {1, 16, 20}, 0.5, DataType.FLOAT);
        INDArray boxes = Nd4j.create(new double[][] {{2, 3, 10, 12}, {12, 1, 19, 6}});
        INDArray classes = Nd4j.createFromArray(1L, 2L);
        INDArray scores = Nd4j.createFromArray(0.9, 0.75);
        return DetectionDrawing.draw(image, boxes, classes, scores, NAMES, 3);
    }

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xffffff;
    }

    @Test
    void outlinesHaveTheClassColourAndTheInsideKeepsTheImage() {
        BufferedImage img = drawn();
        assertThat(img.getWidth()).isEqualTo(60);
        assertThat(img.getHeight()).isEqualTo(48);
        int c1 = DetectionDrawing.colour(1).getRGB() & 0xffffff;
        int c2 = DetectionDrawing.colour(2).getRGB() & 0xffffff;
        assertThat(c1).isNotEqualTo(c2).isNotEqualTo(GREY);
        // box 1 at 3×: x 6 … 29, y 9 … 35; two-pixel outline
        for (int y = 26; y <= 35; y++) {
            assertThat(rgb(img, 6, y)).as("left edge, y %d", y).isEqualTo(c1);
            assertThat(rgb(img, 7, y)).as("left edge inner line, y %d", y).isEqualTo(c1);
            assertThat(rgb(img, 29, y)).as("right edge, y %d", y).isEqualTo(c1);
            assertThat(rgb(img, 28, y)).as("right edge inner line, y %d", y).isEqualTo(c1);
        }
        for (int x = 6; x <= 29; x++) {
            assertThat(rgb(img, x, 35)).as("bottom edge, x %d", x).isEqualTo(c1);
        }
        assertThat(rgb(img, 18, 30)).as("inside the box").isEqualTo(GREY);
        assertThat(rgb(img, 5, 30)).as("just outside the box").isEqualTo(GREY);
        assertThat(rgb(img, 30, 30)).as("just outside the box").isEqualTo(GREY);
        assertThat(rgb(img, 2, 45)).as("far from every box").isEqualTo(GREY);
        // box 2 at 3×: x 36 … 56, y 3 … 17
        assertThat(rgb(img, 56, 17)).isEqualTo(c2);
        assertThat(rgb(img, 36, 17)).isEqualTo(c2);
        // the label: some pixels of the class colour left of box 1's right edge near its top, and text on it
        long labelPixels = 0;
        for (int y = 9; y < 26; y++) {
            for (int x = 8; x < 28; x++) {
                labelPixels += rgb(img, x, y) == c1 ? 1 : 0;
            }
        }
        assertThat(labelPixels).as("label background pixels").isGreaterThan(50);
    }

    @Test
    void writesAValidPngOfTheScaledSize(@TempDir Path dir) throws IOException {
        BufferedImage img = drawn();
        Path file = DetectionDrawing.write(new RunDirectory(dir), "detections.png", img);
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
        BufferedImage back = ImageIO.read(file.toFile());
        assertThat(back.getWidth()).isEqualTo(60);
        assertThat(back.getHeight()).isEqualTo(48);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 60; x++) {
                assertThat(rgb(back, x, y)).isEqualTo(rgb(img, x, y));
            }
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("detections.png");
        }
    }

    @Test
    void noBoxesGiveTheScaledImageAndBadShapesAreRefused() {
        INDArray image = Nd4j.rand(DataType.FLOAT, 5, 7);
        BufferedImage plain = DetectionDrawing.draw(image, Nd4j.zeros(DataType.DOUBLE, 0, 4), null, null, NAMES, 2);
        assertThat(plain.getWidth()).isEqualTo(14);
        int v = Math.round(255 * image.getFloat(3, 4));
        assertThat(rgb(plain, 9, 7)).isEqualTo((v << 16) | (v << 8) | v);
        assertThatThrownBy(() -> DetectionDrawing.draw(
                        image, Nd4j.zeros(DataType.DOUBLE, 2, 3), Nd4j.zeros(DataType.LONG, 2), null, NAMES, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[N, 4]");
        assertThatThrownBy(() -> DetectionDrawing.draw(
                        image, Nd4j.zeros(DataType.DOUBLE, 2, 4), Nd4j.zeros(DataType.LONG, 1), null, NAMES, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one class");
        assertThatThrownBy(() -> DetectionDrawing.draw(Nd4j.rand(DataType.FLOAT, 2, 5, 7), null, null, null, NAMES, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[3, H, W]");
        assertThat(DetectionDrawing.colour(12)).isNotEqualTo(DetectionDrawing.colour(11));
    }
}
