package org.sheetlab.experiments.gan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GanExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void recipeAndAblationTrainWithTheMonitorAndScores() throws Exception {
        GanExperiment.Options o = new GanExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("run"), 2, 4, 32);
        o.latent = 8;
        o.hidden = 16;
        o.judgeEpochs = 1;
        o.sampleEvery = 3;
        GanExperiment.Result r = GanExperiment.run(o);
        assertThat(r.scores()).containsOnlyKeys("recipe", "saturating");
        for (var s : r.scores().values()) {
            assertThat(s.get("frechetDistance")).isFinite().isGreaterThanOrEqualTo(0.0);
            assertThat(s.get("judgeConfidence")).isBetween(0.0, 1.0);
            assertThat(s.get("coverage")).isBetween(0.0, 10.0);
        }
        for (var rows : r.history().values()) {
            assertThat(rows).hasSize(2);
            assertThat(((Number) rows.get(0).get("generatorLoss")).doubleValue())
                    .isFinite();
            assertThat((java.util.List<?>) rows.get(1).get("classHistogram")).hasSize(10);
        }
        assertThat(ImageIO.read(o.run.outputDir
                        .resolve("recipe")
                        .resolve("samples-epoch-02.png")
                        .toFile()))
                .isNotNull();
        assertThat(ImageIO.read(
                        o.run.outputDir.resolve("saturating").resolve("gan.png").toFile()))
                .isNotNull();
        assertThat(o.run.outputDir.resolve("recipe").resolve("checkpoint.zip")).exists();
        // 8 updates, a grid every 3: iterations 3 and 6, tiled as two rows of 8 tiles
        assertThat(o.run.outputDir.resolve("recipe").resolve("samples-iter-000006.png"))
                .exists();
        var progression = ImageIO.read(
                o.run.outputDir.resolve("recipe").resolve("progression.png").toFile());
        assertThat(progression.getHeight()).isEqualTo(2 * 30 + 2);
        assertThat(progression.getWidth()).isEqualTo(8 * 30 + 2);
    }

    /** The DCGAN-style pair with the ReLU + max-pooling ablation runs through the same experiment. */
    @Test
    void theConvolutionalVariantRuns() throws Exception {
        GanExperiment.Options o = new GanExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("conv"), 1, 3, 16);
        o.conv = true;
        o.channels = new int[] {4, 8};
        o.latent = 8;
        o.judgeEpochs = 1;
        o.ablation = "relu";
        GanExperiment.Result r = GanExperiment.run(o);
        assertThat(r.scores()).containsOnlyKeys("recipe", "relu");
        for (var s : r.scores().values()) {
            assertThat(s.get("frechetDistance")).isFinite().isGreaterThanOrEqualTo(0.0);
        }
        assertThat(ImageIO.read(o.run.outputDir
                        .resolve("relu")
                        .resolve("samples-epoch-01.png")
                        .toFile()))
                .isNotNull();
    }

    @Test
    void anUnknownAblationIsNamed() {
        GanExperiment.Options o = new GanExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("bad"), 1, 1, 8);
        o.ablation = "dropout";
        assertThatThrownBy(() -> GanExperiment.run(o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'dropout'");
    }
}
