package org.sheetlab.experiments.moe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.experiments.run.Row;

class MoeExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void mixtureAndDenseOfEqualSizeTrainAndTheRoutingIsPerClass() throws Exception {
        MoeExperiment.Options o = new MoeExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("run"), 1, 5, 64);
        o.experts = 3;
        o.expertSize = 16;
        Outcome r = new MoeExperiment().run(o);
        org.sheetlab.experiments.RunFolders.assertShowsHeadline(new MoeExperiment(), o, r);
        assertThat(r.rows()).extracting(Row::variant).containsExactly("moe", "dense");
        long moe = r.rows().get(0).parameters();
        long dense = r.rows().get(1).parameters();
        assertThat(Math.abs(moe - dense)).isLessThanOrEqualTo(795L); // within one dense hidden unit
        assertThat(r.<double[][]>extra("meanGates")).hasNumberOfRows(10);
        for (int c = 0; c < 10; c++) {
            assertThat(Arrays.stream(r.<double[][]>extra("meanGates")[c]).sum()).isCloseTo(1.0, within(1e-5));
            assertThat(Arrays.stream(r.<double[][]>extra("topShare")[c]).sum()).isCloseTo(1.0, within(1e-9));
        }
        assertThat(ImageIO.read(o.run.outputDir.resolve("routing.png").toFile()))
                .isNotNull();
        assertThat(o.run.outputDir.resolve("routing.json")).exists();
        assertThat(o.run.outputDir.resolve("moe").resolve("model.zip")).exists();
    }

    @Test
    void aTopKLargerThanTheExpertsIsABadOption() {
        MoeExperiment.Options o = new MoeExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("bad"), 1, 1, 8);
        o.topK = 9;
        assertThatThrownBy(() -> new MoeExperiment().run(o))
                .isInstanceOf(org.sheetlab.core.settings.InvalidSettingException.class)
                .hasMessage("MoeClassifier: topK must be between 0 (mix all experts) and experts (4), got 9");
    }
}
