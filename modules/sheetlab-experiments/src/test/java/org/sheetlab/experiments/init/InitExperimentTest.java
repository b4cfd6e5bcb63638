package org.sheetlab.experiments.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.experiments.run.Row;

/** init on the real Fashion-MNIST, 30 batches per variant. */
class InitExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void zeroInitIsStuckLargeInitExplodesHeAndXavierLearn() throws Exception {
        InitExperiment.Options o = new InitExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("run"), 1, 30, 128);
        Outcome r = new InitExperiment().run(o);
        org.sheetlab.experiments.RunFolders.assertShowsHeadline(new InitExperiment(), o, r);
        assertThat(r.rows()).extracting(Row::variant).containsExactly("zero", "large N(0,1)", "xavier", "he");
        // zero: every activation is 0 (no signal: the symmetry problem), the loss stays at ln 10
        assertThat(r.<java.util.Map<String, double[]>>extra("activationStd").get("zero"))
                .containsOnly(0.0);
        assertThat(r.rows().get(0).value("testLoss")).isCloseTo(Math.log(10), within(1e-3));
        // too large: activations grow layer after layer; He keeps them O(1)
        double[] large =
                r.<java.util.Map<String, double[]>>extra("activationStd").get("large N(0,1)");
        double[] he = r.<java.util.Map<String, double[]>>extra("activationStd").get("he");
        assertThat(large[1]).isGreaterThan(large[0]).isGreaterThan(10 * he[0]);
        assertThat(he[0]).isBetween(0.05, 2.0);
        // the listener's own file in each variant holds the same initial row, then one row per epoch
        var stats = org.sheetlab.train.run.RunDirectory.JSON.readTree(tmp.resolve("run")
                .resolve("he")
                .resolve("activation-stats.json")
                .toFile());
        assertThat(stats.at("/std/init/0").asDouble()).isEqualTo(he[0]);
        assertThat(stats.get("std").size()).isEqualTo(2);
        assertThat(r.rows().get(3).value("testAccuracy"))
                .isGreaterThan(r.rows().get(0).value("testAccuracy"));
        assertThat(o.run.outputDir.resolve("activations.png")).exists();
    }
}
