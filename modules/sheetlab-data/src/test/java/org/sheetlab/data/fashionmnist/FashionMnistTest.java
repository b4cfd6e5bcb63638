package org.sheetlab.data.fashionmnist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.data.DatasetException;
import org.sheetlab.data.idx.IdxFile;
import org.sheetlab.data.idx.IdxFormatException;

/** The real loading code on small IDX files the test builds; the real dataset is checked by the experiment tests. */
class FashionMnistTest {
    private static final FashionMnist.FileSpec TRAIN_IMAGES =
            new FashionMnist.FileSpec("train-images-idx3-ubyte", 12, null);
    private static final FashionMnist.FileSpec TRAIN_LABELS =
            new FashionMnist.FileSpec("train-labels-idx1-ubyte", 12, null);
    private static final FashionMnist.FileSpec TEST_IMAGES =
            new FashionMnist.FileSpec("t10k-images-idx3-ubyte", 5, null);
    private static final FashionMnist.FileSpec TEST_LABELS =
            new FashionMnist.FileSpec("t10k-labels-idx1-ubyte", 5, null);

    @TempDir
    Path dir;

    private FashionMnist loadSmall() {
        return FashionMnist.load(dir, TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
    }

    @Test
    void loadsGzipAndPlainFilesIntoScaledFeaturesAndOneHotLabels() throws IOException {
        IdxFixtures.writeSplit(dir, "train", 12, true);
        IdxFixtures.writeSplit(dir, "t10k", 5, false);
        FashionMnist data = loadSmall();
        assertThat(data.train().features().shape()).containsExactly(12, 784);
        assertThat(data.train().labels().shape()).containsExactly(12, 10);
        assertThat(data.test().size()).isEqualTo(5);
        // pixel j of image i is (7i + j) mod 256, scaled to [0, 1]
        assertThat(data.train().features().getDouble(3, 10))
                .isEqualTo(((3 * 7 + 10) % 256) / 255.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(data.train().features().getDouble(11, 783))
                .isEqualTo(((11 * 7 + 783) % 256) / 255.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(data.train().labelIds()[11]).isEqualTo(1);
        assertThat(data.train().labels().getDouble(11, 1)).isEqualTo(1.0);
        assertThat(data.train().labels().sumNumber().doubleValue()).isEqualTo(12.0);
        assertThat(FashionMnist.isComplete(dir)).isTrue();
    }

    @Test
    void missingFileNamesTheFetchCommand() throws IOException {
        IdxFixtures.writeSplit(dir, "train", 12, true);
        assertThatThrownBy(this::loadSmall)
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("t10k-images-idx3-ubyte")
                .hasMessageContaining("missing")
                .hasMessageContaining(FashionMnist.FETCH_COMMAND);
        assertThat(FashionMnist.isComplete(dir)).isFalse();
    }

    @Test
    void truncatedFileIsReportedAsCorrupt() throws IOException {
        IdxFixtures.writeSplit(dir, "train", 12, true);
        IdxFixtures.writeSplit(dir, "t10k", 5, false);
        Path images = dir.resolve("t10k-images-idx3-ubyte");
        byte[] bytes = Files.readAllBytes(images);
        Files.write(images, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(this::loadSmall)
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("corrupt")
                .hasMessageContaining("truncated")
                .hasMessageContaining(FashionMnist.FETCH_COMMAND);
    }

    @Test
    void brokenGzipIsReportedAsCorrupt() throws IOException {
        IdxFixtures.writeSplit(dir, "train", 12, true);
        IdxFixtures.writeSplit(dir, "t10k", 5, false);
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), new byte[] {31, -117, 8, 0, 1, 2, 3});
        assertThatThrownBy(this::loadSmall)
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("train-labels-idx1-ubyte.gz")
                .hasMessageContaining(FashionMnist.FETCH_COMMAND);
    }

    @Test
    void checksumMismatchIsReportedWithBothSums() throws IOException {
        IdxFixtures.writeSplit(dir, "train", 12, true);
        IdxFixtures.writeSplit(dir, "t10k", 5, false);
        FashionMnist.FileSpec wrong = new FashionMnist.FileSpec("train-images-idx3-ubyte", 12, "00".repeat(32));
        assertThatThrownBy(() -> FashionMnist.load(dir, wrong, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("SHA-256")
                .hasMessageContaining("00".repeat(32))
                .hasMessageContaining(FashionMnist.FETCH_COMMAND);
    }

    @Test
    void theOfficialSpecRejectsASmallFile() throws IOException {
        // the real manifest (60,000 images, official checksum) against a 12-image file: the checksum catches it
        IdxFixtures.writeSplit(dir, "train", 12, true);
        IdxFixtures.writeSplit(dir, "t10k", 5, true);
        assertThatThrownBy(() -> FashionMnist.load(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("corrupt")
                .hasMessageContaining(FashionMnist.FETCH_COMMAND);
    }

    @Test
    void wrongCountOrLabelRangeIsRejected() throws IOException {
        IdxFixtures.writeSplit(dir, "train", 12, true);
        IdxFixtures.writeSplit(dir, "t10k", 5, false);
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), IdxFixtures.idx(new int[] {5}, new byte[] {0, 1, 2, 3, 42}));
        assertThatThrownBy(this::loadSmall).hasMessageContaining("label 42");
        FashionMnist.FileSpec more = new FashionMnist.FileSpec("train-images-idx3-ubyte", 13, null);
        assertThatThrownBy(() -> FashionMnist.load(dir, more, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS))
                .hasMessageContaining("holds 12 examples, expected 13");
    }

    @Test
    void idxHeaderErrors() {
        assertThatThrownBy(() -> IdxFile.parse("x", new byte[] {0, 0, 0x0D, 1, 0, 0, 0, 0}))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("magic");
        assertThatThrownBy(() -> IdxFile.parse("x", new byte[] {0, 0})).hasMessageContaining("too short");
        IdxFile ok = IdxFile.parse("x", IdxFixtures.idx(new int[] {2, 2}, new byte[] {1, 2, 3, (byte) 255}));
        assertThat(ok.shape()).containsExactly(2, 2);
        assertThat(ok.unsigned(3)).isEqualTo(255);
    }
}
