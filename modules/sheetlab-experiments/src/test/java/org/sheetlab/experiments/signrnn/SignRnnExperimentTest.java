package org.sheetlab.experiments.signrnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.experiments.run.Row;

class SignRnnExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void signStatesAreExactlyPlusMinusOneAndTanhStatesAreNot() throws Exception {
        SignRnnExperiment.Options o = new SignRnnExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("run"), 1, 4, 64);
        o.hidden = 16;
        Outcome r = new SignRnnExperiment().run(o);
        org.sheetlab.experiments.RunFolders.assertShowsHeadline(new SignRnnExperiment(), o, r);
        assertThat(r.rows()).extracting(Row::variant).containsExactly("sign", "tanh");
        double[] sign =
                r.<java.util.Map<String, double[]>>extra("stateHistograms").get("sign");
        double[] tanh =
                r.<java.util.Map<String, double[]>>extra("stateHistograms").get("tanh");
        assertThat(Arrays.stream(sign).sum()).isCloseTo(1.0, within(1e-9));
        assertThat(sign[0] + sign[sign.length - 1]).isCloseTo(1.0, within(1e-12)); // only −1 and +1
        assertThat(tanh[0] + tanh[tanh.length - 1]).isLessThan(0.99);
        assertThat(ImageIO.read(o.run.outputDir.resolve("states.png").toFile())).isNotNull();
        assertThat(o.run.outputDir.resolve("sign").resolve("model.zip")).exists();
    }
}
