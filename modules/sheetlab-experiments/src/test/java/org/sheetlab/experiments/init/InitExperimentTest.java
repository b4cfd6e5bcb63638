package org.sheetlab.experiments.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.plot.Comparison;

/** init on the real Fashion-MNIST, 30 batches per variant. */
class InitExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void zeroInitIsStuckLargeInitExplodesHeAndXavierLearn() throws Exception {
        InitExperiment.Options o = new InitExperiment.Options();
        o.outputDir = tmp.resolve("run");
        o.epochs = 1;
        o.maxBatches = 30;
        o.quiet = true;
        o.checkpointEvery = 0;
        InitExperiment.Result r = InitExperiment.run(o);
        assertThat(r.rows()).extracting(Comparison.Row::variant).containsExactly("zero", "large N(0,1)", "xavier", "he");
        // zero: every activation is 0 (no signal: the symmetry problem), the loss stays at ln 10
        assertThat(r.activationStd().get("zero")).containsOnly(0.0);
        assertThat(r.rows().get(0).testLoss()).isCloseTo(Math.log(10), within(1e-3));
        // too large: activations grow layer after layer; He keeps them O(1)
        double[] large = r.activationStd().get("large N(0,1)");
        double[] he = r.activationStd().get("he");
        assertThat(large[1]).isGreaterThan(large[0]).isGreaterThan(10 * he[0]);
        assertThat(he[0]).isBetween(0.05, 2.0);
        assertThat(r.rows().get(3).testAccuracy()).isGreaterThan(r.rows().get(0).testAccuracy());
        assertThat(o.outputDir.resolve("activations.png")).exists();
    }
}
