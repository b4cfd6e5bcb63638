package org.sheetlab.data.breastcancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.data.DatasetException;

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
        assertThat(bc.train().size() + bc.validation().size() + bc.test().size()).isEqualTo(50);
        assertThat(bc.train().size()).isEqualTo(30);
        // 17 malignant (i % 3 == 0): sklearn's 0 becomes the positive label 1
        int malignant = Arrays.stream(bc.train().labelIds()).sum() + Arrays.stream(bc.validation().labelIds()).sum()
                + Arrays.stream(bc.test().labelIds()).sum();
        assertThat(malignant).isEqualTo(17);
        assertThat(Arrays.stream(bc.train().labelIds()).sum()).isEqualTo(10); // 60% of 17, rounded
        assertThat(bc.train().features().mean(0).maxNumber().doubleValue()).isCloseTo(0, within(1e-5));
        assertThat(bc.train().features().std(false, 0).minNumber().doubleValue()).isCloseTo(1, within(1e-4));
        assertThat(bc.train().labels().sum(1).minNumber().doubleValue()).isEqualTo(1.0);
        // same seed, same split
        assertThat(BreastCancer.load(file(50, "50,30,malignant,benign"), null, 50, 1).test().labelIds())
                .isEqualTo(bc.test().labelIds());
    }

    @Test
    void badFilesAreNamedWithTheFix() throws IOException {
        assertThatThrownBy(() -> BreastCancer.load(tmp.resolve("missing.csv"), null, 50, 1))
                .isInstanceOf(DatasetException.class).hasMessageContaining(BreastCancer.FETCH_COMMAND);
        assertThatThrownBy(() -> BreastCancer.load(file(50, "50,30,malignant,benign"), "00", 50, 1))
                .hasMessageContaining("SHA-256").hasMessageContaining(BreastCancer.FETCH_COMMAND);
        assertThatThrownBy(() -> BreastCancer.load(file(49, "50,30,malignant,benign"), null, 50, 1))
                .hasMessageContaining("49 rows");
        assertThatThrownBy(() -> BreastCancer.load(file(50, "50,31,malignant,benign"), null, 50, 1))
                .hasMessageContaining("header");
        Path p = file(50, "50,30,malignant,benign");
        Files.writeString(p, Files.readString(p).replaceFirst(",1\n", ",7\n"));
        assertThatThrownBy(() -> BreastCancer.load(p, null, 50, 1)).hasMessageContaining("target 7");
    }
}
