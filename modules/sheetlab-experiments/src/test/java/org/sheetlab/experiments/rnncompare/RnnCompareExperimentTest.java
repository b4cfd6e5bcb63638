package org.sheetlab.experiments.rnncompare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.experiments.run.Row;

class RnnCompareExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void everyCellTrainsAndReportsAGradientNormPerStep() throws Exception {
        RnnCompareExperiment.Options o = new RnnCompareExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, tmp.resolve("run"), 1, 3, 32);
        o.hidden = 8;
        Outcome r = new RnnCompareExperiment().run(o);
        org.sheetlab.experiments.RunFolders.assertShowsHeadline(new RnnCompareExperiment(), o, r);
        assertThat(r.rows()).extracting(Row::variant).containsExactly("sign", "tanh", "lstm", "gru");
        for (String cell : List.of("tanh", "lstm", "gru")) {
            double[] n =
                    r.<java.util.Map<String, double[]>>extra("initialNorms").get(cell);
            assertThat(n).as(cell).hasSize(28);
            // the loss reads s_28 directly: the last step carries gradient, and it is finite everywhere
            assertThat(n[27]).as(cell).isPositive();
            assertThat(java.util.Arrays.stream(n).allMatch(Double::isFinite)).isTrue();
            assertThat(r.<java.util.Map<String, double[]>>extra("trainedNorms").get(cell))
                    .hasSize(28);
        }
        JsonNode json = new ObjectMapper()
                .readTree(o.run.outputDir.resolve("gradient-norms.json").toFile());
        assertThat(json.get("initial").get("gru")).hasSize(28);
        assertThat(ImageIO.read(o.run.outputDir.resolve("gradient-norms.png").toFile()))
                .isNotNull();
        assertThat(ImageIO.read(o.run.outputDir.resolve("comparison.png").toFile()))
                .isNotNull();
        assertThat(o.run.outputDir.resolve("lstm").resolve("model.zip")).exists();
    }

    @Test
    void anUnknownCellIsNamed() {
        assertThatThrownBy(() -> RnnCompareExperiment.parseCell("transformer"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'transformer'")
                .hasMessageContaining("sign, tanh, lstm or gru");
    }
}
