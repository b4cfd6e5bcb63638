package org.sheetlab.experiments.gan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.experiments.run.Row;

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
        Outcome r = new GanExperiment().run(o);
        org.sheetlab.experiments.RunFolders.assertShowsHeadline(new GanExperiment(), o, r);
        assertThat(r.rows()).extracting(Row::variant).containsExactly("recipe", "saturating");
        for (var s : r.rows().stream().map(Row::values).toList()) {
            assertThat(s.get("frechetDistance")).isFinite().isGreaterThanOrEqualTo(0.0);
            assertThat(s.get("judgeConfidence")).isBetween(0.0, 1.0);
            assertThat(s.get("coverage")).isBetween(0.0, 10.0);
        }
        for (var trained : r.results().values()) {
            var history = trained.history();
            assertThat(history).hasSize(2);
            // the GAN step's own figures and the collapse monitor are epoch metrics (metrics.json, curves.png)
            assertThat(history.get(0).metric("generatorLoss")).isFinite();
            assertThat(history.get(0).metric("generatorLoss"))
                    .isEqualTo(history.get(0).trainLoss());
            double shares = 0;
            for (int k = 0; k < 10; k++) {
                shares += history.get(1).metric("classShare" + k);
            }
            assertThat(shares).isCloseTo(1.0, within(1e-9));
            assertThat(history.get(1).metric("coverage")).isBetween(0.0, 10.0);
        }
        assertThat(o.run.outputDir.resolve("judge").resolve("model.zip")).exists();
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
        Outcome r = new GanExperiment().run(o);
        org.sheetlab.experiments.RunFolders.assertShowsHeadline(new GanExperiment(), o, r);
        assertThat(r.rows()).extracting(Row::variant).containsExactly("recipe", "relu");
        for (var s : r.rows().stream().map(Row::values).toList()) {
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
        assertThatThrownBy(() -> new GanExperiment().run(o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'dropout'");
    }
}
