package org.sheetlab.experiments.pooling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.train.run.RunDirectory;

class PoolingExperimentTest {
    @TempDir
    Path tmp;

    private PoolingExperiment.Options smoke(Path out) {
        PoolingExperiment.Options o = new PoolingExperiment.Options();
        org.sheetlab.experiments.Smoke.set(o.run, o.loop, out, 1, 3, 32);
        o.variants = List.of("max", "p2", "logavg");
        return o;
    }

    @Test
    void trainsEveryVariantAndWritesTheComparison() throws Exception {
        Path out = tmp.resolve("run");
        PoolingExperiment.Options o = smoke(out);
        Outcome r = new PoolingExperiment().run(o);
        org.sheetlab.experiments.RunFolders.assertShowsHeadline(new PoolingExperiment(), o, r);
        assertThat(r.rows()).extracting(Row::variant).containsExactly("max", "p2", "logavg");
        assertThat(r.rows()).extracting(Row::parameters).containsOnly(46_730L);
        for (String v : List.of("max", "p2", "logavg")) {
            assertThat(out.resolve(v).resolve("model.zip")).exists();
            assertThat(out.resolve(v).resolve("metrics.json")).exists();
            assertThat(java.nio.file.Files.readString(out.resolve(v).resolve("parameters.txt")))
                    .contains("46,730");
        }
        JsonNode summary =
                RunDirectory.JSON.readTree(out.resolve("metrics.json").toFile());
        assertThat(summary.get("variants")).hasSize(3);
        assertThat(ImageIO.read(out.resolve("comparison.png").toFile()).getWidth())
                .isGreaterThan(800);
        assertThat(RunDirectory.JSON
                        .readTree(out.resolve("run.json").toFile())
                        .get("status")
                        .asText())
                .isEqualTo("completed");

        // resuming a finished run reloads every variant without training and reproduces the table
        PoolingExperiment.Options again = smoke(out);
        again.loop.resume = true;
        assertThat(new PoolingExperiment().run(again).rows())
                .extracting((Row row) -> row.value("testAccuracy"))
                .containsExactlyElementsOf(
                        r.rows().stream().map(row -> row.value("testAccuracy")).toList());
    }

    @Test
    void unknownVariantIsNamed() {
        PoolingExperiment.Options o = smoke(tmp.resolve("x"));
        o.variants = List.of("max", "median");
        assertThatThrownBy(() -> new PoolingExperiment().run(o))
                .hasMessageContaining("median")
                .hasMessageContaining("logavg");
    }
}
