package org.sheetlab.data.photos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.data.DatasetException;

/** Reading, scaling and writing photos on small files the test writes; the errors for bad files. */
class PhotosTest {
    @TempDir
    Path tmp;

    @Test
    void readsPixelsAsRgbPlanesInZeroOneAndWritesThemBack() throws Exception {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        int[] rgb = {0xff0000, 0x00ff00, 0x0000ff, 0x102030, 0x808080, 0xffffff};
        for (int i = 0; i < 6; i++) {
            img.setRGB(i % 3, i / 3, rgb[i]);
        }
        Path file = tmp.resolve("tiny.png");
        ImageIO.write(img, "png", file.toFile());
        INDArray a = Photos.read(file, 2, 3, DataType.DOUBLE);
        assertThat(a.shape()).containsExactly(1, 3, 2, 3);
        assertThat(a.getDouble(0, 0, 0, 0)).isEqualTo(1.0); // red plane, pixel (0, 0)
        assertThat(a.getDouble(0, 1, 0, 1)).isEqualTo(1.0); // green plane, pixel (0, 1)
        assertThat(a.getDouble(0, 2, 0, 2)).isEqualTo(1.0); // blue plane, pixel (0, 2)
        assertThat(a.getDouble(0, 0, 1, 0)).isEqualTo(0x10 / 255.0);
        assertThat(a.getDouble(0, 1, 1, 0)).isEqualTo(0x20 / 255.0);
        assertThat(a.getDouble(0, 2, 1, 0)).isEqualTo(0x30 / 255.0);
        Path back = tmp.resolve("back.png");
        Photos.writePng(a, back);
        BufferedImage read = ImageIO.read(back.toFile());
        for (int i = 0; i < 6; i++) {
            assertThat(read.getRGB(i % 3, i / 3) & 0xffffff).isEqualTo(rgb[i]);
        }
    }

    @Test
    void coverScalesToFillAndCropsTheCentre() {
        // 4×2: columns 0 and 3 black, 1 and 2 white; covering 2×2 keeps the white centre
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            img.setRGB(1, y, 0xffffff);
            img.setRGB(2, y, 0xffffff);
        }
        INDArray a = Photos.toArray(Photos.cover(img, 2, 2), DataType.DOUBLE);
        assertThat(a.shape()).containsExactly(1, 3, 2, 2);
        assertThat(a.minNumber().doubleValue()).isGreaterThan(0.9);
    }

    @Test
    void valuesOutsideTheRangeAreClippedWhenWritten() {
        INDArray a = org.nd4j.linalg.factory.Nd4j.create(new double[] {-1, 2, 0.5}, new long[] {1, 3, 1, 1});
        assertThat(Photos.toImage(a).getRGB(0, 0) & 0xffffff).isEqualTo(0x00ff80);
    }

    @Test
    void missingUnreadableAndUnknownFilesAreNamed() throws Exception {
        Path text = tmp.resolve("notes.png");
        Files.writeString(text, "not an image");
        assertThatThrownBy(() -> Photos.read(text, 8, 8, DataType.FLOAT))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("notes.png")
                .hasMessageContaining("not a PNG, JPEG, BMP or GIF");
        assertThatThrownBy(() -> Photos.read(tmp.resolve("nope.jpg"), 8, 8, DataType.FLOAT))
                .hasMessageContaining("nope.jpg")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> SkimagePhotos.path(tmp, "rocket.png"))
                .hasMessageContaining("rocket.png")
                .hasMessageContaining("chelsea.png");
        assertThatThrownBy(() -> Photos.toImage(org.nd4j.linalg.factory.Nd4j.zeros(1, 1, 4, 4)))
                .hasMessageContaining("[1, 3, H, W]");
    }
}
