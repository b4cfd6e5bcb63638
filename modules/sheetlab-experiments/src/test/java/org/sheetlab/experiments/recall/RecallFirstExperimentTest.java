package org.sheetlab.experiments.recall;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.train.run.RunDirectory;

/** recall-first on the real breast-cancer data (installed by scripts/test), a few epochs. */
class RecallFirstExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void thresholdReachesTheTargetRecallOnValidationAndLowersItNeverRaises() throws Exception {
        RecallFirstExperiment.Options o = new RecallFirstExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("run"), 8, null, 32);
        RecallFirstExperiment.Result r = RecallFirstExperiment.run(o);
        assertThat(r.validationRecall()).isGreaterThanOrEqualTo(0.98);
        // the sheet's trade: a threshold chosen for recall finds at least as many malignant cases as 0.5
        assertThat(r.threshold())
                .as("recall first lowers the threshold below 0.5")
                .isLessThan(0.5);
        assertThat(r.atThreshold().tp()).isGreaterThanOrEqualTo(r.atHalf().tp());
        assertThat(r.atThreshold().fn()).isLessThanOrEqualTo(r.atHalf().fn());
        assertThat(r.atThreshold().recall()).isGreaterThanOrEqualTo(0.95);
        long total =
                r.atHalf().tp() + r.atHalf().tn() + r.atHalf().fp() + r.atHalf().fn();
        assertThat(total).isEqualTo(115);
        JsonNode t = RunDirectory.JSON.readTree(
                o.run.outputDir.resolve("thresholds.json").toFile());
        assertThat(t.get("threshold").asDouble()).isEqualTo(r.threshold());
        assertThat(t.at("/testAtThreshold/recall").asDouble())
                .isEqualTo(r.atThreshold().recall());
        assertThat(ImageIO.read(o.run.outputDir.resolve("pr-curve.png").toFile())
                        .getWidth())
                .isEqualTo(640);
    }
}
