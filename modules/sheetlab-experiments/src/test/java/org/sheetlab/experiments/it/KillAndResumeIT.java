package org.sheetlab.experiments.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sheetlab.train.Checkpoints;
import org.sheetlab.train.run.RunDirectory;

/**
 * Runs killed with SIGKILL mid-epoch and restarted with {@code --resume} end with exactly the trained weights (the
 * {@code coefficients.bin} of every model.zip, byte for byte) and metrics of an uninterrupted run with the same
 * options, on the packaged jar: final-q5 as a MultiLayerNetwork, final-q5 as a ComputationGraph ({@code --graph}),
 * newton, whose Newton steps are a training loop of their own ({@code NewtonStep}), and gan, whose alternating step
 * checkpoints two networks ({@code GanStep}): there the sample grids (PNG bytes), both networks' weights and the final
 * scores must match as well.
 */
class KillAndResumeIT {
    @TempDir
    Path tmp;

    /** The options, the sub-folder whose checkpoint is watched, and the model folders to compare. */
    private record Scenario(List<String> args, String watched, List<String> models) {}

    private static Scenario scenario(String name) {
        return switch (name) {
            case "mlp" ->
                new Scenario(
                        List.of(
                                "final-q5",
                                "--epochs",
                                "2",
                                "--max-batches",
                                "150",
                                "--batch-size",
                                "32",
                                "--checkpoint-every",
                                "50",
                                "--quiet"),
                        "",
                        List.of(""));
            case "graph" -> {
                Scenario mlp = scenario("mlp");
                List<String> args = new java.util.ArrayList<>(mlp.args());
                args.add(1, "--graph");
                yield new Scenario(args, mlp.watched(), mlp.models());
            }
            case "newton" ->
                new Scenario(
                        List.of("newton", "--epochs", "3", "--batch-size", "16", "--checkpoint-every", "5", "--quiet"),
                        "newton-full",
                        List.of("newton-full", "newton-block", "sgd", "adam"));
            case "gan" ->
                new Scenario(
                        List.of(
                                "gan",
                                "--epochs",
                                "2",
                                "--max-batches",
                                "150",
                                "--batch-size",
                                "32",
                                "--checkpoint-every",
                                "50",
                                "--judge-epochs",
                                "1",
                                "--latent",
                                "16",
                                "--hidden",
                                "32",
                                "--sample-every",
                                "40",
                                "--quiet"),
                        "recipe",
                        List.of("recipe", "saturating"));
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static String[] args(Scenario s, String... extra) {
        List<String> all = new java.util.ArrayList<>(s.args());
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    private static void runToEnd(ProcessBuilder pb, Path log) throws Exception {
        Process p = pb.start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(PackagedJar.log(log)).isZero();
    }

    /** The raw parameter bytes of a ModelSerializer zip. */
    private static byte[] coefficients(Path zip) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry e = z.getEntry("coefficients.bin");
            assertThat(e).as("coefficients.bin in " + zip).isNotNull();
            try (InputStream in = z.getInputStream(e)) {
                return in.readAllBytes();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "graph", "newton", "gan"})
    void killedMidEpochResumesToTheSameWeights(String name) throws Exception {
        Scenario s = scenario(name);
        Path killed = tmp.resolve("killed");
        Process p = PackagedJar.command(tmp.resolve("a.log"), args(s, "--output-dir", killed.toString()))
                .start();
        Path checkpoint = killed.resolve(s.watched()).resolve(Checkpoints.FILE);
        long deadline = System.currentTimeMillis() + 180_000;
        while (!Files.exists(checkpoint) && p.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(2);
        }
        assertThat(p.isAlive())
                .as("the run was still going when its first checkpoint appeared")
                .isTrue();
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no chance to tidy up
        p.waitFor();
        assertThat(killed.resolve(s.models().get(0)).resolve("model.zip"))
                .as("the killed run had not finished")
                .doesNotExist();

        Path resumeLog = tmp.resolve("b.log");
        runToEnd(PackagedJar.command(resumeLog, args(s, "--output-dir", killed.toString(), "--resume")), resumeLog);
        Matcher m =
                Pattern.compile("resuming \\S+ at epoch (\\d+), batch (\\d+)").matcher(PackagedJar.log(resumeLog));
        assertThat(m.find()).as(PackagedJar.log(resumeLog)).isTrue();
        assertThat(Integer.parseInt(m.group(2)))
                .as("the kill happened mid-epoch: the resumed run starts at a batch " + "> 0")
                .isGreaterThan(0);

        Path straight = tmp.resolve("straight");
        runToEnd(
                PackagedJar.command(tmp.resolve("c.log"), args(s, "--output-dir", straight.toString())),
                tmp.resolve("c.log"));

        for (String model : s.models()) {
            try (var files = Files.list(straight.resolve(model))) {
                for (Path f : files.toList()) {
                    String n = f.getFileName().toString();
                    if (n.startsWith("model-") && n.endsWith(".zip")) {
                        assertThat(coefficients(killed.resolve(model).resolve(n)))
                                .as(model + " " + n)
                                .isEqualTo(coefficients(f));
                    } else if (n.startsWith("samples-") || n.equals("progression.png")) {
                        assertThat(killed.resolve(model).resolve(n))
                                .as(model + " " + n)
                                .hasSameBinaryContentAs(f);
                    }
                }
            }
            assertThat(coefficients(killed.resolve(model).resolve("model.zip")))
                    .as(model + " weights")
                    .isEqualTo(coefficients(straight.resolve(model).resolve("model.zip")));
            JsonNode a = RunDirectory.JSON
                    .readTree(killed.resolve(model).resolve("metrics.json").toFile())
                    .get("epochs");
            JsonNode b = RunDirectory.JSON
                    .readTree(straight.resolve(model).resolve("metrics.json").toFile())
                    .get("epochs");
            assertThat(a.size()).isEqualTo(b.size()).isPositive();
            for (int i = 0; i < a.size(); i++) {
                var fields = a.get(i).fieldNames();
                while (fields.hasNext()) {
                    String f = fields.next();
                    if (!f.equals("seconds") && !f.equals("samplesPerSecond")) {
                        assertThat(a.get(i).get(f).asDouble())
                                .as("%s epoch %d %s", model, i + 1, f)
                                .isEqualTo(b.get(i).get(f).asDouble());
                    }
                }
            }
        }
        if (name.equals("gan")) {
            assertThat(RunDirectory.JSON.readTree(killed.resolve("gan.json").toFile()))
                    .as("gan.json (history with the collapse monitor, final scores)")
                    .isEqualTo(RunDirectory.JSON.readTree(
                            straight.resolve("gan.json").toFile()));
            assertThat(straight.resolve("recipe").resolve("samples-iter-000120.png"))
                    .exists();
        }
    }
}
