package org.sheetlab.experiments.recall;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.train.run.RunDirectory;

/** recall-first on the real breast-cancer data (installed by scripts/test), a few epochs. */
class RecallFirstExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void thresholdReachesTheTargetRecallOnValidationAndLowersItNeverRaises() throws Exception {
        RecallFirstExperiment.Options o = new RecallFirstExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("run"), 8, null, 32);
        Outcome r = new RecallFirstExperiment().run(o);
        org.sheetlab.experiments.RunFolders.assertShowsHeadline(new RecallFirstExperiment(), o, r);
        var row = r.only();
        assertThat(row.value("validationRecall")).isGreaterThanOrEqualTo(0.98);
        // the sheet's trade: a threshold chosen for recall finds at least as many malignant cases as 0.5
        assertThat(row.value("threshold"))
                .as("recall first lowers the threshold below 0.5")
                .isLessThan(0.5);
        JsonNode t = RunDirectory.JSON.readTree(
                o.run.outputDir.resolve("thresholds.json").toFile());
        JsonNode half = t.at("/testAtHalf/confusion");
        JsonNode chosen = t.at("/testAtThreshold/confusion");
        assertThat(chosen.get("tp").asLong())
                .isGreaterThanOrEqualTo(half.get("tp").asLong());
        assertThat(chosen.get("fn").asLong()).isLessThanOrEqualTo(half.get("fn").asLong());
        assertThat(row.value("testRecall")).isGreaterThanOrEqualTo(0.95);
        long total = half.get("tp").asLong()
                + half.get("tn").asLong()
                + half.get("fp").asLong()
                + half.get("fn").asLong();
        assertThat(total).isEqualTo(115);
        assertThat(t.get("threshold").asDouble()).isEqualTo(row.value("threshold"));
        assertThat(t.at("/testAtThreshold/recall").asDouble()).isEqualTo(row.value("testRecall"));
        assertThat(row.value("testRecallAtHalf"))
                .isEqualTo(t.at("/testAtHalf/recall").asDouble());
        assertThat(ImageIO.read(o.run.outputDir.resolve("pr-curve.png").toFile())
                        .getWidth())
                .isEqualTo(640);
    }
}
