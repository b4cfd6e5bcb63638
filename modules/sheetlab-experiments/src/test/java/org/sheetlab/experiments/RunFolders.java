package org.sheetlab.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.sheetlab.experiments.options.ExperimentOptions;
import org.sheetlab.experiments.run.Experiment;
import org.sheetlab.experiments.run.Headline;
import org.sheetlab.experiments.run.Outcome;
import org.sheetlab.experiments.run.Row;
import org.sheetlab.train.run.RunDirectory;

/**
 * What every experiment's top folder must show a user: run.json (completed, with the headline keys), metrics.json
 * holding each declared headline metric for every variant, finite; summary.txt with a column per headline metric and
 * no NaN; and a chart that is not empty (comparison.png for a comparison, curves.png for a single network).
 */
public final class RunFolders {
    private RunFolders() {}

    public static <O extends ExperimentOptions> void assertShowsHeadline(
            Experiment<O, ?, ?> experiment, O options, Outcome outcome) throws IOException {
        Path dir = outcome.runDir();
        JsonNode run = RunDirectory.JSON.readTree(dir.resolve("run.json").toFile());
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(run.get("experiment").asText()).isEqualTo(experiment.name());
        if (options.loop.step.equals("auto") && options.loop.workers == 1) {
            assertAutoPicksTheFastStep(experiment.name(), run.get("steps"));
        }
        var headline = experiment.headline(options);
        assertThat(headline).isNotEmpty();
        JsonNode metrics =
                RunDirectory.JSON.readTree(dir.resolve("metrics.json").toFile());
        JsonNode rows = metrics.has("variants")
                ? metrics.get("variants")
                : metrics.path("final").isMissingNode()
                        ? null
                        : RunDirectory.JSON.createArrayNode().add(metrics.get("final"));
        assertThat(rows).as("metrics.json has the variants' rows").isNotNull();
        assertThat(rows.size()).isEqualTo(outcome.rows().size());
        for (JsonNode row : rows) {
            if (!row.path("note").isNull() && !row.path("note").isMissingNode()) {
                continue; // a variant reported as diverged (the init experiment): its note says why
            }
            for (Headline h : headline) {
                JsonNode v = row.at("/values/" + h.key());
                assertThat(v.isNumber())
                        .as(row.get("variant") + " " + h.key() + " in metrics.json")
                        .isTrue();
                assertThat(Double.isFinite(v.asDouble()))
                        .as(h.key() + " finite")
                        .isTrue();
            }
        }
        boolean notes = outcome.rows().stream().anyMatch(r -> r.note() != null);
        for (Row r : outcome.rows()) {
            if (r.note() != null) {
                continue;
            }
            for (Headline h : headline) {
                assertThat(r.value(h.key())).as(r.variant() + " " + h.key()).isFinite();
            }
        }
        String summary = Files.readString(dir.resolve("summary.txt"));
        for (Headline h : headline) {
            assertThat(summary).contains(h.label());
        }
        assertThat(summary).doesNotContain("NaN");
        if (!notes) {
            assertThat(summary).doesNotContain("n/a");
        }
        Path chart =
                Files.exists(dir.resolve("comparison.png")) ? dir.resolve("comparison.png") : dir.resolve("curves.png");
        assertNotBlank(chart);
    }

    /**
     * The experiments whose networks {@code --step auto} trains through fit, and what the reason names: the newton
     * experiment's first-order baselines share its DOUBLE model (the comparison with Newton's method is in double
     * precision), and the fast step's kernels are FLOAT only.
     */
    public static final java.util.Map<String, String> KNOWN_FALLBACKS =
            java.util.Map.of("newton", "the network's data type is DOUBLE; the fast step's kernels are FLOAT only");

    /**
     * {@code --step auto} (issue 20): every network the experiment trains takes the fast step ({@code fast}, or
     * {@code dense} for the plain MLP); a step of several networks (the GAN) has each network on the fast step; a
     * step of the experiment's own that is no network's fit (word2vec, style transfer, Newton's method) says so. A
     * fall-back to fit fails here with the reason run.json records, except the known ones ({@link #KNOWN_FALLBACKS}),
     * whose reason must name the setting.
     */
    public static void assertAutoPicksTheFastStep(String experiment, JsonNode steps) {
        assertThat(steps).as(experiment + ": run.json records the steps").isNotNull();
        var labels = steps.fieldNames();
        while (labels.hasNext()) {
            String label = labels.next();
            JsonNode s = steps.get(label);
            String what = experiment + " " + label + " " + s;
            String kind = s.path("kind").asText();
            assertThat(kind).as(what + ": kind").isIn("fast", "dense", "own", "fit");
            if (kind.equals("own")) {
                JsonNode networks = s.path("networks");
                if (networks.isMissingNode() || networks.isEmpty()) {
                    assertThat(s.path("reason").asText())
                            .as(what + ": an own step names itself")
                            .startsWith("the experiment's own step ");
                } else {
                    networks.fields()
                            .forEachRemaining(
                                    n -> assertThat(n.getValue().path("kind").asText())
                                            .as(what + ": network " + n.getKey())
                                            .isEqualTo("fast"));
                    assertThat(s.has("reason"))
                            .as(what + ": no reason when every network is fast")
                            .isFalse();
                }
            } else if (kind.equals("fit")) {
                assertThat(KNOWN_FALLBACKS)
                        .as(what + ": --step auto fell back to fit")
                        .containsKey(experiment);
                assertThat(s.path("reason").asText()).as(what).contains(KNOWN_FALLBACKS.get(experiment));
            } else {
                assertThat(s.has("reason"))
                        .as(what + ": the fast step has no fallback reason")
                        .isFalse();
            }
        }
    }

    /** The PNG exists and draws something: more than the few colours of an empty frame. */
    public static void assertNotBlank(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as(png.toString()).isNotNull();
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertThat(colours.size()).as(png + ": distinct colours").isGreaterThan(8);
    }
}
