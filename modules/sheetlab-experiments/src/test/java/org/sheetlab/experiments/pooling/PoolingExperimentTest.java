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

    /**
     * Parameters of the CNN for the options' widths (c1, c2, d): conv1 5·5·1·c1 + c1, conv2 5·5·c1·c2 + c2, dense
     * (4·4·c2)·d + d, output 10d + 10, and with batch norm 4 per channel (DL4J counts γ, β and the running mean and
     * variance as parameters).
     */
    private static long parameters(PoolingExperiment.Options o) {
        long c1 = o.widths.get(0);
        long c2 = o.widths.get(1);
        long d = o.widths.get(2);
        long bn = o.batchNorm ? 4 * (c1 + c2) : 0;
        return 25 * c1 + c1 + 25 * c1 * c2 + c2 + 16 * c2 * d + d + 10 * d + 10 + bn;
    }

    @Test
    void theSheetsPlainNetworkHasItsParameterCount() {
        PoolingExperiment.Options o = new PoolingExperiment.Options();
        o.widths = List.of(16, 32, 64);
        o.batchNorm = false;
        assertThat(parameters(o)).isEqualTo(46_730L);
    }

    @Test
    void badRecipeOptionsAreNamed() {
        PoolingExperiment.Options o = smoke(tmp.resolve("bad"));
        o.widths = List.of(16, 32);
        assertThatThrownBy(() -> new PoolingExperiment().run(o)).hasMessageContaining("--widths");
        PoolingExperiment.Options d = smoke(tmp.resolve("bad2"));
        d.dropout = 1;
        assertThatThrownBy(() -> new PoolingExperiment().run(d)).hasMessageContaining("--dropout");
        PoolingExperiment.Options l = smoke(tmp.resolve("bad3"));
        l.lrDecay = 0;
        assertThatThrownBy(() -> new PoolingExperiment().run(l)).hasMessageContaining("--lr-decay");
    }

    @Test
    void trainsEveryVariantAndWritesTheComparison() throws Exception {
        Path out = tmp.resolve("run");
        PoolingExperiment.Options o = smoke(out);
        Outcome r = new PoolingExperiment().run(o);
        org.sheetlab.experiments.RunFolders.assertShowsHeadline(new PoolingExperiment(), o, r);
        assertThat(r.rows()).extracting(Row::variant).containsExactly("max", "p2", "logavg");
        long parameters = parameters(o);
        assertThat(r.rows()).extracting(Row::parameters).containsOnly(parameters);
        for (String v : List.of("max", "p2", "logavg")) {
            assertThat(out.resolve(v).resolve("model.zip")).exists();
            assertThat(out.resolve(v).resolve("metrics.json")).exists();
            assertThat(java.nio.file.Files.readString(out.resolve(v).resolve("parameters.txt")))
                    .contains(String.format(java.util.Locale.ROOT, "%,d", parameters));
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
