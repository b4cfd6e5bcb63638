package org.sheetlab.experiments.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sheetlab.train.Checkpoints;
import org.sheetlab.train.LocalTrainingLoop;
import org.sheetlab.train.run.RunDirectory;

/**
 * Runs halted mid-epoch and restarted with {@code --resume} end with exactly the trained weights (the
 * {@code coefficients.bin} of every model.zip, byte for byte) and metrics of an uninterrupted run with the same
 * options, on the packaged jar: final-q5 as a MultiLayerNetwork, final-q5 as a ComputationGraph ({@code --graph}),
 * newton, whose Newton steps are a training loop of their own ({@code NewtonStep}), and gan, whose alternating step
 * checkpoints two networks ({@code GanStep}): there the sample grids (PNG bytes), both networks' weights and the final
 * scores must match as well.
 *
 * <p>The kill point is fixed, not timed: the killed run gets the test-only property
 * {@code -Dsheetlab.test.haltAfterBatch=N@folder} ({@link LocalTrainingLoop#HALT_PROPERTY}), which halts its JVM with
 * {@code Runtime.halt} (as abrupt as {@code kill -9}: no shutdown hooks) right after the mid-epoch checkpoint at global
 * batch N is written, with N = batches per epoch + checkpoint interval: the second epoch's first checkpoint, so the
 * resumed run restores a finished epoch's history and a mid-epoch position. (Polling for the checkpoint file and
 * sending SIGKILL raced the training: the MLP runs about 600 batches/s, so a scheduling delay of 0.3–0.8 s resumed at
 * batch 0 or after the run had ended.) The uninterrupted run goes first and gives the batches per epoch.
 */
// longer than the module default (junit-platform.properties): three runs of the packaged jar per scenario, each limited
// to 5 minutes
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class KillAndResumeIT {
    @TempDir
    Path tmp;

    /**
     * The options, the sub-folder whose run is halted (its checkpoint is watched), the model folders to compare and
     * the checkpoint interval (the options' --checkpoint-every).
     */
    private record Scenario(List<String> args, String watched, List<String> models) {
        int checkpointEvery() {
            return Integer.parseInt(args.get(args.indexOf("--checkpoint-every") + 1));
        }
    }

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
            // the fast step (--step auto picks FastStep for these networks): a FastConvolution2D + max-pooling CNN and
            // a FastLSTM row classifier, short
            case "cnn" ->
                new Scenario(
                        List.of(
                                "pooling",
                                "--variants",
                                "max",
                                "--epochs",
                                "2",
                                "--max-batches",
                                "30",
                                "--batch-size",
                                "16",
                                "--checkpoint-every",
                                "10",
                                "--quiet"),
                        "max",
                        List.of("max"));
            case "lstm" ->
                new Scenario(
                        List.of(
                                "rnn-compare",
                                "--cells",
                                "lstm",
                                "--hidden",
                                "16",
                                "--epochs",
                                "2",
                                "--max-batches",
                                "30",
                                "--batch-size",
                                "16",
                                "--checkpoint-every",
                                "10",
                                "--quiet"),
                        "lstm",
                        List.of("lstm"));
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static String[] args(Scenario s, String... extra) {
        List<String> all = new java.util.ArrayList<>(s.args());
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    private static void runToEnd(ProcessBuilder pb, Path log) throws Exception {
        assertThat(PackagedJar.runToExit(pb, Duration.ofMinutes(5), log))
                .as(PackagedJar.log(log))
                .isZero();
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
    @ValueSource(strings = {"mlp", "graph", "newton", "gan", "cnn", "lstm"})
    void killedMidEpochResumesToTheSameWeights(String name) throws Exception {
        Scenario s = scenario(name);
        Path straight = tmp.resolve("straight");
        runToEnd(
                PackagedJar.command(tmp.resolve("c.log"), args(s, "--output-dir", straight.toString())),
                tmp.resolve("c.log"));
        JsonNode epochs = RunDirectory.JSON
                .readTree(straight.resolve(s.watched()).resolve("metrics.json").toFile())
                .get("epochs");
        assertThat(epochs.size()).as("the scenario trains at least two epochs").isGreaterThanOrEqualTo(2);
        int perEpoch = epochs.get(0).get("batches").asInt();
        assertThat(perEpoch).as("a checkpoint falls inside the second epoch").isGreaterThan(s.checkpointEvery());
        long haltAt = (long) perEpoch + s.checkpointEvery();

        if (name.equals("cnn") || name.equals("lstm")) { // these scenarios are there for the fast step
            assertThat(RunDirectory.JSON
                            .readTree(straight.resolve("run.json").toFile())
                            .at("/steps/" + s.watched() + "/step")
                            .asText())
                    .isEqualTo("FastStep");
        }
        Path killed = tmp.resolve("killed");
        Path killedLog = tmp.resolve("a.log");
        ProcessBuilder halting = PackagedJar.command(killedLog, args(s, "--output-dir", killed.toString()));
        String folder = killed.resolve(s.watched()).getFileName().toString();
        halting.command().add(1, "-D" + LocalTrainingLoop.HALT_PROPERTY + "=" + haltAt + "@" + folder);
        assertThat(PackagedJar.runToExit(halting, Duration.ofMinutes(5), killedLog))
                .as("the run halted at global batch %d: %s", haltAt, PackagedJar.log(killedLog))
                .isEqualTo(LocalTrainingLoop.HALT_EXIT_CODE);
        assertThat(PackagedJar.log(killedLog)).contains("halting after the checkpoint at global batch " + haltAt);
        assertThat(killed.resolve(s.watched()).resolve(Checkpoints.FILE)).isRegularFile();
        assertThat(killed.resolve(s.models().get(0)).resolve("model.zip"))
                .as("the killed run had not finished")
                .doesNotExist();

        Path resumeLog = tmp.resolve("b.log");
        runToEnd(PackagedJar.command(resumeLog, args(s, "--output-dir", killed.toString(), "--resume")), resumeLog);
        // the watched run's own line: the GAN's judge (a finished run of its own) is reloaded first
        Matcher m = Pattern.compile("resuming "
                        + Pattern.quote(killed.resolve(s.watched()).toString()) + " at epoch (\\d+), batch (\\d+)")
                .matcher(PackagedJar.log(resumeLog));
        assertThat(m.find()).as(PackagedJar.log(resumeLog)).isTrue();
        assertThat(Integer.parseInt(m.group(1)))
                .as("resumed in the second epoch")
                .isEqualTo(2);
        assertThat(Integer.parseInt(m.group(2)))
                .as("resumed at the second epoch's first checkpoint, mid-epoch")
                .isEqualTo(s.checkpointEvery());

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
            for (String model : s.models()) {
                assertThat(RunDirectory.JSON.readTree(
                                killed.resolve(model).resolve("gan.json").toFile()))
                        .as(model + "/gan.json (history with the collapse monitor, final scores)")
                        .isEqualTo(RunDirectory.JSON.readTree(
                                straight.resolve(model).resolve("gan.json").toFile()));
            }
            assertThat(straight.resolve("recipe").resolve("samples-iter-000120.png"))
                    .exists();
        }
    }
}
