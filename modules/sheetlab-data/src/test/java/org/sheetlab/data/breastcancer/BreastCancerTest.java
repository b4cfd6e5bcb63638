package org.sheetlab.data.breastcancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sheetlab.data.Checksums;
import org.sheetlab.data.DatasetDescriptor;
import org.sheetlab.data.DatasetException;
import org.sheetlab.data.source.LabeledArrays;

/** The loader on small files in scikit-learn's layout, built by the test. */
class BreastCancerTest {
    @TempDir
    Path tmp;

    /** n rows: feature j of row i = i + j/100; target (sklearn) = i % 3 == 0 ? 0 (malignant) : 1. */
    private Path file(int n, String header) throws IOException {
        StringBuilder sb = new StringBuilder(header).append('\n');
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 30; j++) {
                sb.append(i + j / 100.0).append(',');
            }
            sb.append(i % 3 == 0 ? 0 : 1).append('\n');
        }
        Path p = tmp.resolve("bc.csv");
        Files.writeString(p, sb.toString());
        return p;
    }

    @Test
    void loadsSplitsStratifiedAndStandardises() throws IOException {
        BreastCancer bc = BreastCancer.load(file(50, "50,30,malignant,benign"), null, 50, 1);
        assertThat(bc.train().size() + bc.validation().size() + bc.test().size())
                .isEqualTo(50);
        assertThat(bc.train().size()).isEqualTo(30);
        // 17 malignant (i % 3 == 0): sklearn's 0 becomes the positive label 1
        int malignant = Arrays.stream(bc.train().labelIds()).sum()
                + Arrays.stream(bc.validation().labelIds()).sum()
                + Arrays.stream(bc.test().labelIds()).sum();
        assertThat(malignant).isEqualTo(17);
        assertThat(Arrays.stream(bc.train().labelIds()).sum()).isEqualTo(10); // 60% of 17, rounded
        assertThat(bc.train().features().mean(0).maxNumber().doubleValue()).isCloseTo(0, within(1e-5));
        assertThat(bc.train().features().std(false, 0).minNumber().doubleValue())
                .isCloseTo(1, within(1e-4));
        assertThat(bc.train().labels().sum(1).minNumber().doubleValue()).isEqualTo(1.0);
        // same seed, same split
        assertThat(BreastCancer.load(file(50, "50,30,malignant,benign"), null, 50, 1)
                        .test()
                        .labelIds())
                .isEqualTo(bc.test().labelIds());
    }

    @Test
    void badFilesAreNamedWithTheFix() throws IOException {
        assertThatThrownBy(() -> BreastCancer.load(tmp.resolve("missing.csv"), null, 50, 1))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(BreastCancer.FETCH_COMMAND);
        assertThatThrownBy(() -> BreastCancer.load(file(50, "50,30,malignant,benign"), "00", 50, 1))
                .hasMessageContaining("SHA-256")
                .hasMessageContaining(BreastCancer.FETCH_COMMAND);
        assertThatThrownBy(() -> BreastCancer.load(file(49, "50,30,malignant,benign"), null, 50, 1))
                .hasMessageContaining("49 rows");
        assertThatThrownBy(() -> BreastCancer.load(file(50, "50,31,malignant,benign"), null, 50, 1))
                .hasMessageContaining("header");
        Path p = file(50, "50,30,malignant,benign");
        Files.writeString(p, Files.readString(p).replaceFirst(",1\n", ",7\n"));
        assertThatThrownBy(() -> BreastCancer.load(p, null, 50, 1)).hasMessageContaining("target 7");
    }

    private static String sha(INDArray a) {
        ByteBuffer b = ByteBuffer.allocate((int) a.length() * 4);
        for (float f : a.dup('c').data().asFloat()) {
            b.putFloat(f);
        }
        return Checksums.sha256(b.array());
    }

    /**
     * The DataVec (CSVRecordReader) loader gives bit for bit the arrays of the earlier String.split loader on the
     * real file: SHA-256 of the FLOAT bytes of train / validation / test features and labels for seed 42, recorded
     * with the earlier loader (commit 27e2456). Needs Debian's python3-sklearn copy (scripts/test installs it).
     */
    @Test
    void realFileGivesTheSameArraysAsBeforeDataVec() throws IOException {
        assertThat(BreastCancer.DEBIAN_FILE)
                .as("the breast-cancer data is not installed; install it with " + BreastCancer.FETCH_COMMAND
                        + " (scripts/test does)")
                .isRegularFile();
        Path dataDir = Files.createDirectories(tmp.resolve("data"));
        Files.copy(BreastCancer.DEBIAN_FILE, dataDir.resolve(BreastCancer.FILE_NAME));
        BreastCancer bc = BreastCancer.loadOrFetch(dataDir, 42);
        List<LabeledArrays> parts = List.of(bc.train(), bc.validation(), bc.test());
        assertThat(parts.stream().map(LabeledArrays::size).toList()).containsExactly(341, 113, 115);
        assertThat(parts.stream().map(p -> sha(p.features())).toList())
                .containsExactly(
                        "157e2dfac4d487e7b9669b98850e9df3526363a11b192f3244b1ad68dddab09f",
                        "6014b4846b775cd8cbaa1996ee826723363f6c6e577d02c971cb61dea99b5599",
                        "28c0d071dba3b7a0838433a509ca86d1302f4766f424695c0b5f3b0270fd98dd");
        assertThat(parts.stream().map(p -> sha(p.labels())).toList())
                .containsExactly(
                        "0d368c0ca16f3c910f4e224b90a8d4435c69f9be9ccd5cdc92098d9bbd6d1156",
                        "f4fd2c8f1d737696112ba6283ef1e220f5a621261bae19433feb72fdbb489f7c",
                        "e83fd35de382ded84a2c404e193a7e5c6fa8047fb4afab3fbb202b47685649da");
        assertThat(parts.stream().map(p -> Arrays.hashCode(p.labelIds())).toList())
                .containsExactly(-1305616704, 1701814463, 85853120);
    }

    @Test
    void aDataDirWithACorruptCopyIsReportedNotFetched() throws IOException {
        Path dataDir = Files.createDirectories(tmp.resolve("data"));
        Files.copy(file(50, "50,30,malignant,benign"), dataDir.resolve(BreastCancer.FILE_NAME));
        assertThatThrownBy(() -> BreastCancer.loadOrFetch(dataDir, 1))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("SHA-256")
                .hasMessageContaining(BreastCancer.FETCH_COMMAND);
    }

    /**
     * The packaged fetch script (extracted with its checksum file: the test runs in the module folder, where
     * datasets/breast-cancer/fetch.sh is not) copies the installed file into a --data-dir. This is the one unit test
     * that runs a real fetch script, so it turns {@link DatasetDescriptor#NO_FETCH_PROPERTY} off for itself; it
     * requires Debian's copy to be installed (scripts/test installs it), so the script only verifies and copies: it
     * reaches neither apt nor the network.
     */
    @Test
    void loadOrFetchCopiesTheInstalledFileIntoAnEmptyDataDir() {
        assertThat(BreastCancer.DEBIAN_FILE)
                .as("the breast-cancer data is not installed; install it with " + BreastCancer.FETCH_COMMAND
                        + " (scripts/test does)")
                .isRegularFile();
        Assumptions.assumeFalse(Files.isRegularFile(Path.of(BreastCancer.FETCH_COMMAND)), "run from the module");
        Path dataDir = tmp.resolve("empty");
        String noFetch = System.getProperty(DatasetDescriptor.NO_FETCH_PROPERTY);
        System.setProperty(DatasetDescriptor.NO_FETCH_PROPERTY, "false");
        try {
            BreastCancer bc = BreastCancer.loadOrFetch(dataDir, 42);
            assertThat(dataDir.resolve(BreastCancer.FILE_NAME)).isRegularFile();
            assertThat(bc.train().size()).isEqualTo(341);
        } finally {
            if (noFetch == null) {
                System.clearProperty(DatasetDescriptor.NO_FETCH_PROPERTY);
            } else {
                System.setProperty(DatasetDescriptor.NO_FETCH_PROPERTY, noFetch);
            }
        }
    }
}
