package org.sheetlab.experiments.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.experiments.run.Row;

/** Smoke run on the installed WordNet (datasets/wordnet/fetch.sh, run by scripts/test). */
class AttentionExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void bothVariantsTrainDecodeAndTheAttentionModelDrawsHeatmaps() throws Exception {
        AttentionExperiment.Options o = new AttentionExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("run"), 1, 4, 32);
        o.maxLength = 6;
        o.testWords = 40;
        o.trainWords = 200;
        o.hidden = 8;
        o.heatmaps = 2;
        Outcome r = new AttentionExperiment().run(o);
        org.sheetlab.experiments.RunFolders.assertShowsHeadline(new AttentionExperiment(), o, r);
        assertThat(r.rows()).extracting(Row::variant).containsExactly("attention", "no-attention");
        for (var m : r.<java.util.Map<String, java.util.Map<Integer, Double>>>extra("exactReversalByLength")
                .values()) {
            assertThat(m.keySet()).allMatch(len -> len >= 3 && len <= 6);
            assertThat(m.values()).allMatch(v -> v >= 0 && v <= 1);
        }
        try (var files = Files.list(o.run.outputDir.resolve("attention"))) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("attention-")))
                    .hasSize(2)
                    .allMatch(p -> {
                        try {
                            return ImageIO.read(p.toFile()) != null;
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    });
        }
        assertThat(ImageIO.read(
                        o.run.outputDir.resolve("accuracy-by-length.png").toFile()))
                .isNotNull();
    }

    @Test
    void tooManyTestWordsIsNamed() {
        AttentionExperiment.Options o = new AttentionExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("bad"), 1, 1, 8);
        o.maxLength = 3;
        o.testWords = 10_000_000;
        assertThatThrownBy(() -> new AttentionExperiment().run(o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--test-words");
    }
}
